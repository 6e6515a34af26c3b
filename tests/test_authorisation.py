"""Sub-processor authorisation model (Art. 28(2) GDPR): general or specific, and the traps
(the legal alternative 'gesonderte oder allgemeine', a refused general authorisation, a waived
specific consent, approval of a list without any right to object)."""

from __future__ import annotations

import pytest

from graph.document import Document
from graph.extract.authorisation import subprocessor_authorisation


def _model(text: str) -> str | None:
    doc = Document(name="t", text=text)
    fact = subprocessor_authorisation(doc)
    if fact is None:
        return None
    assert fact.evidence is not None
    assert fact.evidence.text == doc.text[fact.evidence.start : fact.evidence.end]
    return fact.value


@pytest.mark.parametrize(
    "text",
    [
        "§ 6 Unterauftragsverarbeiter\nDer Auftraggeber erteilt hiermit die allgemeine schriftliche Genehmigung, "
        "Unterauftragsverarbeiter einzusetzen.",
        "Der Verantwortliche stimmt zu, dass der Auftragsverarbeiter weitere Auftragsverarbeiter beauftragen darf.",
        "Der Auftraggeber gestattet dem Auftragnehmer generell, Subunternehmer zu beauftragen.",
        "7. Sub-processors\nCustomer hereby authorises Processor to engage Sub-processors for the Services.",
        "The Controller consents to the Processor engaging sub-processors in accordance with this clause.",
        "The Controller grants a general written authorization for the use of Sub-processors.",
        # prior-consent wording, but the general authorisation is granted as well
        "Unterauftragsverarbeiter dürfen nur mit vorheriger schriftlicher Zustimmung des Auftraggebers eingesetzt "
        "werden. Der Auftraggeber erteilt hiermit seine allgemeine Genehmigung für Unterauftragsverarbeiter.",
    ],
)
def test_general_authorisation(text):
    assert _model(text) == "general"


@pytest.mark.parametrize(
    "text",
    [
        "Der Auftraggeber genehmigt den Einsatz der in Anlage 3 genannten Unterauftragsverarbeiter. Über neue "
        "Unterauftragsverarbeiter informiert der Auftragnehmer vorab; der Auftraggeber kann widersprechen.",
        "Customer approves the Sub-processors listed in Annex 3. Processor notifies Customer of new Sub-processors "
        "and Customer may object within 30 days.",
    ],
)
def test_listed_approval_with_objection_right_is_general(text):
    assert _model(text) == "general"


@pytest.mark.parametrize(
    "text",
    [
        "Der Auftragnehmer darf Unterauftragsverarbeiter nur mit vorheriger ausdrücklicher schriftlicher "
        "Zustimmung des Auftraggebers einsetzen.",
        "Die Beauftragung von Subunternehmern bedarf der Zustimmung im Einzelfall durch den Auftraggeber.",
        "The Processor shall not engage a sub-processor without the specific prior written authorisation of the "
        "Controller.",
        "Sub-processors may be engaged only with the prior written consent of the controller for each sub-processor.",
        # a general authorisation refused
        "Eine allgemeine Genehmigung für Unterauftragsverarbeiter wird nicht erteilt; jeder Einsatz bedarf der "
        "vorherigen schriftlichen Zustimmung des Auftraggebers.",
    ],
)
def test_specific_authorisation(text):
    assert _model(text) == "specific"


@pytest.mark.parametrize(
    "text",
    [
        # Art. 28(2) quoted as an alternative chooses neither model
        "Der Auftragnehmer nimmt keinen Unterauftragnehmer ohne vorherige gesonderte oder allgemeine schriftliche "
        "Genehmigung des Auftraggebers in Anspruch.",
        "The processor shall not engage another processor without prior specific or general written authorisation.",
        # a waived consent is not the specific model
        "Für die in Anlage 2 genannten Unterauftragsverarbeiter bedarf es keiner gesonderten Zustimmung; "
        "einer gesonderten Zustimmung bedarf es nicht.",
        # approving a list without a right to object says nothing about later changes
        "Der Auftraggeber genehmigt die in Anlage 2 genannten Unterauftragsverarbeiter.",
        # authorisation outside the sub-processor topic
        "Der Auftraggeber erteilt die allgemeine Genehmigung zur Nutzung des Kundenportals.",
    ],
)
def test_no_model_stated(text):
    assert _model(text) is None
