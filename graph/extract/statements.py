"""Yes-facts a DPA states in one passage: processing only in the EU/EEA, no sub-processors at all,
who the controller is, safeguards for special categories, a citation of the 2021 SCCs.

Each fact is a cue set in `ontology/cues/clauses.ttl`; most have a veto set for the wording that
turns the statement into something else, checked on the clause around the cue (up to ';'):
  * "grundsätzlich in der EU", "primarily in the EEA", "only in the EU unless …" is not exclusive;
  * "keine Unterauftragsverarbeiter ohne Zustimmung" restricts sub-processing, it does not deny it;
  * a location sentence inside a sub-processor entry, or naming one entry, is about that entry;
  * the SCC annex label "… applied restrictions or safeguards that fully take into consideration …"
    names safeguards in general, and "Es werden keine Gesundheitsdaten verarbeitet" next to
    "verschlüsselt" is no safeguard for Art. 9 data.
A fact is only ever True (with its evidence) or absent: the text not saying so is not "False".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graph.document import Document
from graph.extract.clause_cues import cue
from graph.extract.clauses import strong_special_topic
from graph.extract.sentences import CONTEXT_SENTENCES, Sentence, clean_text, headings_above, sentences
from graph.extract.sub_mentions import alias_table, named_entries
from graph.model import Fact, SubprocessorEntry


def statement(
    doc: Document, name: str, veto: str | None = None, skip: Callable[[Sentence], bool] | None = None
) -> Fact | None:
    """True, with the sentence, for the first sentence that matches cue `name` in a clause free of `veto`."""
    for s in sentences(doc):
        if skip is not None and skip(s):
            continue
        for m in cue(name).finditer(s.text):
            if veto is None or not cue(veto).search(_clause(s.text, m)):
                return Fact(True, doc.span(s.start, s.end))
    return None


def _clause(text: str, m: re.Match) -> str:
    """The part of the sentence between the semicolons around the match."""
    left = text.rfind(";", 0, m.start()) + 1
    right = text.find(";", m.end())
    return text[left : right if right >= 0 else len(text)]


# --- place of processing ----------------------------------------------------------------------


def processing_restricted_to_eea(doc: Document, entries: list[SubprocessorEntry]) -> Fact | None:
    """'Die Verarbeitung findet ausschließlich in der EU/im EWR statt': the whole document's processing,
    not one sub-processor's data location (list entries and sentences naming one entry are skipped)."""
    spans = [(sp.start, sp.end) for e in entries for sp in [e.evidence, *e.extra_evidence] if sp is not None]
    table = alias_table(doc, entries)

    def skip(s: Sentence) -> bool:
        return (
            any(s.start < end and start < s.end for start, end in spans)
            or bool(named_entries(s.text, table))
            or not cue("data-location-topic").search(s.text)
        )

    return statement(doc, "eea-only", "eea-only-veto", skip)


# --- sub-processors ---------------------------------------------------------------------------


def no_subprocessors(doc: Document, entries: list[SubprocessorEntry]) -> Fact | None:
    """'Der Auftragnehmer setzt keine Unterauftragsverarbeiter ein' / 'does not use any sub-processors'.
    With a list in the document, 'keine weiteren …' means none beyond the list, so it does not count."""
    fact = statement(doc, "no-subprocessors", "no-subprocessors-veto")
    if fact is not None and entries and fact.evidence is not None and "weitere" in fact.evidence.text.lower():
        return None
    return fact


# --- parties ----------------------------------------------------------------------------------


def controller_identified(doc: Document) -> Fact | None:
    """The first passage that names or defines the controller party (or the 'customer of the main
    contract' placeholder); the evidence runs to the end of the line the passage ends on."""
    clean = clean_text(doc.text)
    m = cue("controller-defined").search(clean)
    if m is None:
        return None
    end = max(m.end(), doc.line_at(max(m.end() - 1, m.start())).end)
    return Fact(True, doc.span(m.start(), end))


# --- special categories -----------------------------------------------------------------------


def special_category_safeguards(doc: Document) -> Fact | None:
    """A restriction or safeguard named for Art. 9/10 data: in a sentence about such data, right after
    one in the same paragraph, or under a heading naming them."""
    template = cue("special-safeguards-template")
    for s in sentences(doc):
        text = template.sub(lambda m: " " * len(m.group()), s.text)
        m = cue("special-safeguards").search(text)
        if m is None or cue("special-safeguards-waived").search(_clause(text, m)):
            continue
        if _about_special_data(doc, s):
            return Fact(True, doc.span(s.start, s.end))
    return None


def _about_special_data(doc: Document, s: Sentence) -> bool:
    """The sentence, an earlier one of its paragraph, or a heading above affirms Art. 9 data as the topic."""
    all_sentences = sentences(doc)
    earlier = [t for t in all_sentences[max(0, s.index - CONTEXT_SENTENCES) : s.index] if t.block == s.block]
    for t in [s, *earlier]:
        if strong_special_topic(t.text) and not cue("special-negation").search(t.text):
            return True
    return any(strong_special_topic(h) for h in headings_above(doc, s.start))


# --- transfers --------------------------------------------------------------------------------


def cites_scc_2021(doc: Document) -> Fact | None:
    """The 2021 standard contractual clauses are cited (2021/914, '4 June 2021', a 'Module', 'new SCCs')."""
    return statement(doc, "scc-2021")
