"""Third-country transfer mechanisms (SCC, DPF, ADEQUACY, BCR, DEROGATION) and their scope.

The labels come from the `transfer-mechanisms` SKOS scheme. Invalid or repealed tools (Privacy
Shield, Safe Harbour, the SCC sets of 2001/2004/2010) are found too, so that the graph can flag
them; `Mechanism.valid` tells them apart, and nothing counts them as a mechanism. Scope follows the gold README:
"entry" when the entry's own text names the mechanism, "footnote" when it reaches the entry
only through a marker, "document" for a generic clause covering all third-country transfers.
Document mechanisms stay on the document; they are never copied onto entries.
"""

from __future__ import annotations

import re

from graph.document import Document
from graph.extract.footnotes import blank_markers
from graph.extract.sub_cues import cue
from graph.extract.sub_prose import sentence_spans
from graph.model import HISTORIC_MECHANISM_CODES, MECHANISM_CODES, Mechanism, Span
from graph.vocab import vocabulary

MechHit = tuple[str, int, int]  # (code, start, end) with offsets into the text searched

LAPSE_WINDOW = 50
DISOWN_WINDOW = 120
QUALIFY_WINDOW = 40  # characters between an SCC label and the repealed decision that qualifies it
_KNOWN_CODES = MECHANISM_CODES + HISTORIC_MECHANISM_CODES
SHORT_PREFIX = "mechanism-short-"


def find_mechanisms(text: str, offset: int = 0, short_forms: bool = False) -> list[MechHit]:
    """Mechanism mentions in the text, as (code, start, end) shifted by `offset`.

    `short_forms` adds the terse forms of list cells ("Kanada (Adequacy)") from the
    `mechanism-short-XX` cue sets; running text needs the full labels of the scheme.
    """
    clean = blank_markers(text)
    hits = []
    for concept, start, end in vocabulary().scheme("transfer-mechanisms").find_all(clean):
        code = _code(concept)
        if code:
            hits.append((code, start, end))
    if short_forms:
        hits += [(code, m.start(), m.end()) for code, pattern in _short_forms() for m in pattern.finditer(clean)]
    hits = _qualified_old(clean, _non_overlapping(hits))
    return [(code, offset + s, offset + e) for code, s, e in hits if not _lapsing(clean, s) and not _disowned(clean, e)]


def _short_forms() -> list[tuple[str, re.Pattern]]:
    out = []
    for code in MECHANISM_CODES:
        try:
            out.append((code, cue(SHORT_PREFIX + code)))
        except KeyError:
            continue
    return out


def _non_overlapping(hits: list[MechHit]) -> list[MechHit]:
    chosen: list[MechHit] = []
    for hit in sorted(hits, key=lambda h: (-(h[2] - h[1]), h[1])):
        if all(hit[2] <= c[1] or hit[1] >= c[2] for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h[1])


def _qualified_old(text: str, hits: list[MechHit]) -> list[MechHit]:
    """Drop an SCC label that a repealed decision qualifies ("SCC gemäß Beschluss 2010/87/EU",
    "the 2010/87/EU standard contractual clauses"): those clauses are OLD_SCC, not valid SCC."""
    old = [h for h in hits if h[0] == "OLD_SCC"]
    out = []
    for hit in hits:
        code, start, end = hit
        if (
            code == "SCC"
            and any(_same_phrase(text, hit, o) for o in old)
            and not cue("scc-2021").search(text[start:end])
        ):
            continue
        out.append(hit)
    return out


def _same_phrase(text: str, a: MechHit, b: MechHit) -> bool:
    """The two mentions stand within a few words of each other, with no clause break between them."""
    gap = text[min(a[2], b[2]) : max(a[1], b[1])]
    return len(gap) <= QUALIFY_WINDOW and not re.search(r"[;]|[.!?](?:\s|$)", gap)


def _lapsing(text: str, start: int) -> bool:
    """ "bei einem Wegfall des Angemessenheitsbeschlusses": the mechanism is named as absent."""
    return bool(cue("mechanism-lapse").search(text[max(0, start - LAPSE_WINDOW) : start]))


def _disowned(text: str, end: int) -> bool:
    """ "Der Privacy Shield ist seit 2020 keine zulässige Grundlage mehr": named only as history."""
    return bool(cue("mechanism-disowned").search(text[end : end + DISOWN_WINDOW]))


def mask(text: str, hits: list[MechHit], offset: int = 0) -> str:
    """The text with the mechanism mentions blanked, so "EU-DPF" does not read as a place EU."""
    chars = list(text)
    for _, start, end in hits:
        for i in range(max(start - offset, 0), min(end - offset, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def mechanisms_in(doc: Document, start: int, end: int, scope: str, short_forms: bool = False) -> list[Mechanism]:
    """Mechanisms named in doc.text[start:end], one per code, each with its evidence."""
    out: list[Mechanism] = []
    for code, s, e in find_mechanisms(doc.text[start:end], start, short_forms):
        if code not in {m.code for m in out}:
            out.append(Mechanism(code, scope, doc.span(s, e)))
    return out


def footnote_mechanisms(doc: Document, footnote: Span) -> list[Mechanism]:
    """Mechanisms of a footnote text; the evidence is the footnote line itself."""
    codes = []
    for code, _, _ in find_mechanisms(footnote.text):
        if code not in codes:
            codes.append(code)
    return [Mechanism(code, "footnote", footnote) for code in codes]


def document_mechanisms(doc: Document, exclude: list[tuple[int, int]]) -> list[Mechanism]:
    """Generic third-country clauses outside the list entries and their footnotes.

    A sentence counts when it names a mechanism and speaks of third countries, transfers or
    Art. 44 ff.; one Mechanism per code, the first such sentence as evidence.
    """
    out: list[Mechanism] = []
    for start, end in sentence_spans(doc.text, 0, len(doc.text)):
        if any(start < x_end and x_start < end for x_start, x_end in exclude):
            continue
        sentence = doc.text[start:end]
        hits = find_mechanisms(sentence, start)
        if not hits or not _is_transfer_context(doc, start, end):
            continue
        for code, _, _ in hits:
            if code not in {m.code for m in out}:
                out.append(Mechanism(code, "document", doc.span(start, end)))
    return out


def _is_transfer_context(doc: Document, start: int, end: int) -> bool:
    """The sentence, or the paragraph line it sits in, speaks of third-country transfers."""
    line = doc.line_at(start)
    context = doc.text[min(start, line.start) : max(end, line.end)]
    return bool(cue("third-country").search(context))


def _code(concept: object) -> str | None:
    notation = str(getattr(concept, "notation", "") or "").upper()
    if notation in _KNOWN_CODES:
        return notation
    iri = str(getattr(concept, "iri", "") or "")
    tail = re.split(r"[#/]", iri)[-1].upper()
    return tail if tail in _KNOWN_CODES else None
