"""Cue sets of `ontology/cues/clauses.ttl` for the party, list and clause extractors.

Every phrase these extractors match is data in the TTL file; this module only wraps
`graph.vocab` so callers ask for a cue by name, and turns the valued cue sets
("number-24", "month-03", "law-DE") into small lookup tables.
"""

from __future__ import annotations

import re
from functools import lru_cache

from graph.vocab import vocabulary


def cue(name: str) -> re.Pattern:
    """The compiled cue set `dpacue:<name>` (all languages, case-insensitive)."""
    return vocabulary().cue(name)


@lru_cache(maxsize=64)
def anchored(name: str) -> re.Pattern:
    """The cue set as one group, for `fullmatch` tests and for embedding in larger patterns."""
    return re.compile(f"(?:{cue(name).pattern})", re.IGNORECASE)


@lru_cache(maxsize=16)
def valued(prefix: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(value, pattern) for every cue set named `<prefix><value>`, e.g. ("24", …) for number-24."""
    out = []
    for name in vocabulary().cue_names:
        if name.startswith(prefix):
            out.append((name[len(prefix) :], cue(name)))
    return tuple(out)


@lru_cache(maxsize=1)
def number_pattern() -> str:
    """A regex for a number written as digits or as a German/English word, longest word first."""
    words = _patterns_of("number-")
    return r"(?:(?<![\d.,])\d{1,3}(?!\d)|(?<![\w-])(?:" + "|".join(words) + r")(?![\w-]))"


def number_value(token: str) -> int | None:
    """The integer a number token stands for: "24" -> 24, "vierundzwanzig" -> 24."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    for value, pattern in valued("number-"):
        if pattern.fullmatch(token):
            return int(value)
    return None


@lru_cache(maxsize=1)
def month_pattern() -> str:
    """A regex for a German or English month name."""
    return "(?:" + "|".join(_patterns_of("month-")) + r")(?![\w])"


def _patterns_of(prefix: str) -> list[str]:
    """The single patterns of all `<prefix>…` cue sets, each grouped, longest first."""
    vocab = vocabulary()
    out = {f"(?:{p})" for name in vocab.cue_names if name.startswith(prefix) for p in vocab.cue_patterns(name)}
    return sorted(out, key=len, reverse=True)


def month_value(token: str) -> int | None:
    for value, pattern in valued("month-"):
        if pattern.fullmatch(token.strip()):
            return int(value)
    return None
