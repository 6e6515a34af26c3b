"""Sub-processor extraction in every layout seen in practice, German and English, and on the seeds."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import SEED_GOLD, SEEDS, SHARED

from graph.document import Document
from graph.extract.annex import find_regions
from graph.extract.subprocessors import NO_LIST, SubprocessorResult, find_subprocessors
from graph.model import SubprocessorEntry
from graph.readers import read_document


def run(text: str) -> tuple[Document, SubprocessorResult]:
    doc = Document("fixture", text)
    result = find_subprocessors(doc)
    check_spans(doc, result)
    return doc, result


def check_spans(doc: Document, result: SubprocessorResult) -> None:
    """Every evidence span quotes the document exactly."""
    spans = [result.annex] if result.annex else []
    for e in result.entries:
        spans += [e.evidence, *e.extra_evidence, *(m.evidence for m in e.mechanisms)]
    spans += [m.evidence for m in result.document_mechanisms]
    for span in spans:
        assert span is not None
        assert span.text == doc.text[span.start : span.end]


def by_name(result: SubprocessorResult) -> dict[str, SubprocessorEntry]:
    return {e.name: e for e in result.entries}


def mech(entry: SubprocessorEntry) -> list[str]:
    return [m.code for m in entry.mechanisms]


# --- tables ------------------------------------------------------------------------------

GERMAN_PIPE_TABLE = """\
§ 6 Unterauftragsverarbeiter
Der Auftragnehmer hat derzeit die folgenden Unterauftragsverarbeiter im Einsatz:
| Unterauftragsverarbeiter | Anschrift / Sitz | Zweck & Leistung | Datenstandort |
| --- | --- | --- | --- |
| Alpha Cloud GmbH | Hauptstraße 1, 10115 Berlin, DE | Server-Hosting | Deutschland / EU |
| Beacon Mail, Inc. | 1 Market St, San Francisco, CA 94105, USA ¹ | E-Mail-Versand | USA / EU-DPF |
| Nimbus | Nimbus Storage Ltd, 2 Quay Road, Dublin 2
Irland | Backups | EU / USA² |
| Kestrel Chat Inc. | 10 Rue Peel, Montréal, QC H3C 2G9, CA | Support-Chat | Kanada (Adequacy) |
| Lynx Data s.r.o. | Karlovo nám. 1, 120 00 Praha 2, CZ | Datenanalyse | EU (CZ) |
¹ Datenübermittlung in die USA auf Basis von Standardvertragsklauseln.
² Sofern Daten in die USA übertragen werden, erfolgt dies unter dem EU-US Data Privacy Framework.
Der Auftragnehmer schließt mit jedem Unterauftragsverarbeiter einen Vertrag nach Art. 28 DSGVO.
"""


def test_german_pipe_table_with_wrapped_row_and_footnotes() -> None:
    _, result = run(GERMAN_PIPE_TABLE)
    entries = by_name(result)
    assert list(entries) == [
        "Alpha Cloud GmbH",
        "Beacon Mail, Inc.",
        "Nimbus Storage Ltd",
        "Kestrel Chat Inc.",
        "Lynx Data s.r.o.",
    ]
    alpha = entries["Alpha Cloud GmbH"]
    assert (alpha.seat_country, alpha.processing_countries, alpha.mechanisms) == ("DE", ["DE", "EU"], [])
    assert alpha.purpose == "Server-Hosting" and alpha.layout == "table"
    beacon = entries["Beacon Mail, Inc."]
    assert beacon.seat_country == "US" and beacon.processing_countries == ["US"]
    assert mech(beacon) == ["DPF", "SCC"] and beacon.mechanism_scope == "entry"
    assert [m.scope for m in beacon.mechanisms] == ["entry", "footnote"]
    nimbus = entries["Nimbus Storage Ltd"]  # entity from the address column, brand kept as service
    assert nimbus.service == "Nimbus" and nimbus.seat_country == "IE"
    assert nimbus.processing_countries == ["EU", "US"]
    assert mech(nimbus) == ["DPF"] and nimbus.mechanism_scope == "footnote"
    kestrel = entries["Kestrel Chat Inc."]
    assert kestrel.seat_country == "CA" and kestrel.processing_countries == ["CA"]
    assert mech(kestrel) == ["ADEQUACY"] and kestrel.mechanism_scope == "entry"
    assert entries["Lynx Data s.r.o."].processing_countries == ["CZ"]
    assert result.warnings == []


ENGLISH_TABLE = """\
## Annex III – List of Sub-processors

| Sub-processor | Purpose | Location | Transfer mechanism |
| --- | --- | --- | --- |
| Orbit Hosting B.V. | Cloud hosting | Netherlands | – |
| Quasar Analytics LLC | Product analytics | United States | SCCs |
| Relay Support Ltd | Customer support | United Kingdom | Adequacy decision |

## Annex IV – Security measures
| Measure | Description |
| --- | --- |
| Encryption | AES-256 at rest |
"""


def test_english_table_with_mechanism_column() -> None:
    _, result = run(ENGLISH_TABLE)
    entries = by_name(result)
    assert list(entries) == ["Orbit Hosting B.V.", "Quasar Analytics LLC", "Relay Support Ltd"]
    assert entries["Orbit Hosting B.V."].processing_countries == ["NL"]
    assert mech(entries["Orbit Hosting B.V."]) == []
    assert mech(entries["Quasar Analytics LLC"]) == ["SCC"]
    assert entries["Quasar Analytics LLC"].processing_countries == ["US"]
    assert mech(entries["Relay Support Ltd"]) == ["ADEQUACY"]
    assert entries["Relay Support Ltd"].purpose == "Customer support"


VENDOR_PAGE_TABLE = """\
Our sub-processors

| Entity Name | Corporate Location | Processing Location | Services |
| --- | --- | --- | --- |
| Vega Compute, Inc. | United States | Germany | Infrastructure hosting |
| Wren Messaging Limited | Ireland | European Economic Area | Transactional e-mail |
"""


def test_vendor_page_table_separates_seat_and_processing() -> None:
    _, result = run(VENDOR_PAGE_TABLE)
    entries = by_name(result)
    vega = entries["Vega Compute, Inc."]
    assert (vega.seat_country, vega.processing_countries) == ("US", ["DE"])
    assert vega.purpose == "Infrastructure hosting"
    wren = entries["Wren Messaging Limited"]
    assert (wren.seat_country, wren.processing_countries) == ("IE", ["EU"])


TAB_TABLE = (
    "Anlage 3 – Subunternehmer\n\n"
    "Unternehmen\tBeschreibung der Leistung\tOrt der Leistung\tKontakt\n"
    "Sigma AI, LLC\tKI-Verarbeitung\tUSA\thttps://sigma.example\n"
    "Tau Payments Europe Ltd\tZahlungsabwicklung\tIrland\thttps://tau.example\n"
    "Upsilon Edge Inc.\tCDN, Sicherheit\tUSA / EU\thttps://upsilon.example"
)


def test_tab_separated_table_last_row_without_newline() -> None:
    _, result = run(TAB_TABLE)
    entries = by_name(result)
    assert list(entries) == ["Sigma AI, LLC", "Tau Payments Europe Ltd", "Upsilon Edge Inc."]
    assert entries["Sigma AI, LLC"].processing_countries == ["US"]
    assert entries["Sigma AI, LLC"].seat_country is None
    assert entries["Upsilon Edge Inc."].processing_countries == ["US", "EU"]
    assert entries["Tau Payments Europe Ltd"].purpose == "Zahlungsabwicklung"


def test_html_table(tmp_path: Path) -> None:
    html = """<html><body><h1>Data Processing Addendum</h1>
    <h2>Schedule 3 - Approved Sub-processors</h2>
    <table><tr><th>Sub-processor</th><th>Address</th><th>Service</th><th>Hosting location</th></tr>
    <tr><td>Phi Storage GmbH</td><td>Zeil 5, 60313 Frankfurt am Main, Germany</td><td>Object storage</td><td>Germany</td></tr>
    <tr><td>Chi Voice Inc.</td><td>100 Pine St, Seattle, WA 98101, USA</td><td>Telephony</td><td>USA</td></tr>
    </table><p>We will inform you of changes.</p></body></html>"""
    path = tmp_path / "dpa.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    result = find_subprocessors(doc)
    check_spans(doc, result)
    entries = by_name(result)
    assert list(entries) == ["Phi Storage GmbH", "Chi Voice Inc."]
    assert (entries["Phi Storage GmbH"].seat_country, entries["Phi Storage GmbH"].processing_countries) == (
        "DE",
        ["DE"],
    )
    assert entries["Chi Voice Inc."].seat_country == "US"


# --- key-value blocks --------------------------------------------------------------------

KV_WITH_HEADINGS = """\
Anhang: Unterauftragsverarbeiter
Der Auftragnehmer setzt die folgenden Unterauftragsverarbeiter ein:
Plattform Omega
Zweck: Plattformbetrieb
Omega Cloud (OC)
Zweck: Bereitstellung von Rechenkapazität
Dienstanbieter: Omega Cloud EMEA SARL, 5 Rue Plaetis, L-2338, Luxemburg
Webseite: https://omega.example
Datenschutzerklärung: https://omega.example/privacy
Pixel-Tracking
Zweck: Messung von Kampagnen
Dienstanbieter: Psi Platforms Ireland Limited, Merrion Road, Dublin 4, D04 X2K5, Irland
Zielgruppen via Upload
Zweck: Bildung von Zielgruppen
Dienstanbieter: Psi Platforms Ireland Limited, Merrion Road, Dublin 4, D04 X2K5, Irland
Webseite: https://psi.example
Zweck: Nachrichtenversand
Dienstanbieter: Psi Messaging Ireland Limited, Merrion Road, Dublin 4, D04 X2K5, Irland
Bezahlung
Zweck: Zahlungsdienstleistungen
Dienstanbieter: Rho Pay, Inc., 510 Example Street, San Francisco, CA 94107, USA
Stand: November 2025

Innovation
Frische, kreative Lösungen.
Copyright 2025 by Beispiel GmbH. Alle Rechte vorbehalten
"""


def test_key_value_blocks_merge_entities_and_drop_footer() -> None:
    _, result = run(KV_WITH_HEADINGS)
    entries = by_name(result)
    assert list(entries) == [
        "Plattform Omega",
        "Omega Cloud EMEA SARL",
        "Psi Platforms Ireland Limited",
        "Psi Messaging Ireland Limited",
        "Rho Pay, Inc.",
    ]
    assert entries["Plattform Omega"].seat_country is None
    omega = entries["Omega Cloud EMEA SARL"]
    assert omega.seat_country == "LU" and omega.service == "Omega Cloud (OC)"
    psi = entries["Psi Platforms Ireland Limited"]
    assert psi.seat_country == "IE"
    assert psi.purpose == "Messung von Kampagnen; Bildung von Zielgruppen"
    assert psi.service == "Pixel-Tracking; Zielgruppen via Upload"
    assert len(psi.extra_evidence) == 1
    assert entries["Psi Messaging Ireland Limited"].purpose == "Nachrichtenversand"  # block without heading
    assert entries["Rho Pay, Inc."].seat_country == "US"
    assert all(e.layout == "key-value" for e in result.entries)
    assert all(e.mechanisms == [] for e in result.entries)


KV_BLANK_SEPARATED = """\
Anlage 2

Unterauftragsverhältnisse gemäß § 9 der Vereinbarung

Der Auftragsverarbeiter arbeitet derzeit mit den folgenden weiteren Auftragsverarbeitern zusammen.

Compute Service (CS)
Name/Firma: Compute Service, Inc.
Funktion/Tätigkeit: Hosting, Datenbankdienste

Firma: Kappa Analytics, Inc.
Funktion/Tätigkeit: Datenanalyse
Sitz [Stadt, Land]: 20 Example Road, Boston, MA 02110, USA

Lambda
Name/Firma: Lambda Corporation
Funktion/Tätigkeit: Bürosoftware
Sitz [Stadt, Land]: Redmond, WA 98052-6399. USA
"""


def test_key_value_blocks_with_blank_lines() -> None:
    _, result = run(KV_BLANK_SEPARATED)
    entries = by_name(result)
    assert list(entries) == ["Compute Service, Inc.", "Kappa Analytics, Inc.", "Lambda Corporation"]
    assert entries["Compute Service, Inc."].seat_country is None
    assert entries["Kappa Analytics, Inc."].seat_country == "US"
    assert entries["Lambda Corporation"].service == "Lambda"
    assert entries["Lambda Corporation"].purpose == "Bürosoftware"


ENGLISH_KV = """\
# Sub-processors

### Mailing
Entity: Mu Post Ltd
Address: 1 High Street, London EC1A 1BB, United Kingdom
Purpose: Newsletter delivery
Location: United Kingdom
Transfer mechanism: UK adequacy decision

### Storage
Entity: Nu Vault AB
Address: Drottninggatan 1, 111 51 Stockholm, Sweden
Purpose: Encrypted backups
Location: EU
"""


def test_english_key_value_blocks_with_markdown_headings() -> None:
    _, result = run(ENGLISH_KV)
    entries = by_name(result)
    mu = entries["Mu Post Ltd"]
    assert (mu.seat_country, mu.processing_countries, mech(mu)) == ("GB", ["GB"], ["ADEQUACY"])
    assert mu.service == "Mailing"
    nu = entries["Nu Vault AB"]
    assert (nu.seat_country, nu.processing_countries, mech(nu)) == ("SE", ["EU"], [])


BULLETS_WITH_SUB_ITEMS = """\
§ 1 Gegenstand
Die Verarbeitung erfolgt grundsätzlich in der EU; Übermittlungen in Drittländer erfolgen insbesondere durch Standardvertragsklauseln.
§ 7 Weitere Auftragsverarbeiter (Subunternehmer)
- Der Auftraggeber gestattet dem Auftragnehmer generell weitere Subunternehmer zu beauftragen.
- Die zurzeit eingesetzten weiteren Auftragsverarbeiter sind in Anlage 1 aufgeführt.
Anlage 1 Weitere Auftragsverarbeiter
- Xi Hosting SE
- Adresse: Beispielstraße 7, 56410 Montabaur, Deutschland
- Beschreibung der Teilleistung: Bereitstellung, Betrieb und Wartung von Produkten; insbesondere: a. Betrieb b. Wartung
- Omicron Base Inc.
- Adresse: 1 Example Road #07-04, Singapore
- Beschreibung der Teilleistung: Backend-Datenbank
- Die Datenverarbeitung erfolgt primär auf Servern innerhalb der Europäischen Union (z. B. Frankfurt am Main)
- Sollte eine Übertragung in Drittländer erforderlich sein, stellt Omicron sicher, dass Standardvertragsklauseln (SCCs) abgeschlossen werden.
- Ein Auftragsverarbeitungsvertrag wurde mit Omicron Base Inc. geschlossen.
Anlage 2 Technische und organisatorische Maßnahmen
- Verschlüsselung aller Datenübertragungen.
"""


def test_bullets_with_sub_items_location_and_entry_mechanism() -> None:
    _, result = run(BULLETS_WITH_SUB_ITEMS)
    entries = by_name(result)
    assert list(entries) == ["Xi Hosting SE", "Omicron Base Inc."]
    xi = entries["Xi Hosting SE"]
    assert (xi.seat_country, xi.processing_countries, xi.mechanisms) == ("DE", [], [])
    assert xi.purpose.startswith("Bereitstellung, Betrieb und Wartung von Produkten")
    omicron = entries["Omicron Base Inc."]
    assert omicron.seat_country == "SG"
    assert omicron.processing_countries == ["EU", "DE"]
    assert mech(omicron) == ["SCC"] and omicron.mechanism_scope == "entry"
    assert omicron.layout == "bullets"
    # the § 1 clause is a document mechanism and is not copied onto the entries
    assert [m.code for m in result.document_mechanisms] == ["SCC"]
    assert result.document_mechanisms[0].scope == "document"
    assert mech(xi) == []


ONE_LINE_BULLETS = """\
6. SUB-PROCESSORS
6.1 Customer authorises the sub-processors below.
6.2 Current Sub-processors. As of the date above, the Provider uses the following Sub-processors:

- Pi Compute EMEA SARL (Luxembourg) – cloud hosting and storage – EU (Frankfurt, Germany)
- Rho Edge, Inc. (USA) – content delivery – global edge network
- Sigma Text Inc. (USA) – SMS delivery of codes – United States – DPF
- Sigma Text Inc. (USA) – transactional email – United States – DPF
- Tau CRM, Inc. (USA) – support case management – United States – DPF and SCCs

6.3 Not Sub-processors. Payments are processed by Upsilon Pay, Inc., which acts as an independent controller.
"""


def test_one_line_bullets_english() -> None:
    _, result = run(ONE_LINE_BULLETS)
    entries = by_name(result)
    assert list(entries) == ["Pi Compute EMEA SARL", "Rho Edge, Inc.", "Sigma Text Inc.", "Tau CRM, Inc."]
    pi = entries["Pi Compute EMEA SARL"]
    assert (pi.seat_country, pi.processing_countries) == ("LU", ["DE"])
    assert pi.purpose == "cloud hosting and storage"
    sigma = entries["Sigma Text Inc."]
    assert sigma.purpose == "SMS delivery of codes; transactional email"
    assert (sigma.seat_country, sigma.processing_countries, mech(sigma)) == ("US", ["US"], ["DPF"])
    assert mech(entries["Tau CRM, Inc."]) == ["DPF", "SCC"]
    assert entries["Rho Edge, Inc."].processing_countries == []
    assert "Upsilon Pay, Inc." not in entries


NUMBERED_LIST = """\
Anlage 2 – Unterauftragsverarbeiter

1. Phi Hosting GmbH, Berlin – Hosting der Plattform
2. Chi Mail SAS, Paris – E-Mail-Versand
3. Psi Signs Ltd, Dublin, Irland – Elektronische Signatur
4. Zeta Tools – Workflow-Automatisierung

Stand der Liste: 1. März 2025.
"""


def test_numbered_one_line_items_with_towns() -> None:
    _, result = run(NUMBERED_LIST)
    entries = by_name(result)
    assert list(entries) == ["Phi Hosting GmbH", "Chi Mail SAS", "Psi Signs Ltd", "Zeta Tools"]
    assert entries["Phi Hosting GmbH"].seat_country == "DE"
    assert entries["Chi Mail SAS"].seat_country == "FR"
    assert entries["Psi Signs Ltd"].seat_country == "IE"
    assert entries["Chi Mail SAS"].purpose == "E-Mail-Versand"
    assert entries["Zeta Tools"].seat_country is None  # no legal form, accepted because the list is of companies


NUMBERED_ITEMS_WITH_FIELDS = """\
## Anlage 2 – Unterauftragsverarbeiter

1. **Omega Host SAS**, 2 rue Exemple, 59100 Roubaix, Frankreich
   Leistung: Hosting der Plattform (Rechenzentrum Limburg, Deutschland)
2. **Beta Video Communications, Inc.**, 55 Example Boulevard, 6th Floor, San Jose, CA 95113, USA
   Leistung: Videointerviews
   Garantie: EU-U.S. Data Privacy Framework
3. **Gamma Flow, Inc.**
   Leistung: Automatisierung
"""


def test_numbered_items_with_indented_fields() -> None:
    _, result = run(NUMBERED_ITEMS_WITH_FIELDS)
    entries = by_name(result)
    assert list(entries) == ["Omega Host SAS", "Beta Video Communications, Inc.", "Gamma Flow, Inc."]
    omega = entries["Omega Host SAS"]
    assert (omega.seat_country, omega.processing_countries) == ("FR", ["DE"])
    beta = entries["Beta Video Communications, Inc."]
    assert (beta.seat_country, mech(beta)) == ("US", ["DPF"])
    assert entries["Gamma Flow, Inc."].purpose == "Automatisierung"


INLINE_KEY_VALUES = """\
## 4. Sub-processors

You authorise us to use the sub-processors below.

- Sub-processor: Delta Host SAS, Paris (France); Service: application hosting; Location: France; Safeguard: not required (EEA)
- Sub-processor: Epsilon Pay Ltd, London (United Kingdom); Service: direct debits; Location: United Kingdom; Safeguard: adequacy decision for the UK
- Sub-processor: Eta Mail, LLC (Postbox), Chicago (USA); Service: e-mail delivery; Location: United States; Safeguard: EU-U.S. Data Privacy Framework
"""


def test_inline_key_values_on_one_line() -> None:
    _, result = run(INLINE_KEY_VALUES)
    entries = by_name(result)
    assert list(entries) == ["Delta Host SAS", "Epsilon Pay Ltd", "Eta Mail, LLC (Postbox)"]
    assert (entries["Delta Host SAS"].seat_country, entries["Delta Host SAS"].processing_countries) == ("FR", ["FR"])
    assert mech(entries["Epsilon Pay Ltd"]) == ["ADEQUACY"]
    eta = entries["Eta Mail, LLC (Postbox)"]
    assert (eta.seat_country, eta.processing_countries, mech(eta)) == ("US", ["US"], ["DPF"])
    assert eta.purpose == "e-mail delivery"


SCC_ANNEX_III = """\
ANNEX I
A. LIST OF PARTIES
Data importer(s):
1. Name: Importer Software Inc.
Address: 1 Main Street, Boston, MA 02110, USA

ANNEX III
LIST OF SUB-PROCESSORS
The controller has authorised the use of the following sub-processors:
1. Name: Hotel Cloud Services LLC
Address: 410 Terry Ave N, Seattle, WA 98109, USA
Contact person's name, position and contact details: privacy@hotel.example
Description of processing (including a clear delimitation of responsibilities in case several sub-processors are authorised): Hosting in the region eu-central-1 (Frankfurt, Germany)
2. Name: India Mail Ltd
Address: 2 Kingsway, London WC2B 6NH, United Kingdom
Description of processing (including a clear delimitation of responsibilities): Transactional email delivery
"""


def test_eu_scc_annex_iii_numbered_fields_with_long_keys() -> None:
    _, result = run(SCC_ANNEX_III)
    entries = by_name(result)
    assert list(entries) == ["Hotel Cloud Services LLC", "India Mail Ltd"]  # the importer in Annex I is a party
    hotel = entries["Hotel Cloud Services LLC"]
    assert (hotel.seat_country, hotel.processing_countries) == ("US", ["DE"])
    assert hotel.purpose.startswith("Hosting in the region")
    assert entries["India Mail Ltd"].purpose == "Transactional email delivery"


HTML_CELLS_WITH_LINE_BREAKS = """<html><body>
<h2>Anlage 3: Genehmigte Unterauftragnehmer</h2>
<table>
<tr><th>Name und Anschrift des Unterauftragnehmers</th><th>Beschreibung der Teilleistungen</th><th>Ort der Leistungserbringung</th></tr>
<tr><td>Acme Rechenzentrum GmbH<br>Musterstraße 1<br>12345 Berlin</td><td>Hosting</td><td>Deutschland</td></tr>
<tr><td>Charlie Support Inc.<br>500 Main St<br>Austin, TX 78701, USA</td><td>Ticketsystem</td><td>USA*</td></tr>
</table>
<p>* Die Übermittlung erfolgt auf Grundlage der Standardvertragsklauseln.</p>
</body></html>"""


def test_html_cells_joined_without_commas_and_star_footnote(tmp_path: Path) -> None:
    path = tmp_path / "avv.html"
    path.write_text(HTML_CELLS_WITH_LINE_BREAKS, encoding="utf-8")
    doc = read_document(path)
    result = find_subprocessors(doc)
    check_spans(doc, result)
    entries = by_name(result)
    assert list(entries) == ["Acme Rechenzentrum GmbH", "Charlie Support Inc."]
    assert entries["Acme Rechenzentrum GmbH"].seat_country == "DE"
    charlie = entries["Charlie Support Inc."]
    assert (charlie.seat_country, mech(charlie), charlie.mechanism_scope) == ("US", ["SCC"], "footnote")
    assert result.document_mechanisms == []  # the footnote belongs to the list


MARKDOWN_TABLE_BRAND_AND_ESCAPED_STAR = """\
## Schedule 2 – Sub-processors

| Vendor | Function | Data location | Safeguards |
|---|---|---|---|
| Nova Search LLC | Analytics | USA | SCCs + DPF |
| Orion CRM, Inc.\\* | CRM | USA | |
| Sentinel (Pulsar Software, Inc.) | Error tracking | USA | DPF |
| **EU** | | | |
| Quanta Desk | Support | EU | n/a |

\\* Orion participates in the EU-U.S. Data Privacy Framework.
"""


def test_markdown_table_entity_in_brackets_group_rows_and_escaped_marker() -> None:
    _, result = run(MARKDOWN_TABLE_BRAND_AND_ESCAPED_STAR)
    entries = by_name(result)
    assert list(entries) == ["Nova Search LLC", "Orion CRM, Inc.", "Pulsar Software, Inc.", "Quanta Desk"]
    assert mech(entries["Nova Search LLC"]) == ["SCC", "DPF"]
    assert (mech(entries["Orion CRM, Inc."]), entries["Orion CRM, Inc."].mechanism_scope) == (["DPF"], "footnote")
    assert entries["Pulsar Software, Inc."].service == "Sentinel"
    assert entries["Quanta Desk"].processing_countries == ["EU"]


SPACED_TABLE = """\
Sub-processors

Sub-processor      Purpose          Location
Cargo Data Inc.    Analytics        United States
Delta Ops B.V.     Monitoring       Netherlands
"""


def test_space_aligned_table_from_pdf_text() -> None:
    _, result = run(SPACED_TABLE)
    entries = by_name(result)
    assert list(entries) == ["Cargo Data Inc.", "Delta Ops B.V."]
    assert entries["Cargo Data Inc."].processing_countries == ["US"]
    assert entries["Delta Ops B.V."].purpose == "Monitoring"


def test_name_field_with_bracketed_purpose_and_country() -> None:
    text = (
        "7. Unterauftragsverarbeiter\n"
        "7.1 Der Auftragnehmer setzt derzeit folgende Unterauftragsverarbeiter ein:\n"
        "Anbieter: Delta Hosting GmbH (Hosting, Deutschland)\n"
        "Anbieter: Echo Newsletter SAS (Newsletter-Versand, Frankreich)\n"
        "7.2 Der Auftraggeber kann innerhalb von 14 Tagen widersprechen.\n"
    )
    _, result = run(text)
    entries = by_name(result)
    assert list(entries) == ["Delta Hosting GmbH", "Echo Newsletter SAS"]
    assert (entries["Delta Hosting GmbH"].seat_country, entries["Delta Hosting GmbH"].purpose) == ("DE", "Hosting")
    assert entries["Echo Newsletter SAS"].seat_country == "FR"


def test_known_organisations_in_prose_merge_with_their_legal_entity() -> None:
    text = (
        "4. Sub-processors\n"
        "We use Mailchimp for newsletters and Google Analytics (Google Ireland Limited) to measure usage.\n"
    )
    _, result = run(text)
    entries = by_name(result)
    assert list(entries) == ["Mailchimp", "Google Ireland Limited"]
    assert entries["Google Ireland Limited"].service == "Google Analytics"
    assert entries["Mailchimp"].purpose == "newsletters"
    assert entries["Mailchimp"].seat_country is None  # registry data never fills what the text does not say


def test_footer_after_a_rule_is_not_an_entry() -> None:
    text = (
        "## Anlage 2 – Unterauftragsverarbeiter\n\n"
        "1. **Omega Host SAS**, 2 rue Exemple, 59100 Roubaix, Frankreich\n"
        "   Leistung: Hosting\n\n---\n\n"
        "Beispiel GmbH · Hohenzollernring 55 · 50672 Köln\n"
    )
    _, result = run(text)
    assert [e.name for e in result.entries] == ["Omega Host SAS"]


# --- prose -------------------------------------------------------------------------------

ENGLISH_PROSE = """\
5. Sub-processors

5.1 You give us general permission to use sub-processors.

5.2 We currently engage Iota Cloud EMEA Limited (Dublin, Ireland) to host the Service in its region in the Netherlands, and Kappa AI Ltd (Dublin, Ireland) to produce summaries, where prompts may be processed in the United States under the Standard Contractual Clauses.

5.3 Encrypted backups are stored with Lambda Backup, Inc. (San Mateo, California, USA) in its Amsterdam data centre.

5.4 Our resellers are not sub-processors; Mu Sales GmbH only handles contracts.
"""


def test_prose_mentions_in_a_section_without_list() -> None:
    _, result = run(ENGLISH_PROSE)
    entries = by_name(result)
    assert list(entries) == ["Iota Cloud EMEA Limited", "Kappa AI Ltd", "Lambda Backup, Inc."]
    iota = entries["Iota Cloud EMEA Limited"]
    assert (iota.seat_country, iota.processing_countries, iota.layout) == ("IE", ["NL"], "prose")
    kappa = entries["Kappa AI Ltd"]
    assert (kappa.processing_countries, mech(kappa)) == (["US"], ["SCC"])
    lam = entries["Lambda Backup, Inc."]
    assert (lam.seat_country, lam.processing_countries) == ("US", ["NL"])


GERMAN_SEMICOLON_PROSE = """\
Der Auftragnehmer setzt folgende Unterauftragsverarbeiter ein: Alpha Rechenzentrum GmbH, Berlin (Hosting); Beta Versand Ltd, Dublin, Irland (E-Mail-Versand); Gamma Analyse Inc. (USA) für Webanalyse.
Der Auftraggeber ist damit einverstanden.
"""


def test_semicolon_separated_prose_list() -> None:
    _, result = run(GERMAN_SEMICOLON_PROSE)
    entries = by_name(result)
    assert list(entries) == ["Alpha Rechenzentrum GmbH", "Beta Versand Ltd", "Gamma Analyse Inc."]
    assert entries["Beta Versand Ltd"].seat_country == "IE"
    assert entries["Gamma Analyse Inc."].seat_country == "US"


def test_prose_fallback_ignores_parties() -> None:
    text = (
        "Vertrag zwischen dem Kunden und der Delta Software GmbH (Auftragnehmer).\n"
        "Der Auftragnehmer (Delta Software GmbH) stellt die Plattform bereit.\n"
        "Die Speicherung erfolgt auf Servern des Unterauftragsverarbeiters Epsilon Hosting Inc.\n"
    )
    _, result = run(text)
    assert [e.name for e in result.entries] == ["Epsilon Hosting Inc."]


def test_prose_leaves_out_the_engaging_party() -> None:
    text = (
        "§ 4 Unterauftragsverhältnisse\n"
        "Die Pixelwerk GmbH setzt die Hetzner Online GmbH als Unterauftragsverarbeiter für das Hosting ein.\n"
    )
    _, result = run(text)
    assert [(e.name, e.purpose) for e in result.entries] == [("Hetzner Online GmbH", "Hosting")]


def test_single_name_bullets_after_an_intro() -> None:
    text = (
        "9. Unterauftragsverarbeiter\n"
        "Wir setzen folgende Unterauftragsverarbeiter ein:\n"
        "- Omega Online GmbH\n- Sigma Mail SAS\n- Tau Pay, Inc.\n"
        "- Hosting bei der Ypsilon Cloud GmbH in Falkenstein\n"
        "Der Auftraggeber stimmt zu.\n"
    )
    _, result = run(text)
    names = [e.name for e in result.entries]
    assert names == ["Omega Online GmbH", "Sigma Mail SAS", "Tau Pay, Inc.", "Ypsilon Cloud GmbH"]
    assert result.entries[-1].purpose == "Hosting bei der Ypsilon Cloud GmbH in Falkenstein"


# --- no list, clauses only ---------------------------------------------------------------


def test_clause_without_list_warns() -> None:
    text = (
        "3. Unterauftragsverarbeitung\n"
        "Der Auftragsverarbeiter wählt Unterauftragsverarbeiter sorgfältig aus.\n"
        "Reinigungs- und Wartungsleistungen stellen keine Unterauftragsverarbeitung dar.\n"
        "4. Drittländer\n"
        "Die Verarbeitung in Drittstaaten erfolgt nur auf Grundlage von Standardvertragsklauseln.\n"
    )
    _, result = run(text)
    assert result.entries == []
    assert result.warnings == [NO_LIST]
    assert [m.code for m in result.document_mechanisms] == ["SCC"]


def test_empty_document() -> None:
    _, result = run("Nichts zu sehen.\n")
    assert result.entries == [] and result.warnings == [NO_LIST] and result.annex is None


def test_regions_find_intro_without_headings() -> None:
    doc = Document("t", GERMAN_PIPE_TABLE.replace("§ 6 Unterauftragsverarbeiter\n", ""))
    kinds = [r.kind for r in find_regions(doc)]
    assert kinds and kinds[0] == "intro"
    result = find_subprocessors(doc)
    assert len(result.entries) == 5
    assert result.annex is not None and "Alpha Cloud GmbH" in result.annex.text


def test_data_list_in_a_region_is_not_taken_for_companies() -> None:
    text = (
        "Anlage 1 – Unterauftragsverarbeiter\n"
        "- Stammdaten: Name, Anschrift\n"
        "- Kommunikationsdaten: E-Mail\n"
        "- Der Auftragnehmer informiert über Änderungen.\n"
    )
    _, result = run(text)
    assert result.entries == []


# --- seeds, scored with the shared scorer ------------------------------------------------


def _scorer():
    spec = importlib.util.spec_from_file_location("dpa_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(path: Path) -> tuple[Document, dict]:
    doc = read_document(path)
    result = find_subprocessors(doc)
    check_spans(doc, result)
    subs = [
        {
            "name": e.name,
            "seat_country": e.seat_country,
            "processing_countries": e.processing_countries,
            "transfer_mechanisms": [m.code for m in e.mechanisms],
            "mechanism_scope": e.mechanism_scope,
            "purpose": e.purpose,
        }
        for e in result.entries
    ]
    return doc, {"document": doc.name, "processor": {"name": ""}, "subprocessors": subs}


@pytest.fixture(scope="module")
def seed_scores(seeds_dir: Path) -> dict:
    score = _scorer()
    rows = []
    for gold_path in sorted(SEED_GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        _, pred = _record(seeds_dir / f"{gold_path.stem}.txt")
        rows.append(score.score_doc(gold, pred))

    def f1(prefix: str) -> float:
        tp, fp, fn = (sum(r[f"{prefix}_{k}"] for r in rows) for k in ("tp", "fp", "fn"))
        return score.prf(tp, fp, fn)[2]

    return {"sub": f1("sub"), "country": f1("c"), "mech": f1("m"), "rows": rows}


def test_seed_subprocessor_f1(seed_scores: dict) -> None:
    misses = [m for r in seed_scores["rows"] for m in r["misses"] if "sub-processor" in m]
    assert seed_scores["sub"] >= 0.95, misses


def test_seed_country_f1(seed_scores: dict) -> None:
    assert seed_scores["country"] >= 0.90, [m for r in seed_scores["rows"] for m in r["misses"]]


def test_seed_mechanism_f1(seed_scores: dict) -> None:
    assert seed_scores["mech"] >= 0.85, [m for r in seed_scores["rows"] for m in r["misses"]]


def test_seed_001_details(seeds_dir: Path) -> None:
    doc = read_document(seeds_dir / "001_301a82f1cc115ebb.txt")
    result = find_subprocessors(doc)
    entries = by_name(result)
    assert "HOSTINGER operations, UAB" in entries and entries["HOSTINGER operations, UAB"].processing_countries == [
        "LT",
        "CY",
    ]
    assert entries["Hetzner Online GmbH"].service == "Hetzner"
    assert entries["Google Cloud EMEA Ltd."].mechanism_scope == "footnote"
    assert mech(entries["Airtable, Inc."]) == ["DPF", "SCC"]
    assert result.document_mechanisms == []


def test_seed_000_document_mechanisms_stay_off_entries(seeds_dir: Path) -> None:
    doc = read_document(seeds_dir / "000_1aa964885db78eae.txt")
    result = find_subprocessors(doc)
    assert {m.code for m in result.document_mechanisms} == {"ADEQUACY", "SCC", "BCR"}
    assert all(e.mechanisms == [] for e in result.entries)
    names = [e.name for e in result.entries]
    assert names.count("Meta Platforms Ireland Limited") == 1
    assert not any("Copyright" in n or "Innovation" in n for n in names)


def test_seeds_exist() -> None:
    assert SEEDS.is_dir()


# --- statements about one entry outside the list (notes, seat sentences, clauses) --------

KV_OTHER_KEYS = """\
Anlage 2 – Unterauftragsverhältnisse

Auftragnehmer: Wolkenhaus Rechenzentren GmbH
Anschrift: Industriering 4, 04103 Leipzig
Art der Leistung: Hosting der Zeiterfassungsdaten
Serverstandort: Leipzig, Deutschland
Drittlandtransfer: nein

Auftragnehmer: Quillmark Software Inc.
Anschrift: 200 Pine Street, Denver, CO 80202, USA
Art der Leistung: Ticketsystem
Serverstandort: USA
Drittlandtransfer: ja
Garantien: Standardvertragsklauseln
"""


def test_key_value_blocks_with_contractor_keys_and_repeated_safeguard_keys():
    _, result = run(KV_OTHER_KEYS)
    entries = by_name(result)
    assert list(entries) == ["Wolkenhaus Rechenzentren GmbH", "Quillmark Software Inc."]
    assert entries["Wolkenhaus Rechenzentren GmbH"].seat_country == "DE"
    quill = entries["Quillmark Software Inc."]
    assert quill.seat_country == "US" and quill.processing_countries == ["US"]
    assert mech(quill) == ["SCC"]


SEAT_SENTENCES_DE = """\
## Welche Dienstleister setzen wir ein?

Wir setzen die folgenden Unterauftragsverarbeiter ein:

| Dienstleister | Zweck |
| --- | --- |
| Talvik Metrics OÜ | Webanalyse |
| Sonnhalde Versand GmbH & Co. KG | Newsletter |
| Fjordlys Analytics AS | Reichweitenmessung |

Talvik Metrics ist ein Unternehmen aus Estland. Sonnhalde Versand hat ihren Sitz in Freiburg im \
Breisgau; die Server stehen in Frankfurt am Main. Fjordlys Analytics AS hat seinen Sitz in Norwegen.
"""

SEAT_SENTENCES_EN = """\
Sub-processors. We currently use the following sub-processors:

| Provider | Purpose |
| --- | --- |
| Harrowgate Mail Ltd | Transactional e-mail |
| Pinecrest Logs, Inc. | Log management |

Harrowgate Mail is based in the United Kingdom. Pinecrest Logs, Inc. is headquartered in Canada and \
customer logs are stored in the Netherlands.
"""


def test_seat_sentences_after_a_two_column_table_german():
    _, result = run(SEAT_SENTENCES_DE)
    entries = by_name(result)
    assert entries["Talvik Metrics OÜ"].seat_country == "EE"
    sonn = entries["Sonnhalde Versand GmbH & Co. KG"]
    assert sonn.seat_country == "DE" and sonn.processing_countries == ["DE"]
    assert entries["Fjordlys Analytics AS"].seat_country == "NO"


def test_seat_sentences_after_a_two_column_table_english():
    _, result = run(SEAT_SENTENCES_EN)
    entries = by_name(result)
    assert entries["Harrowgate Mail Ltd"].seat_country == "GB"
    pine = entries["Pinecrest Logs, Inc."]
    assert pine.seat_country == "CA" and pine.processing_countries == ["NL"]


NOTE_ON_ENTRY_DE = """\
Der Auftragnehmer setzt folgende Unterauftragnehmer ein:
1. Lindgrün Hosting GmbH, Gartenweg 3, 50667 Köln – Hosting
2. Pebblecast Ltd., 5 Harbour Street, Dublin 2, Irland – CRM

Hinweis zu Nr. 2: Die Daten werden in Rechenzentren in Deutschland gespeichert; die \
Muttergesellschaft in den USA kann im Supportfall zugreifen, gestützt auf das EU-U.S. Data Privacy Framework.
"""

NOTE_ON_ENTRY_EN = """\
The Processor engages the following sub-processors:
1. Ravenholt Cloud B.V., Keizersgracht 1, Amsterdam, Netherlands – hosting
2. Slatebridge Support Ltd, 3 Mill Lane, Leeds LS1 4AB, United Kingdom – helpdesk

Note on item 1: backups are kept in Germany; remote support from Canada relies on the adequacy decision for Canada.
"""


def test_note_on_an_entry_number_is_no_entry_but_adds_to_that_entry_german():
    _, result = run(NOTE_ON_ENTRY_DE)
    entries = by_name(result)
    assert list(entries) == ["Lindgrün Hosting GmbH", "Pebblecast Ltd."]
    pebble = entries["Pebblecast Ltd."]
    assert pebble.seat_country == "IE"
    assert set(pebble.processing_countries) == {"DE", "US"}
    assert mech(pebble) == ["DPF"]
    assert entries["Lindgrün Hosting GmbH"].processing_countries == []


def test_note_on_an_entry_number_is_no_entry_but_adds_to_that_entry_english():
    _, result = run(NOTE_ON_ENTRY_EN)
    entries = by_name(result)
    assert list(entries) == ["Ravenholt Cloud B.V.", "Slatebridge Support Ltd"]
    raven = entries["Ravenholt Cloud B.V."]
    assert set(raven.processing_countries) == {"DE", "CA"}
    assert mech(raven) == ["ADEQUACY"]


PROSE_CLAUSES = """\
5. Sub-processing
The Processor engages the following sub-processors: Cobaltline Hosting S.A. (Luxembourg) for hosting, \
Mossbank, Inc. (United States) for customer support, and Tally (Orbitwise Software, Inc., USA) for error \
monitoring. Customer Data is hosted by Cobaltline in Ireland. Mossbank is certified under the EU-U.S. \
Data Privacy Framework. The Processor also uses its affiliate Karoo Digital (Pty) Ltd for support.
"""


def test_prose_clauses_tie_places_and_mechanisms_to_the_named_entry():
    _, result = run(PROSE_CLAUSES)
    entries = by_name(result)
    assert entries["Cobaltline Hosting S.A."].seat_country == "LU"
    assert entries["Cobaltline Hosting S.A."].processing_countries == ["IE"]
    assert mech(entries["Mossbank, Inc."]) == ["DPF"]
    assert entries["Orbitwise Software, Inc."].seat_country == "US"
    assert "Karoo Digital (Pty) Ltd" in entries


ENTITY_COUNTRY_TABLE = """\
## Schedule 3 – List of Sub-processors

| Entity Name | Entity Country | Processing Location | Services Performed |
|---|---|---|---|
| Orchid Search B.V. | Netherlands | Germany and the Netherlands | Search cluster hosting |
| Tallpine Cloud LLC | United States | United States, Ireland | Infrastructure |
"""

UNTERAUFTRAG_ORTE = """\
Anlage 3 – Unterauftragnehmer

| Unterauftragnehmer | Leistung | Ort der Datenverarbeitung |
|---|---|---|
| Birkenau Scan GmbH, 79098 Freiburg | Digitalisierung | Deutschland und Österreich |
| Ostwind Archiv AG, 01067 Dresden | Archivierung | Deutschland, Polen |
"""


def test_entity_country_column_is_the_seat_and_cells_hold_several_places():
    _, result = run(ENTITY_COUNTRY_TABLE)
    entries = by_name(result)
    assert entries["Orchid Search B.V."].seat_country == "NL"
    assert entries["Orchid Search B.V."].processing_countries == ["DE", "NL"]
    assert entries["Tallpine Cloud LLC"].seat_country == "US"
    assert entries["Tallpine Cloud LLC"].processing_countries == ["US", "IE"]


def test_german_postcode_town_is_the_seat_and_cells_hold_several_places():
    _, result = run(UNTERAUFTRAG_ORTE)
    entries = by_name(result)
    assert entries["Birkenau Scan GmbH"].seat_country == "DE"
    assert entries["Birkenau Scan GmbH"].processing_countries == ["DE", "AT"]
    assert entries["Ostwind Archiv AG"].processing_countries == ["DE", "PL"]


# --- grid tables with wrapped cells ------------------------------------------------------

GRID_TABLE_DE = """\
Anlage 3 – Genehmigte Unterauftragsverhältnisse

+--------------------------------+----------------------+----------------------+
| Unterauftragnehmer (Name,      | Leistung             | Ort der              |
| Rechtsform, Sitz)              |                      | Datenverarbeitung    |
+================================+======================+======================+
| Nordwall Rechenzentrum GmbH,   | Hosting der          | Deutschland          |
| 20095 Hamburg                  | Archivdaten          |                      |
+--------------------------------+----------------------+----------------------+
| Bergquell Akten- und           | Fernwartung          | Deutschland,         |
| Datenservice GmbH, 70173       |                      | Schweiz              |
| Stuttgart                      |                      |                      |
+--------------------------------+----------------------+----------------------+
| Alpensicht Data SA, 1003       | Backup               | Schweiz              |
| Lausanne, Schweiz              |                      |                      |
+--------------------------------+----------------------+----------------------+
"""

BOX_TABLE_EN = """\
Annex 3 – Approved sub-processors

┌──────────────────────────┬──────────────────┬──────────────────┐
│ Sub-processor (name,     │ Service          │ Processing       │
│ address)                 │                  │ location         │
├──────────────────────────┼──────────────────┼──────────────────┤
│ Greyfell Hosting Ltd,    │ Hosting          │ United Kingdom   │
│ 4 Dock Road, Leeds       │                  │                  │
│ LS1 4AB, United Kingdom  │                  │                  │
├──────────────────────────┼──────────────────┼──────────────────┤
│ Marlow Analytics, Inc.,  │ Analytics        │ United States,   │
│ Austin, TX 78701, USA    │                  │ Ireland          │
└──────────────────────────┴──────────────────┴──────────────────┘
"""


def test_grid_table_with_wrapped_cells_german():
    _, result = run(GRID_TABLE_DE)
    entries = by_name(result)
    assert list(entries) == [
        "Nordwall Rechenzentrum GmbH",
        "Bergquell Akten- und Datenservice GmbH",
        "Alpensicht Data SA",
    ]
    assert entries["Nordwall Rechenzentrum GmbH"].seat_country == "DE"
    assert entries["Nordwall Rechenzentrum GmbH"].purpose == "Hosting der Archivdaten"
    assert entries["Bergquell Akten- und Datenservice GmbH"].processing_countries == ["DE", "CH"]
    assert entries["Alpensicht Data SA"].seat_country == "CH"


def test_box_drawing_table_with_wrapped_cells_english():
    _, result = run(BOX_TABLE_EN)
    entries = by_name(result)
    assert list(entries) == ["Greyfell Hosting Ltd", "Marlow Analytics, Inc."]
    assert entries["Greyfell Hosting Ltd"].seat_country == "GB"
    assert entries["Marlow Analytics, Inc."].seat_country == "US"
    assert entries["Marlow Analytics, Inc."].processing_countries == ["US", "IE"]


UG_ITEMS = """\
Der Auftragnehmer setzt folgende Unterauftragnehmer ein:
1. Lindgrün Hosting GmbH, Gartenweg 3, 50667 Köln – Hosting
2. Feldchat UG (haftungsbeschränkt), Domplatz 2, 50667 Köln – Live-Chat
"""


def test_ug_haftungsbeschraenkt_keeps_its_bracket_and_address():
    _, result = run(UG_ITEMS)
    entries = by_name(result)
    assert entries["Feldchat UG (haftungsbeschränkt)"].seat_country == "DE"


# --- rule-separated key-value records, place-heavy name cells, seat sentences --------------------


def test_key_value_records_between_rules_de() -> None:
    text = (
        "Anlage 3 – Unterauftragsverhältnisse\n\nStand: 01.02.2026\n\n"
        "----------------------------------------\n"
        "Auftragnehmer:     Wolkenhaus Rechenzentren GmbH\n"
        "Anschrift:         Beispielweg 3, 04109 Leipzig, Deutschland\n"
        "Art der Leistung:  Hosting der Plattform\n"
        "Serverstandort:    Leipzig, Deutschland\n"
        "----------------------------------------\n"
        "Auftragnehmer:     Quillmail Ltd\n"
        "Anschrift:         Leeds, Vereinigtes Königreich\n"
        "Art der Leistung:  E-Mail-Versand\n"
        "Garantien:         Angemessenheitsbeschluss für das Vereinigte Königreich\n"
        "----------------------------------------\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert set(found) == {"Wolkenhaus Rechenzentren GmbH", "Quillmail Ltd"}
    assert found["Wolkenhaus Rechenzentren GmbH"].seat_country == "DE"
    assert found["Quillmail Ltd"].seat_country == "GB"
    assert [m.code for m in found["Quillmail Ltd"].mechanisms] == ["ADEQUACY"]


def test_key_value_records_between_rules_en() -> None:
    text = (
        "Annex 3 – Sub-processors\n\nLast reviewed: 1 February 2026\n\n"
        "========================================\n"
        "Provider:    Harbourline Hosting B.V.\n"
        "Address:     Kade 12, 1011 AB Amsterdam, Netherlands\n"
        "Purpose:     Infrastructure hosting\n"
        "========================================\n"
        "Provider:    Pinecall Inc.\n"
        "Address:     100 Main Street, Austin, TX 78701, USA\n"
        "Purpose:     Telephony\n"
        "========================================\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert set(found) == {"Harbourline Hosting B.V.", "Pinecall Inc."}
    assert found["Pinecall Inc."].seat_country == "US"


def test_name_cell_with_postcode_town_is_kept() -> None:
    text = (
        "Anlage 2 – Unterauftragnehmer\n\n"
        "| Unterauftragnehmer | Leistung | Ort |\n| --- | --- | --- |\n"
        "| Kasse eG, 90402 Nürnberg | Buchhaltungsexport | Nürnberg, Deutschland |\n"
        "| Bergdruck GmbH, 80331 München | Druck | München, Deutschland |\n"
    )
    _, result = run(text)
    assert {"Kasse eG", "Bergdruck GmbH"} <= set(by_name(result))


def test_seat_sentences_with_country_after_town_de() -> None:
    text = (
        "Wir setzen folgende Unterauftragsverarbeiter ein:\n\n"
        "| Dienstleister | Leistung |\n| --- | --- |\n"
        "| Rastwerk GmbH & Co. KG | Newsletter |\n| Lumo Net d.o.o. | CDN |\n\n"
        "Die Rastwerk GmbH & Co. KG hat ihren Sitz in Kleinhausen, Deutschland. "
        "Lumo Net d.o.o. ist in Maribor, Slowenien ansässig; wir nutzen nur die europäischen Edge-Standorte.\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert found["Rastwerk GmbH & Co. KG"].seat_country == "DE"
    assert found["Lumo Net d.o.o."].seat_country == "SI"
    assert "EU" in found["Lumo Net d.o.o."].processing_countries


def test_acronym_names_the_entry_en() -> None:
    text = (
        "5.2 The Processor uses these Subprocessors: Northwind Cloud Services Ltd (United Kingdom) for hosting "
        "and Pebble Support Inc. (United States) for ticketing.\n\n"
        "Databases sit in the NCS Frankfurt (Germany) region.\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert "DE" in found["Northwind Cloud Services Ltd"].processing_countries


@pytest.mark.parametrize(
    "header, cell, code",
    [
        ("Übermittlung", "SCC (Modul 3)", "SCC"),
        ("Transfer", "SCCs + TIA", "SCC"),
        ("Datenübermittlung", "DPF-zertifiziert", "DPF"),
        ("Transfers outside the EEA", "EU-US DPF", "DPF"),
        ("Absicherung", "Art. 46 Abs. 2 lit. c DSGVO", "SCC"),
        ("Transfer", "adequacy (UK)", "ADEQUACY"),
        ("Schutzmaßnahmen", "BCR", "BCR"),
    ],
)
def test_transfer_column_in_many_forms(header: str, cell: str, code: str) -> None:
    text = (
        "Annex 3 – Sub-processors\n\n"
        f"| Name | Country | Service | {header} |\n| --- | --- | --- | --- |\n"
        f"| Orbit Relay Inc. | US | Messaging | {cell} |\n"
        "| Kiln Hosting GmbH | DE | Hosting | – |\n"
    )
    _, result = run(text)
    assert [m.code for m in by_name(result)["Orbit Relay Inc."].mechanisms] == [code]


def test_country_list_cell_gives_seat_and_places() -> None:
    text = (
        "Anlage 3 – Unterauftragsverarbeiter\n\n"
        "| Name | Land | Leistung |\n| --- | --- | --- |\n"
        "| Kiln Hosting GmbH | AT, DE | Hosting |\n| Orbit Relay Inc. | US | Versand |\n"
    )
    _, result = run(text)
    kiln = by_name(result)["Kiln Hosting GmbH"]
    assert kiln.seat_country == "AT"
    assert kiln.processing_countries == ["AT", "DE"]


@pytest.mark.parametrize(
    "marker, definition",
    [
        ("ᵃ", "ᵃ EU-US DPF certified."),
        ("⁽ᵃ⁾", "⁽ᵃ⁾ Data Privacy Framework."),
        (" (a)", "(a) EU-US DPF."),
        ("*)", "*) Zertifiziert nach dem EU-US Data Privacy Framework."),
        (" 1)", "1) DPF."),
    ],
)
def test_footnote_marker_shapes(marker: str, definition: str) -> None:
    text = (
        "Annex 3 – Sub-processors\n\n"
        "| Entity | Country | Service |\n| --- | --- | --- |\n"
        f"| Orbit Relay Inc.{marker} | US | Messaging |\n| Kiln Hosting GmbH | DE | Hosting |\n\n"
        f"{definition}\n"
    )
    _, result = run(text)
    orbit = by_name(result)["Orbit Relay Inc."]
    assert [(m.code, m.scope) for m in orbit.mechanisms] == [("DPF", "footnote")]


def test_item_lines_name_address_nature_location_en() -> None:
    text = (
        "Annex 3 – Sub-processors\n\nThe Processor engages the following sub-processors:\n\n"
        "Harbourline Hosting B.V. – Kade 12, 1011 AB Amsterdam, Netherlands – Hosting – Netherlands\n"
        "Pinecall Inc. – 100 Main Street, Austin, TX 78701, USA – Telephony – United States\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert found["Harbourline Hosting B.V."].seat_country == "NL"
    assert found["Pinecall Inc."].seat_country == "US"
    assert found["Pinecall Inc."].purpose == "Telephony"


def test_item_lines_firm_street_town_country_service_de() -> None:
    text = (
        "Anlage 3 – Unterauftragsverarbeiter\n\nDer Auftragnehmer setzt folgende Unterauftragsverarbeiter ein:\n\n"
        "- Kiln Hosting GmbH, Hafenstraße 1, 20457 Hamburg, Deutschland: Hosting\n"
        "- Orbit Relay Inc., 1 Market St, San Francisco, CA 94105, USA: Versand. Die Übermittlung erfolgt "
        "auf Grundlage von Standardvertragsklauseln.\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert found["Kiln Hosting GmbH"].seat_country == "DE"
    assert [m.code for m in found["Orbit Relay Inc."].mechanisms] == ["SCC"]


def test_html_definition_list(tmp_path: Path) -> None:
    page = tmp_path / "subs.html"
    page.write_text(
        "<html><body><h2>Annex 3 – Sub-processors</h2><p>We use these sub-processors:</p>"
        "<dl><dt>Kiln Hosting Ltd</dt><dd>Address: 1 Dock Road, Dublin 2, Ireland</dd><dd>Purpose: Hosting</dd>"
        "<dt>Orbit Relay Inc.</dt><dd>Messaging</dd><dd>United States</dd><dd>Standard Contractual Clauses</dd>"
        "</dl><h2>Other terms</h2><p>None.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(page)
    found = by_name(find_subprocessors(doc))
    assert found["Kiln Hosting Ltd"].seat_country == "IE"
    assert [m.code for m in found["Orbit Relay Inc."].mechanisms] == ["SCC"]
    assert "US" in found["Orbit Relay Inc."].processing_countries


def test_item_name_comma_address_colon_service_de() -> None:
    text = (
        "Anlage 3 – Unterauftragsverarbeiter\n\n"
        "Brise Support OÜ, Narva mnt 5, 10117 Tallinn, Estland: Kundensupport\n"
        "Kiln Hosting GmbH, Hafenstraße 1, 20457 Hamburg: Hosting\n"
        "Lauks Dati SIA, Brīvības iela 1, Riga, Lettland: Datensicherung\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert found["Brise Support OÜ"].seat_country == "EE"
    assert found["Brise Support OÜ"].purpose == "Kundensupport"
    assert found["Lauks Dati SIA"].seat_country == "LV"


def test_item_purpose_bracket_with_location_and_mechanism_en() -> None:
    text = (
        "Annex 3 – Sub-processors\n\n"
        "Orbit Relay Inc., 1 Market St, San Francisco, CA 94105, USA: messaging (location: United States; SCC)\n"
        "Kiln Hosting GmbH, Hafenstraße 1, 20457 Hamburg, Germany: hosting\n"
    )
    _, result = run(text)
    orbit = by_name(result)["Orbit Relay Inc."]
    assert orbit.purpose == "messaging"
    assert orbit.processing_countries == ["US"]
    assert [m.code for m in orbit.mechanisms] == ["SCC"]


@pytest.mark.parametrize(
    "sentence",
    [
        "We have concluded the Standard Contractual Clauses with Orbit Relay.",
        "Mit Orbit Relay bestehen Standardvertragsklauseln.",
        "Orbit Relay relies on the Standard Contractual Clauses.",
        "Die Übermittlung an Orbit Relay erfolgt auf Grundlage von Standardvertragsklauseln.",
    ],
)
def test_mechanism_stated_in_prose_about_one_entry(sentence: str) -> None:
    text = (
        "Annex 3 – Sub-processors\n\n"
        "| Entity | Country | Service |\n| --- | --- | --- |\n"
        "| Orbit Relay Inc. | USA | Messaging |\n| Kiln Hosting GmbH | Germany | Hosting |\n\n"
        f"{sentence}\n"
    )
    _, result = run(text)
    found = by_name(result)
    assert [m.code for m in found["Orbit Relay Inc."].mechanisms] == ["SCC"]
    assert found["Kiln Hosting GmbH"].mechanisms == []


# --- lower-case brand names closed by a legal form ------------------------------------------

LOWER_TABLE_DE = """\
Anlage 3 – Unterauftragsverarbeiter

| Firma | Anschrift | Leistung |
|---|---|---|
| plusserver GmbH | Hohenzollernring 72, 50672 Köln | Hosting |
| rapidmail GmbH | Wentzingerstraße 21, 79106 Freiburg | E-Mail-Versand |
| 1&1 Versatel GmbH | Wanheimer Str. 90, 40468 Düsseldorf | Netzanbindung |
"""

LOWER_BULLETS_EN = """\
Annex 3 – Sub-processors

The Processor engages the following sub-processors:

- monday.com Ltd., 6 Yitzhak Sadeh St., Tel Aviv, Israel: project management
- n8n GmbH, Borsigstraße 27, 10115 Berlin, Germany: workflow automation
- e-shelter facility services GmbH, Eschborner Landstraße 100, 60489 Frankfurt, Germany: data centre
"""

LOWER_PROSE_DE = """\
Anlage 3 Unterauftragsverarbeiter

Der Auftragnehmer setzt folgende Unterauftragsverarbeiter ein: sipgate GmbH (Telefonie); \
easyname GmbH (Domains); seven communications GmbH & Co. KG (SMS-Versand).
"""

LOWER_PROSE_ARTICLES_DE = """\
Anlage 3 Unterauftragsverarbeiter

Der Auftragnehmer setzt als Unterauftragsverarbeiter die rapidmail GmbH (Newsletter) und die \
plusserver GmbH (Hosting) ein.
"""

LOWER_PROSE_EN = """\
Annex 3 Sub-processors

The Processor uses the following sub-processors: plusserver GmbH (hosting); sipgate GmbH \
(telephony); monday.com Ltd. (project management).
"""

LOWER_BLOCKS_EN = """\
Annex 3 – Sub-processors

Name: rapidmail GmbH
Address: Wentzingerstraße 21, 79106 Freiburg, Germany
Service: newsletter dispatch

Name: plusserver GmbH
Address: Hohenzollernring 72, 50672 Cologne, Germany
Service: hosting
"""

HEADER_LINE_DE = """\
Anlage 3 – Unterauftragsverarbeiter

Firma, Anschrift, Land: Leistung
- sipgate GmbH, Gladbacher Str. 74, 40219 Düsseldorf, Deutschland: Telefonie
- easyname GmbH, Canettistraße 5/10, 1100 Wien, Österreich: Domains
"""

HEADER_LINE_EN = """\
Annex 3 – Sub-processors

Name, Address, Country: Service
- rapidmail GmbH, Wentzingerstraße 21, 79106 Freiburg, Germany: newsletter dispatch
- monday.com Ltd., 6 Yitzhak Sadeh St., Tel Aviv, Israel: project management
"""

LEAD_WORDS_DE = """\
Anlage 3 – Unterauftragsverarbeiter

- die rapidmail GmbH, Wentzingerstraße 21, 79106 Freiburg: Newsletter
- über die plusserver GmbH, Hohenzollernring 72, 50672 Köln: Hosting
"""


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (LOWER_TABLE_DE, ["plusserver GmbH", "rapidmail GmbH", "1&1 Versatel GmbH"]),
        (LOWER_BULLETS_EN, ["monday.com Ltd.", "n8n GmbH", "e-shelter facility services GmbH"]),
        (LOWER_PROSE_DE, ["sipgate GmbH", "easyname GmbH", "seven communications GmbH & Co. KG"]),
        (LOWER_PROSE_ARTICLES_DE, ["rapidmail GmbH", "plusserver GmbH"]),
        (LOWER_PROSE_EN, ["plusserver GmbH", "sipgate GmbH", "monday.com Ltd."]),
        (LOWER_BLOCKS_EN, ["rapidmail GmbH", "plusserver GmbH"]),
        (HEADER_LINE_DE, ["sipgate GmbH", "easyname GmbH"]),
        (HEADER_LINE_EN, ["rapidmail GmbH", "monday.com Ltd."]),
        (LEAD_WORDS_DE, ["rapidmail GmbH", "plusserver GmbH"]),
    ],
)
def test_lower_case_brand_names_with_a_legal_form_are_entries(text, names):
    _, result = run(text)
    assert [e.name for e in result.entries] == names


def test_lower_case_name_rules():
    from graph.extract.sub_fields import is_header_line
    from graph.extract.sub_names import cut_lead_words, looks_like_name, lower_case_entity

    assert lower_case_entity("rapidmail GmbH")
    assert not lower_case_entity("durch die rapidmail GmbH")
    assert not lower_case_entity("the hosting of our servers by sipgate GmbH")  # more than five tokens
    text = "durch die rapidmail GmbH"
    assert text[cut_lead_words(text) :] == "rapidmail GmbH"
    assert looks_like_name("n8n GmbH") and not looks_like_name("mit der GmbH")
    assert is_header_line("Firma, Anschrift, Land: Leistung")
    assert is_header_line("Name, Address, Country: Service")
    assert not is_header_line("sipgate GmbH, Gladbacher Str. 74, 40219 Düsseldorf: Telefonie")


@pytest.mark.parametrize(
    "stamp",
    ["List last updated: 3 March 2025", "Last modified: 2025-03-03", "Letzte Aktualisierung der Liste: 03.03.2025"],
)
def test_date_stamp_after_a_list_is_no_entry(stamp: str) -> None:
    text = (
        "Data Processing Agreement\n\n5. Sub-processors\n\nWe currently use the following sub-processors:\n\n"
        "- Nordlicht Hosting GmbH (Berlin, Germany) – server hosting\n"
        "- Quayside Mail Ltd (Dublin, Ireland) – email delivery\n\n"
        f"{stamp}\n\n6. Audits\n\nCustomer may audit us once a year.\n"
    )
    _, result = run(text)
    assert list(by_name(result)) == ["Nordlicht Hosting GmbH", "Quayside Mail Ltd"]
