"""Yes-facts stated in one passage: processing only in the EU/EEA, no sub-processors, controller
identified, safeguards for special categories, citation of the 2021 SCCs — each with its trap."""

from __future__ import annotations

import pytest

from graph.document import Document
from graph.extract import statements
from graph.model import Span, SubprocessorEntry


def _doc(text: str) -> Document:
    return Document(name="t", text=text)


def _true(doc: Document, fact) -> bool:
    if fact is None:
        return False
    assert fact.value is True and fact.evidence is not None
    assert fact.evidence.text == doc.text[fact.evidence.start : fact.evidence.end]
    return True


# --- processing restricted to the EU/EEA ----------------------------------------------------


def _eea(text: str, entries: list[SubprocessorEntry] | None = None) -> bool:
    doc = _doc(text)
    return _true(doc, statements.processing_restricted_to_eea(doc, entries or []))


@pytest.mark.parametrize(
    "text",
    [
        "Die Verarbeitung der Daten findet ausschließlich in der Bundesrepublik Deutschland, in einem Mitgliedstaat "
        "der Europäischen Union oder in einem anderen Vertragsstaat des Abkommens über den Europäischen "
        "Wirtschaftsraum statt. Jede Verlagerung in ein Drittland bedarf der vorherigen Zustimmung.",
        "Die Auftragsverarbeitung findet ausschließlich innerhalb der EU/des EWR statt.",
        "Die Daten werden nur in Rechenzentren in Deutschland gespeichert.",
        "Personal data is processed and stored exclusively within the European Economic Area.",
        "Customer Personal Data will only be hosted in data centres located in the EU.",
        "Eine Verarbeitung außerhalb der EU findet nicht statt.",
    ],
)
def test_processing_restricted_to_eea(text):
    assert _eea(text)


@pytest.mark.parametrize(
    "text",
    [
        "Die Verarbeitung erfolgt grundsätzlich innerhalb der EU.",
        "Die Daten werden primär in Deutschland verarbeitet.",
        "Processing takes place primarily in the EU.",
        "In principle, personal data is processed only within the EEA.",
        "Data is processed only in the EU, except for support access from the United States.",
        "Personal data will not be transferred outside the EEA without appropriate safeguards.",
        "Ausschließlicher Gerichtsstand ist Hamburg in Deutschland.",
    ],
)
def test_qualified_location_statement_is_not_restricted(text):
    assert not _eea(text)


def test_location_of_one_subprocessor_is_not_the_documents():
    text = (
        "Anlage 3 – Unterauftragsverarbeiter\n\n"
        "Name: Nordhost GmbH\nLeistung: Hosting\nOrt: Verarbeitung ausschließlich in Deutschland\n\n"
        "Die Nordhost GmbH verarbeitet die Daten nur in Deutschland.\n"
    )
    block = "Name: Nordhost GmbH\nLeistung: Hosting\nOrt: Verarbeitung ausschließlich in Deutschland"
    start = text.index(block)
    entry = SubprocessorEntry(name="Nordhost GmbH", evidence=Span(start, start + len(block), block))
    assert not _eea(text, [entry])


# --- no sub-processors ----------------------------------------------------------------------


def _none_used(text: str, entries: list[SubprocessorEntry] | None = None) -> bool:
    doc = _doc(text)
    return _true(doc, statements.no_subprocessors(doc, entries or []))


@pytest.mark.parametrize(
    "text",
    [
        "Der Auftragnehmer setzt derzeit keine Unterauftragsverarbeiter ein.",
        "Unterauftragsverhältnisse bestehen derzeit nicht.",
        "Es werden keine Subunternehmer eingesetzt.",
        "Unterauftragnehmer: keine",
        "The Processor does not currently engage any sub-processors.",
        "No sub-processors are engaged for the Services.",
    ],
)
def test_no_subprocessors_statement(text):
    assert _none_used(text)


@pytest.mark.parametrize(
    "text",
    [
        "Der Auftragnehmer setzt keine Unterauftragsverarbeiter ohne Zustimmung des Auftraggebers ein.",
        "Der Auftragnehmer beauftragt keine weiteren Unterauftragsverarbeiter als die in Anlage 2 genannten.",
        "Jobbörsen, auf denen der Auftraggeber Anzeigen schaltet, sind keine Unterauftragsverarbeiter.",
        "The Processor shall not engage any sub-processors without the prior written consent of the Controller.",
        "The Processor does not use any sub-processors outside the EEA.",
    ],
)
def test_restriction_is_not_a_no_subprocessors_statement(text):
    assert not _none_used(text)


def test_no_further_subprocessors_beside_a_list_is_not_none():
    text = "Der Auftragnehmer setzt keine weiteren Unterauftragsverarbeiter ein."
    assert _none_used(text)
    assert not _none_used(text, [SubprocessorEntry(name="Nordhost GmbH")])


# --- facts read from the document alone ----------------------------------------------------
# (fact, text, stated?): controller identified, safeguards for special categories, 2021 SCCs

DOCUMENT_FACTS = {
    "controller": statements.controller_identified,
    "art9-safeguards": statements.special_category_safeguards,
    "scc-2021": statements.cites_scc_2021,
}

CASES = [
    (
        "controller",
        "Vereinbarung zur Auftragsverarbeitung\n\nzwischen\n\nMusterpraxis Dr. Beispiel\nHauptstr. 1, 12345 "
        "Musterstadt\n– nachfolgend „Auftraggeber“ –\n\nund\n\nBeispiel Software GmbH",
        True,
    ),
    ("controller", "Diese Anlage gilt für den Kunden des Hauptvertrags (Verantwortlicher).", True),
    ("controller", "Der Auftraggeber ist Verantwortlicher im Sinne des Art. 4 Nr. 7 DSGVO.", True),
    (
        "controller",
        'This DPA is entered into between Acme Ltd ("Processor") and the entity named in the Order Form ("Customer").',
        True,
    ),
    (
        "controller",
        "For the data collected through the Service, you are the controller and we are your processor.",
        True,
    ),
    # "zwischen" about instructions, not parties
    (
        "controller",
        "Weisungen sind zwischen den Ansprechpartnern des Auftraggebers und des Auftragnehmers abzustimmen.",
        False,
    ),
    ("controller", "The processor engages the following sub-processors.", False),
    (
        "art9-safeguards",
        "Soweit Gesundheitsdaten (besondere Kategorien nach Art. 9 DSGVO) verarbeitet werden, trifft der "
        "Auftragnehmer besondere technische und organisatorische Maßnahmen.",
        True,
    ),
    (
        "art9-safeguards",
        "Es werden Gesundheitsdaten verarbeitet. Der Zugriff darauf ist auf das Pflegeteam beschränkt.",
        True,
    ),
    (
        "art9-safeguards",
        "Where the processing involves special categories of data, the processor applies specific restrictions "
        "and/or additional safeguards.",
        True,
    ),
    ("art9-safeguards", "Health data is stored encrypted and access is restricted to named support staff.", True),
    # no Art. 9 data: encryption is general security talk
    (
        "art9-safeguards",
        "Es werden keine besonderen Kategorien personenbezogener Daten verarbeitet. Alle Daten werden verschlüsselt.",
        False,
    ),
    # loose 'sensitive data' is no Art. 9 topic
    ("art9-safeguards", "Sensible Daten werden verschlüsselt übertragen.", False),
    # the SCC annex label names safeguards in general; its value says there are none
    (
        "art9-safeguards",
        "Sensitive data transferred (if applicable) and applied restrictions or safeguards that fully take into "
        "consideration the nature of the data and the risks involved, such as strict purpose limitation, access "
        "restrictions or additional security measures: none",
        False,
    ),
    (
        "art9-safeguards",
        "Besondere Kategorien personenbezogener Daten: zusätzliche Schutzmaßnahmen sind nicht erforderlich.",
        False,
    ),
    ("scc-2021", "Grundlage sind die Standardvertragsklauseln (Durchführungsbeschluss (EU) 2021/914).", True),
    ("scc-2021", "Es gelten die neuen Standardvertragsklauseln der EU-Kommission.", True),
    ("scc-2021", "Garantien: Standardvertragsklauseln (Modul 3)", True),
    ("scc-2021", "Transfers rely on the SCCs of 4 June 2021.", True),
    ("scc-2021", "The parties conclude Module Two of the Standard Contractual Clauses.", True),
    ("scc-2021", "The new EU standard contractual clauses apply.", True),
    # the repealed sets are not the 2021 clauses
    ("scc-2021", "Es gelten die Standardvertragsklauseln gemäß Beschluss 2010/87/EU.", False),
    ("scc-2021", "Transfers rely on the standard contractual clauses (Commission Decision 2004/915/EC).", False),
]


@pytest.mark.parametrize(("fact", "text", "stated"), CASES)
def test_document_facts(fact, text, stated):
    doc = _doc(text)
    assert _true(doc, DOCUMENT_FACTS[fact](doc)) is stated
