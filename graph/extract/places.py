"""Country resolution for sub-processor entries: addresses, seats and places of processing.

Country names, "EU"/"EWR" and cities come from the SKOS schemes (`countries`, `places`);
postcode shapes from the `postcode-XX` cue sets. Bare ISO codes are resolved here, case
sensitively and only where they can't be words: at the end of an address ("Montabaur, DE"),
in brackets ("EU (CZ)", "EU (LT/CY)"), beside a slash ("USA / EU") or as a whole cell, but
never as the tail of a legal act's number ("2000/518/EG"). "die europäischen Edge-Standorte" /
"European data centres" (cue set `eu-place-adjective`) name the EU as a place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from graph.extract.footnotes import blank_markers
from graph.extract.sub_cues import cue, legal_form, postcode_cues
from graph.vocab import vocabulary

Hit = tuple[str, int, int]  # (ISO code or "EU", start, end)

EU = "EU"
_EU_ALIASES = {"EEA", "EWR", "EU/EEA", "EUEEA"}
_CODE = r"(?-i:[A-Z]{2})"
# Codes in brackets, after or before a slash, at the end of an address, or alone.
_CODE_CONTEXTS = (
    re.compile(rf"\(\s*({_CODE}(?:\s*[/,;&]\s*{_CODE})*)\s*\)"),
    re.compile(rf"(?:,|\n)\s*({_CODE})\s*[.,;]?\s*$"),
    re.compile(rf"^\s*({_CODE}(?:\s*[,;/]\s*{_CODE})*)\s*$"),
)
# Beside a slash a code may also be a legal form ("Acme AG / Beta SE"): those are skipped.
_SLASH_CONTEXTS = (
    re.compile(rf"(?<!\d/)(?<=/)\s*({_CODE})\b(?!-)"),  # not "2000/518/EG" (a legal act)
    re.compile(rf"\b({_CODE})\s*(?=/(?!\d))"),
)
_FIVE_DIGIT_TOWN = re.compile(r"\b\d{5}\s+[A-ZÄÖÜ][\w.äöüß-]+")


def resolve_countries(text: str) -> list[Hit]:
    """Every country mention in the text, in order: names, cities, postcodes and safe ISO codes.

    Overlapping hits keep the longest; "EEA"/"EWR" count as "EU".
    """
    clean = blank_markers(text)
    hits = _vocab_hits(clean) + _postcode_hits(clean) + _code_hits(clean)
    hits += [(EU, m.start(), m.end()) for m in cue("eu-place-adjective").finditer(clean)]
    return [h for h in _non_overlapping(hits) if not _compound_prefix(clean, h) and not _act_suffix(clean, h)]


def _act_suffix(text: str, hit: Hit) -> bool:
    """ "2000/518/EG", "2016/679/EU": the code closing a legal act's number is no place."""
    return hit[2] - hit[1] <= 3 and bool(re.search(r"\d/$", text[max(0, hit[1] - 2) : hit[1]]))


def address_country(text: str, default: str | None = None) -> str | None:
    """The seat country of an address: the last country mentioned ("…, Dublin 4, Irland" -> IE).

    `default` is used for an address with only a five-digit postcode and a town (a German
    document's "56410 Montabaur") when no country is named.
    """
    hits = [h for h in resolve_countries(text) if h[0] != EU]
    if hits:
        return hits[-1][0]
    if default and _FIVE_DIGIT_TOWN.search(text):
        return default
    return None


def location_countries(text: str) -> list[Hit]:
    """Places of processing stated in a location cell or sentence, in order, without repeats.

    "EU (CZ)" and "EU (LT/CY)" name the country precisely, so EU is dropped; "EU (z. B.
    Frankfurt)" gives an example, so both EU and DE are kept.
    """
    hits = resolve_countries(text)
    hits = [h for h in hits if not _refined_eu(text, h, hits)]
    seen, out = set(), []
    for hit in hits:
        if hit[0] not in seen:
            seen.add(hit[0])
            out.append(hit)
    return out


def mostly_places(text: str) -> bool:
    """True when place names make up at least half the letters: "EU (Frankfurt, Germany)"."""
    hits = resolve_countries(text)
    if not hits:
        return False
    covered = sum(1 for _, s, e in hits for ch in text[s:e] if ch.isalpha())
    letters = sum(1 for ch in text if ch.isalpha())
    return covered * 2 >= letters


def codes(hits: list[Hit]) -> list[str]:
    """The codes of the hits, first mention first, without repeats."""
    out: list[str] = []
    for code, _, _ in hits:
        if code not in out:
            out.append(code)
    return out


def _compound_prefix(text: str, hit: Hit) -> bool:
    """ "EU-Nutzer", "EU-Kommission", "US-Unternehmen": a short code opening a compound is no place."""
    return hit[2] - hit[1] <= 3 and bool(re.match(r"-[^\W\d_]", text[hit[2] : hit[2] + 2]))


def _refined_eu(text: str, hit: Hit, hits: list[Hit]) -> bool:
    """True for an EU hit followed by a bracket that names the exact countries."""
    if hit[0] != EU:
        return False
    m = re.match(r"\s*\(([^()]*)\)", text[hit[2] :])
    if not m:
        return False
    inner_start = hit[2] + m.start(1)
    inner_end = hit[2] + m.end(1)
    inner = [h for h in hits if inner_start <= h[1] and h[2] <= inner_end and h[0] != EU]
    return bool(inner) and not cue("example-marker").search(m.group(1))


def _vocab_hits(text: str) -> list[Hit]:
    """Country names, regions and cities (via their broader country) from the SKOS schemes."""
    out = []
    for concept, start, end, code in vocabulary().find_locations(text):
        code = _normalise(code or getattr(concept, "notation", None))
        if code:
            out.append((code, start, end))
    return out


def _postcode_hits(text: str) -> list[Hit]:
    return [(code, m.start(), m.end()) for code, pattern in postcode_cues() for m in pattern.finditer(text)]


def _code_hits(text: str) -> list[Hit]:
    out = []
    for pattern in (*_CODE_CONTEXTS, *_SLASH_CONTEXTS):
        for m in pattern.finditer(text):
            for c in re.finditer(_CODE, m.group(1)):
                code = _known_code(c.group(0))
                if not code or (pattern in _SLASH_CONTEXTS and legal_form().fullmatch(c.group(0))):
                    continue
                start = m.start(1) + c.start()
                out.append((code, start, start + 2))
    return out


@lru_cache(maxsize=512)
def _known_code(code: str) -> str | None:
    """The code when the countries scheme knows it as a notation ("DE", "EU"), else None."""
    if code in _EU_ALIASES:
        return EU
    concept = vocabulary().scheme("countries").by_notation(code)
    return _normalise(concept.notation) if concept is not None else None


def _normalise(code: str | None) -> str | None:
    """Upper-case ISO code; the EEA pseudo-codes count as "EU" (gold convention)."""
    if not code:
        return None
    code = str(code).strip().upper()
    return EU if code in _EU_ALIASES else code


def _non_overlapping(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits; order by position."""
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h[2] - h[1]), h[1])):
        if all(hit[2] <= c[1] or hit[1] >= c[2] for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h[1])
