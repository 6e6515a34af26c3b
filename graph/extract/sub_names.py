"""Organisation names in sub-processor lists: legal forms, name/address splits, merge keys.

A list names the legal entity in many ways ("Stripe, Inc., 510 Townsend Street, …",
"HOSTINGER operations, UAB, Švitrigailos str. 34", "Google Ireland Limited"). These helpers
find where the name ends, so the rest can be read as an address, and give a key under which
repeated listings of one entity are merged.
"""

from __future__ import annotations

import re
import unicodedata

from graph.extract.footnotes import strip_markers
from graph.extract.sub_cues import cue, legal_form
from graph.vocab import vocabulary

_SEGMENT = re.compile(r"[^,]+")
_NUMBERING = re.compile(r"^\(?(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)])\s+(?=\D)")
FULL_MATCH = 0.9
HALF_MATCH = 0.5
_TRAILING_PUNCT = " \t\n,;:–—-|/"
_CANON = (
    (r"\blimited\b", "ltd"),
    (r"\bincorporated\b", "inc"),
    (r"\bcorporation\b", "corp"),
    (r"\bcompany\b", "co"),
)


def is_entity_name(text: str) -> bool:
    """A legal form or a well-known organisation: the text surely names a company."""
    return has_legal_form(text) or known_org(text) is not None


def has_legal_form(text: str) -> bool:
    """True when a legal form (GmbH, Inc., Ltd, UAB, …) appears as a token in the text."""
    return legal_form().search(text) is not None


def ends_with_legal_form(text: str) -> bool:
    """True when the text ends with a legal form, brackets and markers aside."""
    core = _strip_tail(text)
    return any(m.end() >= len(core) for m in legal_form().finditer(core))


def is_legal_form(text: str) -> bool:
    """True when the text is nothing but a legal form ("Inc.", "UAB")."""
    core = text.strip(" .,")
    m = legal_form().match(core)
    return bool(m) and m.end() >= len(core) - 1


def _strip_tail(text: str) -> str:
    """Drop a trailing bracket and footnote markers: "Acme Inc. (USA)¹" -> "Acme Inc."."""
    core = strip_markers(text).strip()
    while core.endswith(")") and "(" in core:
        core = core[: core.rfind("(")].strip()
    return core.rstrip(_TRAILING_PUNCT).strip()


def split_name_address(text: str, require_legal_form: bool = True) -> tuple[int, int] | None:
    """Where a leading entity name ends and the address begins, as offsets into `text`.

    "Hetzner Online GmbH, Industriestr. 25, …" -> the name is "Hetzner Online GmbH". Returns
    (name_end, rest_start), or None when the text does not start with a name (a street) or,
    with `require_legal_form`, when no legal form closes the name.
    """
    segments = [(m.start(), m.end()) for m in _SEGMENT.finditer(text)]
    if not segments:
        return None
    inner = _inner_name_end(text[: segments[0][1]])
    if inner is not None:
        rest = inner
        while rest < len(text) and text[rest] in " ,;\n\t":
            rest += 1
        return inner, rest
    first = text[segments[0][0] : segments[0][1]]
    if any(ch.isdigit() for ch in first) and not ends_with_legal_form(first):  # "n8n GmbH" is a name
        return None
    name_end = segments[0][1]
    for start, end in segments[1:]:
        seg = text[start:end].strip()
        if is_legal_form(seg):
            name_end = end
            continue
        if ends_with_legal_form(text[:name_end]) or any(ch.isdigit() for ch in seg):
            break
        if not require_legal_form:
            break
        name_end = end
    if require_legal_form and not ends_with_legal_form(text[:name_end]):
        return None
    rest = name_end
    while rest < len(text) and text[rest] in " ,;\n\t":
        rest += 1
    return name_end, rest


def _inner_name_end(segment: str) -> int | None:
    """ "Acme GmbH Musterstraße 1 12345 Berlin" (cells joined without commas): end of the name."""
    for m in legal_form().finditer(segment):
        rest = segment[m.end() :]
        if rest.strip() and any(ch.isdigit() for ch in rest) and not rest.lstrip().startswith(("(", "&")):
            return m.end()
    return None


def clean_name(text: str) -> str:
    """The name as written, with markers, surplus spaces and dangling punctuation removed."""
    name = " ".join(strip_markers(text).split())
    name = _NUMBERING.sub("", name)
    name = name.strip(_TRAILING_PUNCT).strip()
    name = re.sub(r"^\*+|\*+$", "", name).strip()
    if name.count("(") > name.count(")"):
        name = name[: name.rfind("(")].strip(_TRAILING_PUNCT)
    return name


def name_key(name: str) -> str:
    """Merge key: the same legal entity written twice gets the same key."""
    key = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9& ]", " ", key)
    for pattern, repl in _CANON:
        key = re.sub(pattern, repl, key)
    return " ".join(key.split())


def looks_like_name(text: str, max_words: int = 8) -> bool:
    """A short, capitalised phrase that is not a sentence and not a role word."""
    core = clean_name(text)
    if not core or len(core) > 90:
        return False
    words = core.split()
    if len(words) > max_words:
        return False
    if not (core[0].isupper() or core[0].isdigit() or _mixed_case(words[0]) or lower_case_entity(core)):
        return False
    if core.endswith((".", ":")) and not ends_with_legal_form(core):
        return False
    return not (cue("non-entry").search(core) or _is_role_word(core))


MAX_LOWER_NAME_TOKENS = 5


def lower_case_entity(text: str) -> bool:
    """A brand written in lower case but closed by a legal form: "plusserver GmbH", "n8n GmbH".

    At most five tokens, and the first is no function word ("die", "durch", "the", "with").
    """
    core = _strip_tail(text)
    words = core.split()
    if not words or len(words) > MAX_LOWER_NAME_TOKENS or not ends_with_legal_form(core):
        return False
    return not (is_legal_form(words[0]) or is_lead_word(words[0]))


def is_lead_word(word: str) -> bool:
    """An article, preposition, conjunction or verb that starts no organisation name."""
    return bool(cue("name-lead-word").fullmatch(word.strip("\"„“”'(")))


def cut_lead_words(text: str) -> int:
    """Offset after the function words that open `text`: "durch die rapidmail GmbH" -> 10."""
    pos = 0
    for m in re.finditer(r"\S+", text):
        if not is_lead_word(m.group(0)):
            return m.start()
        pos = m.end()
    return pos


def _mixed_case(word: str) -> bool:
    """Brand spellings such as "n8n", "eBay" or "iCloud"."""
    return any(ch.isupper() or ch.isdigit() for ch in word[1:])


def _is_role_word(text: str) -> bool:
    """The text is only a role word ("Unterauftragsverarbeiter", "Sub-processors")."""
    m = cue("subprocessor-term").search(text)
    return bool(m) and len(text) - (m.end() - m.start()) <= 3


def known_org_spans(text: str) -> list[tuple[int, int, str]]:
    """Mentions of well-known sub-processors (registry data): (start, end, concept IRI)."""
    try:
        scheme = vocabulary().scheme("organisations")
    except KeyError:
        return []
    return [(s, e, c.iri) for c, s, e in scheme.find_all(text)]


def known_org(text: str, full: bool = False) -> str | None:
    """The registry concept IRI when the text is (mostly, or with `full` entirely) the name of
    a well-known organisation."""
    core = clean_name(text)
    letters = sum(1 for ch in core if ch.isalpha())
    share = FULL_MATCH if full else HALF_MATCH
    for s, e, iri in known_org_spans(core):
        if sum(1 for ch in core[s:e] if ch.isalpha()) >= share * letters:
            return iri
    return None
