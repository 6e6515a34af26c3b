"""Every completeness rule in `shapes/completeness.ttl` has a document that violates it and one that
satisfies it, both run through the real pipeline (read → extract → build → validate).

The fixtures are text: two small "complete" DPAs, one German AVV and one English DPA, that pass
every rule. Each case derives its document from one of them by a few exact text edits (nearly
always one clause removed or changed), so a test names the wording a rule reacts to. Every edit
must match its base exactly once, so a fixture cannot silently drift away from the baseline.

All documents are validated in one `validate_paths` call (module fixture), which keeps the file fast.
C07 ("sub-processor has no usable name") has a text case (a one-letter placeholder) and, for an entry
with no name at all, a graph fixture: the extractor drops a table row whose name cell is empty or a
dash, so no text reaches the builder with such an entry.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from pathlib import Path
from types import EllipsisType

import pytest

from graph.build import build_graph
from graph.extract.pipeline import EXTRACTOR_VERSION, extract_path
from graph.store import DPAStore
from graph.validation import runner
from graph.validation.batch import validate_batch
from graph.validation.findings import DocumentReport, Finding
from graph.validation.reference import load_reference
from graph.validation.rules import load_rules

TODAY = datetime.date(2026, 11, 23)


# --- the two complete baseline DPAs -----------------------------------------------------------------

DE_BODY = """\
# Vertrag über die Verarbeitung personenbezogener Daten im Auftrag (AVV)

Stand: 12. März 2024

zwischen

der Lindenhof Versand GmbH, Lindenstraße 8, 50674 Köln
– nachstehend „Auftraggeber" –

und

**Wolkenwerk Software GmbH**
Torstraße 140
10119 Berlin
Deutschland
– nachstehend „Auftragnehmer" –

## 1. Gegenstand und Dauer

1.1 Gegenstand des Auftrags ist der Betrieb des Kundenportals „Wolkenwerk Shop" für den Auftraggeber auf Grundlage des Hauptvertrags.

1.2 Die Laufzeit dieser Vereinbarung richtet sich nach der Laufzeit des Hauptvertrags.

## 2. Art und Zweck der Verarbeitung

2.1 Die Verarbeitung umfasst das Erheben, Speichern, Auswerten und Löschen von Bestell- und Kundendaten.

2.2 Zweck der Verarbeitung ist die Abwicklung von Bestellungen und die Betreuung der Kunden des Auftraggebers.

2.3 Folgende Arten personenbezogener Daten werden verarbeitet:

- Stammdaten (Name, Anschrift)
- Kontaktdaten (E-Mail-Adresse, Telefonnummer)
- Bestelldaten und Zahlungsinformationen

2.4 Kategorien betroffener Personen:

- Kunden des Auftraggebers
- Beschäftigte des Auftraggebers

2.5 Besondere Kategorien personenbezogener Daten nach Art. 9 DSGVO werden nicht verarbeitet.

## 3. Rechte und Pflichten des Auftraggebers, Weisungen

3.1 Der Auftraggeber ist für die Rechtmäßigkeit der Verarbeitung verantwortlich; die Rechte und Pflichten des Auftraggebers ergeben sich aus dieser Vereinbarung.

3.2 Der Auftragnehmer verarbeitet die Daten ausschließlich auf dokumentierte Weisung des Auftraggebers.

3.3 Ist der Auftragnehmer der Ansicht, dass eine Weisung gegen Datenschutzvorschriften verstößt, weist er den Auftraggeber unverzüglich darauf hin.

3.4 Eine Übermittlung in ein Drittland erfolgt nur, wenn die Voraussetzungen der Art. 44 ff. DSGVO erfüllt sind.

## 4. Vertraulichkeit

Der Auftragnehmer setzt nur Beschäftigte ein, die auf die Vertraulichkeit verpflichtet wurden.

## 5. Technische und organisatorische Maßnahmen

5.1 Der Auftragnehmer trifft alle nach Art. 32 DSGVO erforderlichen technischen und organisatorischen Maßnahmen.

5.2 Die Maßnahmen sind in Anlage 1 konkret beschrieben.

## 6. Unterauftragsverarbeiter

6.1 Der Auftraggeber erteilt dem Auftragnehmer die allgemeine Genehmigung, weitere Auftragsverarbeiter einzusetzen. Die in Anlage 2 aufgeführten Unterauftragsverarbeiter gelten als genehmigt.

6.2 Der Auftragnehmer informiert den Auftraggeber vorab über jede beabsichtigte Änderung. Der Auftraggeber kann der Änderung innerhalb von 30 Tagen widersprechen.

6.3 Der Auftragnehmer verpflichtet jeden Unterauftragsverarbeiter vertraglich auf dieselben Datenschutzpflichten, wie sie in dieser Vereinbarung festgelegt sind.

6.4 Der Auftragnehmer haftet gegenüber dem Auftraggeber für die Einhaltung der Pflichten seiner Unterauftragsverarbeiter.

## 7. Unterstützung

7.1 Der Auftragnehmer unterstützt den Auftraggeber bei der Beantwortung von Anträgen betroffener Personen auf Auskunft, Berichtigung und Löschung.

7.2 Der Auftragnehmer unterstützt den Auftraggeber bei der Einhaltung der Pflichten aus Art. 32 bis 36 DSGVO, insbesondere bei Datenschutz-Folgenabschätzungen.

## 8. Meldung von Datenschutzverletzungen

8.1 Der Auftragnehmer meldet dem Auftraggeber eine Verletzung des Schutzes personenbezogener Daten unverzüglich, spätestens innerhalb von 24 Stunden nach Kenntnis.

8.2 Die Meldung enthält die Art der Verletzung, die ungefähre Zahl der betroffenen Personen, die wahrscheinlichen Folgen und die ergriffenen Maßnahmen.

## 9. Löschung und Rückgabe

Nach Beendigung des Hauptvertrags löscht der Auftragnehmer alle personenbezogenen Daten des Auftraggebers oder gibt sie nach Wahl des Auftraggebers zurück.

## 10. Nachweise und Kontrollen

10.1 Der Auftragnehmer stellt dem Auftraggeber alle Informationen zum Nachweis der Einhaltung dieser Vereinbarung zur Verfügung.

10.2 Der Auftraggeber ist berechtigt, Kontrollen vor Ort durchzuführen oder durch einen beauftragten Prüfer durchführen zu lassen.

## 11. Datenschutzbeauftragter

Datenschutzbeauftragter des Auftragnehmers ist Herr Jonas Keller, datenschutz@wolkenwerk.example.

## 12. Schlussbestimmungen

Es gilt das Recht der Bundesrepublik Deutschland.

## Anlage 1 – Technische und organisatorische Maßnahmen

- Zutrittskontrolle durch elektronische Schließanlage
- Verschlüsselung aller Verbindungen mit TLS 1.3
- Tägliche Datensicherung an einem zweiten Standort

"""

EN_BODY = """\
# Data Processing Agreement

Version 2.0, effective 1 February 2025

This Data Processing Agreement is entered into between the customer named in the Order Form (hereinafter the "Controller") and

Brightlane Analytics Ltd, a company registered in Ireland with its registered office at 14 Harbour Road, Dublin 2, D02 X285 (hereinafter the "Processor").

## 1. Subject matter and duration

1.1 The subject matter of the processing is the provision of the Brightlane web analytics service to the Controller.

1.2 This Agreement remains in force for the duration of the Main Agreement.

## 2. Nature and purpose of the processing

2.1 The processing operations comprise the collection, storage, aggregation and deletion of usage data.

2.2 The purpose of the processing is to provide reports on the use of the Controller's websites.

2.3 Categories of personal data:

- Contact data (name, email address)
- Online identifiers (IP address, cookie ID)
- Usage data (pages visited, clicks)

2.4 Categories of data subjects:

- Visitors of the Controller's websites
- Employees of the Controller

2.5 No special categories of personal data within the meaning of Article 9 GDPR are processed.

## 3. Obligations of the Controller and instructions

3.1 The Controller is responsible for the lawfulness of the processing; the obligations of the Controller are set out in this Agreement.

3.2 The Processor shall process personal data only on documented instructions from the Controller.

3.3 The Processor shall immediately inform the Controller if, in its opinion, an instruction infringes data protection law.

3.4 The Processor shall transfer personal data to a third country only on documented instructions of the Controller and in compliance with Chapter V GDPR.

## 4. Confidentiality

The Processor ensures that all personnel authorised to process personal data are bound by confidentiality obligations.

## 5. Security

5.1 The Processor shall implement all measures required pursuant to Article 32 GDPR.

5.2 The technical and organisational measures are described in detail in Annex 1.

## 6. Sub-processors

6.1 The Controller grants the Processor a general written authorisation to engage sub-processors. The sub-processors listed in Annex 2 are approved.

6.2 The Processor shall notify the Controller of any intended addition or replacement of a sub-processor. The Controller may object to the change within 30 days of the notice.

6.3 The Processor shall impose the same data protection obligations on each sub-processor by written contract.

6.4 The Processor remains fully liable to the Controller for the performance of its sub-processors' obligations.

## 7. Assistance

7.1 The Processor shall assist the Controller in responding to requests from data subjects exercising their rights under Chapter III GDPR.

7.2 The Processor shall assist the Controller in complying with Articles 32 to 36 GDPR, including data protection impact assessments and prior consultation.

## 8. Personal data breaches

8.1 The Processor shall notify the Controller of a personal data breach without undue delay and in any event within 36 hours after becoming aware of it.

8.2 The notification shall describe the nature of the breach, the approximate number of data subjects concerned, the likely consequences and the measures taken or proposed.

## 9. Deletion and return

At the end of the provision of the services, the Processor shall delete or return all personal data at the choice of the Controller.

## 10. Audits

10.1 The Processor shall make available to the Controller all information necessary to demonstrate compliance with this Agreement.

10.2 The Processor shall allow for and contribute to audits, including inspections, conducted by the Controller or an auditor mandated by it.

## 11. Contact

The Processor's data protection officer can be reached at privacy@brightlane.example.

## 12. Governing law

This Agreement is governed by the laws of Ireland.

## Annex 1 – Technical and organisational measures

- Encryption of data at rest and in transit
- Role-based access control with two-factor authentication
- Daily backups stored in a separate data centre

"""


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def de_us(mechanism: str) -> str:
    """The German base's US sub-processor, with the given transfer mechanism."""
    return row(
        "Northwind Mail, Inc.",
        "100 Pine Street, San Francisco, CA 94111, USA",
        "Versand von Bestellbestätigungen",
        "USA",
        mechanism,
    )


def en_us(mechanism: str) -> str:
    """The English base's US sub-processor, with the given transfer mechanism."""
    return row(
        "Redwood Support, Inc.",
        "500 Market Street, San Francisco, CA 94105, USA",
        "Customer support ticketing",
        "USA",
        mechanism,
    )


def de_host(mechanism: str = "–") -> str:
    return row(
        "Rechenhafen Hosting GmbH",
        "Am Sandtorkai 3, 20457 Hamburg, Deutschland",
        "Hosting und Datensicherung",
        "Deutschland",
        mechanism,
    )


EN_HOST = row("Emerald Cloud Services Ltd", "2 Grand Canal Quay, Dublin, Ireland", "Hosting", "Ireland", "–")
DE_SCC = "Standardvertragsklauseln (Durchführungsbeschluss (EU) 2021/914)"
EN_SCC = "Standard Contractual Clauses (Module 3) of 4 June 2021"
DE_ANNEX = "\n".join(
    [
        "## Anlage 2 – Unterauftragsverarbeiter",
        "",
        row("Unterauftragsverarbeiter", "Anschrift", "Leistung", "Ort der Verarbeitung", "Garantie"),
        row(*["---"] * 5),
        de_host(),
        de_us(DE_SCC),
        "",
    ]
)
EN_ANNEX = "\n".join(
    [
        "## Annex 2 – Sub-processors",
        "",
        row("Sub-processor", "Address", "Service", "Location of processing", "Transfer mechanism"),
        row(*["---"] * 5),
        EN_HOST,
        en_us(EN_SCC),
        "",
    ]
)
BASES = {"de": DE_BODY + DE_ANNEX, "en": EN_BODY + EN_ANNEX}


# --- cases -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    """A document for one rule: a base DPA with exact text edits (each `old` occurs exactly once)."""

    rule: str
    base: str  # "de" or "en"
    edits: tuple[tuple[str, str], ...] = ()
    label: str = ""  # tells several cases of one rule apart
    also: frozenset[str] = frozenset()  # violating cases: the other rules the same edit rightly breaks

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.label}" if self.label else self.rule

    def text(self) -> str:
        text = BASES[self.base]
        for old, new in self.edits:
            assert text.count(old) == 1, f"{self.id}: {old!r} occurs {text.count(old)}× in the {self.base} base"
            text = text.replace(old, new)
        return text

    def param(self):
        return pytest.param(self, id=self.id)


def case(rule: str, base: str, *edits: tuple[str, str], label: str = "", also: str = "") -> Case:
    return Case(rule, base, edits, label, frozenset(also.split()))


def unchanged(base: str, *rules: str) -> list[Case]:
    """The base itself, as the satisfying case of each rule."""
    return [case(rule, base) for rule in rules]


def cut(base: str, start: str, stop: str) -> str:
    """The text of a base from `start` (which occurs once) up to the next `stop`: a clause or section."""
    text = BASES[base]
    assert text.count(start) == 1, f"{start!r} occurs {text.count(start)}× in the {base} base"
    at = text.index(start)
    return text[at : text.index(stop, at)]


def retitle(base: str, number: str, title: str) -> tuple[str, str]:
    """Rename section `number` of a base (when its title names what a case removes)."""
    return (cut(base, f"## {number} ", "\n"), f"## {number} {title}")


def listed(base: str, *cells: str) -> tuple[str, str]:
    """Add a row to the sub-processor table of a base, after its first entry."""
    first = de_host() if base == "de" else EN_HOST
    return add(first, "\n" + row(*cells))


def drop(text: str) -> tuple[str, str]:
    return (text, "")


def add(anchor: str, addition: str) -> tuple[str, str]:
    """Insert `addition` right after `anchor`."""
    return (anchor, anchor + addition)


DE_DATE = "Stand: 12. März 2024"
DE_TRANSFERS = "Art. 44 ff. DSGVO erfüllt sind."
DE_GENERIC_SCC = (
    DE_TRANSFERS,
    "Art. 44 ff. DSGVO erfüllt sind, insbesondere auf Grundlage der Standardvertragsklauseln.",
)
DE_NO_US_SCC = (de_us(DE_SCC), de_us("–"))
DE_OBJECTION = "Der Auftraggeber kann der Änderung innerhalb von 30 Tagen widersprechen."
DE_SPECIFIC = (
    cut("de", "6.1 ", "6.3 "),
    "6.1 Der Auftragnehmer darf Unterauftragsverarbeiter nur mit vorheriger schriftlicher Zustimmung des "
    "Auftraggebers einsetzen.\n\n",
)
DE_EEA_ONLY = add(
    "werden nicht verarbeitet.\n", "\n2.6 Die Verarbeitung der Daten findet ausschließlich in der EU statt.\n"
)
DE_BREACH = "spätestens innerhalb von 24 Stunden nach Kenntnis"
DE_BRAZIL = listed(
    "de",
    "Lusitext Traduções Ltda.",
    "Avenida Paulista 1000, São Paulo, Brasilien",
    "Übersetzung von Kundenanfragen",
    "Brasilien",
    "Angemessenheitsbeschluss der EU-Kommission",
)
DE_PRIVACY_SHIELD = (de_us(DE_SCC), de_us("EU-U.S. Privacy Shield"))
DE_OLD_SCC = "Standardvertragsklauseln gemäß Beschluss 2010/87/EU"
EN_SEAT = ", a company registered in Ireland with its registered office at 14 Harbour Road, Dublin 2, D02 X285"
EN_SPECIAL_NONE = "No special categories of personal data within the meaning of Article 9 GDPR are processed."
EN_SPECIAL_HEALTH = (
    "The Processor processes health data (special categories of personal data within the meaning of Article 9 "
    "GDPR) that visitors enter in the Controller's appointment forms."
)
EN_BREACH = "within 36 hours after becoming aware"
EN_OBJECTION = "within 30 days of the notice"
EN_US_DPF = (en_us(EN_SCC), en_us("EU-U.S. Data Privacy Framework"))

# At least one document per rule that must make it fire, derived from a base by the edits shown ...
VIOLATED = [
    case("A01", "de", drop(cut("de", "zwischen", "## 1.")), also="A02 A03"),
    case("A02", "en", drop(EN_SEAT)),
    case("A03", "en", drop(cut("en", "between the customer", "Brightlane")), ("entered into ", "entered into by ")),
    case("A04", "de", retitle("de", "1.", "Dauer"), drop(cut("de", "1.1 ", "1.2 "))),
    case("A05", "en", retitle("en", "1.", "Subject matter"), drop(cut("en", "1.2 ", "## 2."))),
    case("A06", "de", retitle("de", "2.", "Zweck der Verarbeitung"), drop(cut("de", "2.1 ", "2.2 "))),
    case("A07", "en", retitle("en", "2.", "Nature of the processing"), drop(cut("en", "2.2 ", "2.3 "))),
    case("A08", "de", drop(cut("de", "2.3 ", "2.4 "))),
    case("A09", "en", drop(cut("en", "2.4 ", "2.5 "))),
    case("A10", "de", drop(cut("de", "2.5 ", "## 3."))),
    case("A11", "en", (EN_SPECIAL_NONE, EN_SPECIAL_HEALTH)),
    case(
        "A11",
        "de",
        add("- Bestelldaten und Zahlungsinformationen\n", "- Gesundheitsdaten (Krankmeldungen)\n"),
        label="listed-but-denied",
    ),
    case("A12", "en", retitle("en", "3.", "Instructions"), drop(cut("en", "3.1 ", "3.2 "))),
    case("B01", "de", drop(cut("de", "3.2 ", "3.3 "))),
    case("B02", "en", drop(cut("en", "3.4 ", "## 4."))),
    case("B03", "de", drop(cut("de", "3.3 ", "3.4 "))),
    case("B04", "en", drop(cut("en", "## 4.", "## 5."))),
    # Art. 32 is named in the clause and the annex heading, so both go; without the annex B06 fires too.
    case("B05", "en", drop(cut("en", "## 5.", "## 6.")), drop(cut("en", "## Annex 1", "## Annex 2")), also="B06"),
    case("B06", "de", drop(cut("de", "## Anlage 1", "## Anlage 2"))),
    case("B07", "en", drop(cut("en", "7.1 ", "7.2 "))),
    case("B08", "de", drop(cut("de", "7.2 ", "## 8."))),
    case("B09", "en", drop(cut("en", "## 9.", "## 10."))),
    case("B10", "en", retitle("en", "10.", "Compliance information"), drop(cut("en", "10.2 ", "## 11."))),
    case("B10", "de", retitle("de", "10.", "Kontrollen"), drop(cut("de", "10.1 ", "10.2 ")), label="no-information"),
    case("C01", "de", drop(cut("de", "6.1 ", "6.2 "))),
    case("C02", "en", drop(cut("en", "6.2 ", "6.3 ")), also="C03"),
    case("C03", "de", (DE_OBJECTION, "Der Auftraggeber kann der Änderung aus wichtigem Grund widersprechen.")),
    case("C04", "en", (EN_OBJECTION, "within 7 days of the notice")),
    case("C05", "en", drop(cut("en", "6.3 ", "6.4 "))),
    case("C06", "de", drop(cut("de", "6.4 ", "## 7."))),
    # a placeholder left in the list; an empty name needs a graph fixture (test_c07_graph_fixture)
    case("C07", "de", listed("de", "X", "Musterweg 1, 10115 Berlin", "Kundensupport", "Deutschland", "–")),
    case("C08", "de", listed("de", "Klarsicht Support GmbH", "–", "Telefonischer Kundensupport", "–", "–")),
    case("C09", "en", listed("en", "Quillon Analytics Ltd", "8 Merrion Square, Dublin 2", "", "Ireland", "–")),
    case("C10", "de", drop(DE_ANNEX)),
    case("D01", "en", (en_us(EN_SCC), en_us("–"))),
    case("D02", "de", (DE_DATE, "Stand: 12. März 2025"), DE_BRAZIL),
    case("D03", "de", (de_host(), de_host("EU-U.S. Data Privacy Framework"))),
    case("D04", "en", EN_US_DPF),
    case("D05", "de", DE_PRIVACY_SHIELD, also="D01"),
    case("D06", "de", (DE_DATE, "Stand: 12. März 2023"), (de_us(DE_SCC), de_us(DE_OLD_SCC)), also="D01"),
    case("D07", "en", (en_us(EN_SCC), en_us("Art. 49(1)(b) GDPR (necessary for the performance of the contract)"))),
    case("D08", "de", DE_NO_US_SCC, DE_GENERIC_SCC),
    case("D09", "de", DE_EEA_ONLY),
    case("D10", "de", (DE_DATE, "Stand: 12. März 2019"), DE_PRIVACY_SHIELD, also="D01"),
    case("E01", "de", drop(cut("de", "## 8.", "## 9.")), also="E02 E05"),
    case("E02", "en", (" and in any event " + EN_BREACH, " after becoming aware")),
    case("E03", "de", (DE_BREACH, DE_BREACH.replace("24", "96")), also="E04"),
    case("E04", "en", (EN_BREACH, EN_BREACH.replace("36", "72"))),
    case("E05", "de", drop(cut("de", "8.2 ", "## 9."))),
    case("F01", "en", drop(cut("en", "## 11.", "## 12."))),
    case("F02", "de", drop(DE_DATE + "\n\n")),
    case("F02", "en", drop(cut("en", "## 12.", "## Annex 1")), label="no-law"),
]

# ... and at least one that must not: the unchanged base, or the closest document that passes (the
# boundary value, the same clause under the other condition).
SATISFIED = [
    *unchanged("de", "A01", "A04", "A06", "A08", "A10", "A11", "B01", "B03", "B06", "B08", "C01", "C03", "C06"),
    *unchanged("de", "C07", "C08", "C10", "D08", "E01", "E05", "F02"),
    *unchanged("en", "A02", "A03", "A05", "A07", "A09", "A12", "B02", "B04", "B05", "B07", "B09", "B10", "C02"),
    *unchanged("en", "C05", "C09", "D01", "D04", "E02", "F01"),
    case(
        "A11",
        "en",
        (EN_SPECIAL_NONE, EN_SPECIAL_HEALTH + " Access to these data is restricted to named staff."),
        label="safeguards",
    ),
    case("C02", "de", DE_SPECIFIC, label="specific"),
    case("C03", "de", DE_SPECIFIC, label="specific"),
    case("C04", "en", (EN_OBJECTION, "within 14 days of the notice")),
    case(
        "C10",
        "de",
        (DE_ANNEX, "## Anlage 2\n\nDer Auftragnehmer setzt derzeit keine Unterauftragsverarbeiter ein.\n"),
        label="none-engaged",
    ),
    case("D01", "de", DE_NO_US_SCC, DE_GENERIC_SCC, label="generic-clause"),
    case("D02", "de", (DE_DATE, "Stand: 10. Februar 2026"), DE_BRAZIL),
    case("D03", "en", EN_US_DPF),
    case(
        "D04",
        "de",
        (
            DE_TRANSFERS,
            "Art. 44 ff. DSGVO erfüllt sind, etwa ein Angemessenheitsbeschluss oder Standardvertragsklauseln.",
        ),
        label="own-scc",
    ),
    case("D05", "de", (DE_DATE, "Stand: 12. März 2019"), DE_PRIVACY_SHIELD),
    case(
        "D06", "de", (DE_DATE, "Stand: 12. März 2023"), (de_us(DE_SCC), de_us(f"{DE_OLD_SCC}; ab 27.12.2022 {DE_SCC}"))
    ),
    case("D07", "en", (en_us(EN_SCC), en_us(EN_SCC + "; Art. 49(1)(a) GDPR for calls recorded with consent"))),
    case("D09", "de", DE_EEA_ONLY, drop("\n" + de_us(DE_SCC))),
    case("D10", "de", DE_PRIVACY_SHIELD),
    case("E03", "de", (DE_BREACH, DE_BREACH.replace("24", "72"))),
    case("E04", "en", (EN_BREACH, EN_BREACH.replace("36", "48"))),
]


# --- running them ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DocumentReport]:
    """Document text → its report; every distinct text is written and validated once, all in one call."""
    folder = tmp_path_factory.mktemp("rules")
    paths: dict[str, Path] = {}
    for c in [*VIOLATED, *SATISFIED]:
        text = c.text()
        if text not in paths:
            paths[text] = folder / f"{c.id.replace('/', '-')}-{hashlib.sha256(text.encode()).hexdigest()[:8]}.md"
            paths[text].write_text(text, encoding="utf-8")
    found = runner.validate_paths(list(paths.values()), runner.Options(jobs=1, today=TODAY), cache=None)
    return dict(zip(paths, found, strict=True))


def findings(reports: dict[str, DocumentReport], c: Case) -> list[Finding]:
    report = reports[c.text()]
    assert report.error is None, f"{c.id}: {report.error}"
    return report.findings


def fired(reports: dict[str, DocumentReport], c: Case) -> set[str]:
    return {f.rule for f in findings(reports, c)}


@pytest.mark.parametrize("c", [c.param() for c in VIOLATED])
def test_rule_violated(reports: dict[str, DocumentReport], c: Case) -> None:
    assert c.rule in fired(reports, c)


@pytest.mark.parametrize("c", [c.param() for c in SATISFIED])
def test_rule_satisfied(reports: dict[str, DocumentReport], c: Case) -> None:
    assert c.rule not in fired(reports, c)


@pytest.mark.parametrize("c", [c.param() for c in VIOLATED])
def test_violation_is_minimal(reports: dict[str, DocumentReport], c: Case) -> None:
    """The edit breaks its rule and only the rules it is known to break too (`also`): the fixture
    tests what its id says, and a new extraction side effect shows up here."""
    assert fired(reports, c) == {c.rule} | c.also


@pytest.mark.parametrize("base", BASES)
def test_bases_pass_every_rule(reports: dict[str, DocumentReport], base: str) -> None:
    report = reports[BASES[base]]
    assert report.error is None
    assert [f.rule for f in report.findings] == []


# --- what a finding says -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Expected:
    case: str  # id of a violating case; the finding is the only one of its rule in that document
    subject: str | None
    value: str | None | EllipsisType  # ...: not checked (see test_date_rules_name_their_value)
    en: str  # part of the English message
    de: str  # part of the German message
    line_of: str | None  # a phrase on the line the evidence points at; None: nothing to quote


DETAILS = [
    Expected("A11/listed-but-denied", None, None, "although the DPA says none", "obwohl der AVV", "2.5 Besondere"),
    Expected("C04", None, "7", "is only 7 days", "beträgt nur 7 Tage", "within 7 days"),
    Expected("C08", "Klarsicht Support GmbH", None, "Klarsicht Support GmbH: no seat", "weder Sitz", "| Klarsicht"),
    Expected("D01", "Redwood Support, Inc.", None, "third country (US)", "Drittland (US)", "| Redwood Support"),
    Expected(
        "D02", "Lusitext Traduções Ltda.", ..., "in force on 2025-03-12", "am 2025-03-12 galt keiner", "| Lusitext"
    ),
    Expected(
        "D05", None, "EU-U.S. Privacy Shield (invalid)", "invalidated before 2024-03-12", "EuGH", "Privacy Shield"
    ),
    Expected("D09", "Northwind Mail, Inc.", None, "yet Northwind Mail, Inc. sits", "nur in der EU", "| Northwind"),
    Expected(
        "E01", None, None, "notify the controller of personal data breaches", "über Datenschutzverletzungen", None
    ),
    Expected("E03", None, "96", "take 96 hours", "96 Stunden Zeit", "96 Stunden"),
]
VIOLATED_BY_ID = {c.id: c for c in VIOLATED}


def only_finding(reports: dict[str, DocumentReport], c: Case) -> Finding:
    found = [f for f in findings(reports, c) if f.rule == c.rule]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("expected", DETAILS, ids=lambda e: e.case)
def test_finding_details(reports: dict[str, DocumentReport], expected: Expected) -> None:
    c = VIOLATED_BY_ID[expected.case]
    finding = only_finding(reports, c)
    assert finding.subject == expected.subject
    if expected.value is not ...:
        assert finding.value == expected.value
    assert expected.en in finding.message["en"]
    assert expected.de in finding.message["de"]
    if expected.line_of is None:
        assert finding.evidence is None
    else:
        text = c.text()
        assert finding.evidence is not None
        assert finding.evidence.line == text[: text.index(expected.line_of)].count("\n") + 1
        assert text[finding.evidence.start : finding.evidence.end] == finding.evidence.quote


@pytest.mark.parametrize(("case_id", "value"), [("D02", "BR"), ("D10", "EU-U.S. Privacy Shield (invalid)")])
def test_date_rules_name_their_value(reports: dict[str, DocumentReport], case_id: str, value: str) -> None:
    finding = only_finding(reports, VIOLATED_BY_ID[case_id])
    assert finding.value == value
    assert value in finding.message["en"]


# --- C07 on a graph --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def de_extracted(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("c07") / "c07.md"
    path.write_text(BASES["de"], encoding="utf-8")
    return extract_path(path)


# C07 on an entry without any name needs a graph fixture: the extractor drops a row whose name cell is
# empty or a dash instead of reporting a nameless entry, so only a changed record reaches the builder.
@pytest.mark.parametrize(("name", "fires"), [("", True), ("–", True), ("Rechenhafen Hosting GmbH", False)])
def test_c07_graph_fixture(de_extracted, name: str, fires: bool) -> None:
    record, doc = de_extracted
    record = dataclasses.replace(record, subprocessors=[*record.subprocessors])
    record.subprocessors[0] = dataclasses.replace(record.subprocessors[0], name=name)
    store = DPAStore(None)
    store.put(record, build_graph(record, doc.text, extractor_version=EXTRACTOR_VERSION), force=True)
    found = validate_batch(store.store, [record.document], load_rules(), load_reference(), TODAY)[record.document]
    assert [f.rule for f in found] == (["C07"] if fires else [])


# --- the table covers every rule ---------------------------------------------------------------------------


def test_every_rule_has_a_violating_and_a_satisfying_case() -> None:
    rules = set(load_rules().rules)
    assert {c.rule for c in VIOLATED} == rules, "every rule needs a violating case (and no case an unknown rule)"
    assert {c.rule for c in SATISFIED} == rules, "every rule needs a satisfying case (and no case an unknown rule)"
    for cases in (VIOLATED, SATISFIED):
        ids = [c.id for c in cases]
        assert len(ids) == len(set(ids)), "case ids must be unique"
