"""Content of the breach notification (Art. 33(3) GDPR): at least two items listed in a breach
passage, inline or as a list under an intro sentence; one item alone, or items outside a breach
passage, do not count."""

from __future__ import annotations

import pytest

from graph.document import Document
from graph.extract.breach_content import breach_notification_content


@pytest.mark.parametrize(
    "text",
    [
        "Die Meldung über eine Verletzung des Schutzes personenbezogener Daten enthält mindestens:\n"
        "- eine Beschreibung der Art der Verletzung\n"
        "- die ungefähre Zahl der betroffenen Personen\n"
        "- die wahrscheinlichen Folgen der Verletzung\n",
        "Der Auftragnehmer meldet Datenschutzverletzungen unverzüglich und nennt dabei die Art der Verletzung, "
        "die ergriffenen oder vorgeschlagenen Maßnahmen und den Namen und die Kontaktdaten einer Anlaufstelle.",
        "The notice of a Personal Data Breach shall describe the nature of the breach, the approximate number of "
        "data subjects concerned, the likely consequences and the measures taken or proposed.",
        "7. Security incidents\nProcessor will notify Customer without undue delay. The notification includes:\n"
        "(a) a point of contact;\n(b) the likely consequences of the incident.\n",
        # the Art. 33(3) list in its own numbered paragraph, under a heading without a breach cue
        "## 8. Meldung von Verletzungen\n\n8.1 Der Auftragnehmer informiert den Auftraggeber unverzüglich.\n\n"
        "8.2 Die Meldung enthält die Art der Verletzung, die ungefähre Zahl der betroffenen Personen, die "
        "wahrscheinlichen Folgen und die ergriffenen Maßnahmen.\n",
    ],
)
def test_breach_notification_content(text):
    doc = Document(name="t", text=text)
    fact = breach_notification_content(doc)
    assert fact is not None and fact.value is True
    assert fact.evidence.text == doc.text[fact.evidence.start : fact.evidence.end]


@pytest.mark.parametrize(
    "text",
    [
        # one item only
        "Der Auftragnehmer meldet dem Auftraggeber Datenschutzverletzungen unverzüglich und beschreibt die "
        "ergriffenen Maßnahmen.",
        # the items, but not about a breach
        "Der Auftraggeber informiert über die wahrscheinlichen Folgen der Änderung und nennt eine Anlaufstelle.",
        "The processor shall notify the controller of a personal data breach without undue delay.",
    ],
)
def test_no_breach_notification_content(text):
    assert breach_notification_content(Document(name="t", text=text)) is None
