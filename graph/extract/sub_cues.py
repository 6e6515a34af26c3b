"""Cue sets of `ontology/cues/annex.ttl` as compiled patterns, for the sub-processor modules.

Every phrase the sub-processor extractor matches lives in the TTL file; this module only
wraps `graph.vocab` so the other modules ask for a cue by name and get a ready regex.
"""

from __future__ import annotations

import re
from functools import lru_cache

from graph.vocab import vocabulary

POSTCODE_PREFIX = "postcode-"


def cue(name: str) -> re.Pattern:
    """The compiled cue set `dpacue:<name>` (case-insensitive)."""
    return vocabulary().cue(name)


@lru_cache(maxsize=1)
def legal_form() -> re.Pattern:
    """A legal form as a whole token, so 'AG' in 'Tag' or 'SE' in 'Server' never counts."""
    return re.compile(rf"(?<![\w&/.-])(?:{cue('legal-form').pattern})(?![\w&/])", re.IGNORECASE)


@lru_cache(maxsize=1)
def postcode_cues() -> tuple[tuple[str, re.Pattern], ...]:
    """(ISO code, pattern) for every `dpacue:postcode-XX` cue set."""
    out = []
    for code in _postcode_codes():
        try:
            out.append((code, cue(POSTCODE_PREFIX + code)))
        except KeyError:
            continue
    return tuple(out)


def _postcode_codes() -> list[str]:
    """The XX of every postcode-XX cue set the vocabulary holds."""
    vocab = vocabulary()
    names = _cue_names(vocab)
    return [n[len(POSTCODE_PREFIX) :] for n in names if n.startswith(POSTCODE_PREFIX)]


def _cue_names(vocab: object) -> list[str]:
    """Cue-set names, whichever way the loader exposes them."""
    for attr in ("cue_names", "cues", "cue_sets"):
        value = getattr(vocab, attr, None)
        if callable(value):
            value = value()
        if value:
            return sorted(str(k).rsplit("#", 1)[-1] for k in value)
    return []
