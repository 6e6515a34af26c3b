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


def _number_atoms() -> dict[str, str]:
    """Grouped word patterns of the number atoms: 'unit' (1–9), 'teen' (10–19), 'tens', 'hundred'."""
    groups: dict[str, list[str]] = {"unit": [], "teen": [], "tens": [], "hundred": []}
    for value, pattern in valued("number-"):
        if not value.isdigit():
            continue
        n = int(value)
        kind = "unit" if n < 10 else "teen" if n < 20 else "hundred" if n == 100 else "tens"
        groups[kind].append(pattern.pattern)
    return {k: "(?:" + "|".join(sorted(v, key=len, reverse=True)) + ")" for k, v in groups.items()}


@lru_cache(maxsize=1)
def number_pattern() -> str:
    """A regex for a number written as digits or as a German/English number word up to 999, composed
    from the atoms: 'vierundzwanzig', 'twenty-four', 'einhundertzwanzig', 'one hundred and twenty'."""
    a = _number_atoms()
    join = cue("number-joiner").pattern
    sep = rf"(?:[\s-]*(?:{join})?[\s-]*)"
    below_100 = rf"(?:{a['unit']}{sep}{a['tens']}|{a['tens']}{sep}{a['unit']}|{a['tens']}|{a['teen']}|{a['unit']})"
    word = rf"(?:(?:{a['unit']}[\s-]*)?{a['hundred']}(?:{sep}{below_100})?|{below_100})"
    return r"(?:(?<![\d.,])\d{1,3}(?!\d)|(?<![\w-])" + word + r"(?![\w-]))"


def number_value(token: str) -> int | None:
    """The integer a number token stands for: "24" -> 24, "vierundzwanzig" -> 24, "twenty-four" -> 24."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    atoms = [(int(v), p) for v, p in valued("number-") if v.isdigit()]
    joiner = cue("number-joiner")
    total, pos, seen = 0, 0, False
    while pos < len(token):
        gap = re.compile(rf"[\s-]+|(?:{joiner.pattern})", re.IGNORECASE).match(token, pos)
        if gap and gap.end() > pos and seen:
            pos = gap.end()
            continue
        best = max(((p.match(token, pos), v) for v, p in atoms), key=lambda x: x[0].end() if x[0] else -1)
        match, value = best
        if not match or match.end() == pos:
            return None
        total = max(total, 1) * 100 if value == 100 else total + value
        pos, seen = match.end(), True
    return total if seen else None


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
