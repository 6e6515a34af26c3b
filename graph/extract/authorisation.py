"""Which sub-processor authorisation model a DPA grants (Art. 28(2) GDPR): general or specific.

Many DPAs name both: "nur mit vorheriger schriftlicher Zustimmung … der Auftraggeber erteilt
hiermit die allgemeine Genehmigung …". The general model wins when the text grants it:
  1. it names a general authorisation ("allgemeine Genehmigung", "general written authorisation"),
     unless it refuses one ("keine allgemeine Genehmigung");
  2. the controller permits sub-processing ("stimmt zu, dass der Auftragnehmer … einsetzt",
     "Customer authorises Processor to engage …"), unless the sentence only permits it under a
     condition ("nur mit …", "only with …");
  3. the controller approves the listed sub-processors and may object to later changes: an
     objection right exists only under a general authorisation.
Otherwise a prior consent of the controller for each sub-processor ("vorherige schriftliche
Zustimmung des Auftraggebers", "specific prior authorisation") is the specific model, unless
the text waives it ("einer gesonderten Zustimmung bedarf es nicht").
Only sentences where sub-processors are the topic count; all cues are in `ontology/cues/clauses.ttl`.
"""

from __future__ import annotations

from graph.document import Document
from graph.extract.clause_cues import cue
from graph.extract.sentences import Sentence, in_tom, near, sentences
from graph.model import AUTHORISATION_MODELS, Fact

GENERAL, SPECIFIC = AUTHORISATION_MODELS


def subprocessor_authorisation(doc: Document) -> Fact | None:
    """'general' or 'specific', with the sentence that decides it; None when the text does not say."""
    topic = [s for s in sentences(doc) if not in_tom(doc, s.start) and near(doc, s, cue("clause-subprocessor"))]
    general = _first(topic, "authorisation-general", "authorisation-general-denied") or _first(
        topic, "authorisation-grant", "authorisation-restriction"
    )
    if general is None and any(cue("objection").search(s.text) for s in topic):
        general = _first(topic, "authorisation-listed", "authorisation-restriction")
    if general is not None:
        return Fact(GENERAL, doc.span(general.start, general.end))
    specific = _first(topic, "authorisation-specific", "authorisation-waived")
    return Fact(SPECIFIC, doc.span(specific.start, specific.end)) if specific is not None else None


def _first(candidates: list[Sentence], name: str, veto: str) -> Sentence | None:
    for s in candidates:
        if cue(name).search(s.text) and not cue(veto).search(s.text):
            return s
    return None
