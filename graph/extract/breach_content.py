"""Whether the breach clause says what a notification must contain (Art. 33(3) GDPR).

The items (nature of the breach, approximate number of data subjects and records, a contact
point, likely consequences, measures taken or proposed) are the `breach-item-*` cue sets of
`ontology/cues/clauses.ttl`. They count only in a passage about breaches: a sentence with the
breach cue near it, the rest of its paragraph, and the list items right after it ("Die Meldung
enthält insbesondere: – die Art der Verletzung …"). Two different items make the fact; one alone
(a contact person, "measures taken") is too common elsewhere to tell. Three in one sentence are
the Art. 33(3) list itself, whatever the heading calls the clause ("Meldung von Verletzungen").
"""

from __future__ import annotations

from graph.document import Document
from graph.extract.clause_cues import cue, valued
from graph.extract.sentences import BULLET, Sentence, near, sentences
from graph.model import Fact

MIN_ITEMS = 2
MIN_ITEMS_ALONE = 3  # in one sentence, without a breach cue nearby


def breach_notification_content(doc: Document) -> Fact | None:
    """True when a breach passage lists at least two Art. 33(3) items; the evidence runs from the
    first item to the last."""
    all_sentences = sentences(doc)
    breach = cue("breach")
    for s in all_sentences:
        in_context = near(doc, s, breach)
        found: dict[str, tuple[int, int]] = {}
        for t in _passage(all_sentences, s) if in_context else [s]:
            for item, pattern in valued("breach-item-"):
                m = pattern.search(t.text)
                if m and item not in found:
                    found[item] = (t.start + m.start(), t.start + m.end())
        if len(found) >= (MIN_ITEMS if in_context else MIN_ITEMS_ALONE):
            start = min(a for a, _ in found.values())
            end = max(b for _, b in found.values())
            return Fact(True, doc.span(start, end))
    return None


def _passage(all_sentences: list[Sentence], s: Sentence) -> list[Sentence]:
    """The sentence, the rest of its paragraph, and the list items that follow it directly."""
    out = [s]
    for t in all_sentences[s.index + 1 :]:
        if t.block == out[-1].block or BULLET.match(t.text):
            out.append(t)
        else:
            break
    return out
