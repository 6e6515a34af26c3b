"""The processor party: name, seat country and service, in German and English layouts and traps."""

from __future__ import annotations

import json

import pytest

from graph.document import Document
from graph.extract.language import detect_language
from graph.extract.parties import find_processor
from graph.readers import read_document


def _doc(text: str) -> Document:
    return Document(name="t", text=text)


def _check_spans(doc: Document, proc) -> None:
    for span in (proc.evidence, proc.country_evidence, proc.service_evidence):
        if span is not None:
            assert span.text == doc.text[span.start : span.end]


def test_label_block_with_dpo_address_after_the_seat():
    doc = _doc(
        "Vereinbarung zur Auftragsverarbeitung\n\n"
        "Verantwortlicher (Auftraggeber):\nMuster Handel AG\nHauptstraße 1\n10115 Berlin\n\n"
        "Auftragsverarbeiter (Auftragnehmer):\nBeispiel Software GmbH\nRingstraße 5\n80331 München\n"
        "Datenschutzbeauftragter: Dr. Eva Roth, Seestraße 9, 1010 Wien, Österreich\n\n"
        "§ 1 Gegenstand\nDer Auftragnehmer betreibt die Software „PlanIt Cloud“ für den Auftraggeber.\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Beispiel Software GmbH"
    assert proc.country == "DE"  # the DPO's Austrian address is not the seat
    assert proc.service == "PlanIt Cloud"
    assert "Wien" not in proc.country_evidence.text
    _check_spans(doc, proc)


def test_marker_block_with_the_controller_named_first():
    doc = _doc(
        "zwischen\n\nAlpha Handel GmbH\nAm Markt 3\n20095 Hamburg\n– nachstehend „Auftraggeber“ –\n\nund\n\n"
        "Beta Cloud GmbH\nVenloer Straße 2\n50667 Köln\n– nachstehend „Auftragnehmer“ –\n\n"
        "1. Gegenstand\nDer Auftragnehmer hostet die Plattform BetaDesk.\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Beta Cloud GmbH"
    assert proc.country == "DE"
    assert proc.service == "BetaDesk"
    _check_spans(doc, proc)


def test_brand_name_block_and_marker_after_a_blank_line():
    doc = _doc(
        "Dieser Vertrag wird geschlossen zwischen:\n\ndem jeweiligen Kunden\n(im Folgenden „Auftraggeber“)\n\nund\n\n"
        "Sternwerk (eine Marke von nordlicht)\nKirchweg 4\n77736 Zell a.H.\n\n"
        "(im Folgenden „Auftragnehmer“ oder „Auftragsverarbeiter“)\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Sternwerk (eine Marke von nordlicht)"
    assert proc.country == "DE"  # German postcode and town, no country word
    _check_spans(doc, proc)


def test_inline_definition_in_english_with_address():
    doc = _doc(
        "This Data Processing Agreement is entered into between the Customer and Acme Analytics Ltd, "
        '1 King Street, London EC2V 8AU, United Kingdom ("Processor").\n'
    )
    proc = find_processor(doc)
    assert proc.name == "Acme Analytics Ltd"
    assert proc.country == "GB"
    _check_spans(doc, proc)


def test_role_word_followed_by_the_name_in_brackets_has_no_country():
    doc = _doc("1.1 Der Auftragnehmer (Gamma Solutions GmbH) stellt dem Auftraggeber (Kunden) eine Software bereit.\n")
    proc = find_processor(doc)
    assert proc.name == "Gamma Solutions GmbH"
    assert proc.country is None
    _check_spans(doc, proc)


def test_legal_form_name_inside_a_sentence():
    doc = _doc(
        "Diese Vereinbarung gilt für Tätigkeiten, bei denen Beschäftigte der Omega IT GmbH "
        "(nachfolgend Auftragnehmer) Daten im Auftrag des Auftraggebers verarbeiten.\n"
    )
    assert find_processor(doc).name == "Omega IT GmbH"


def test_first_person_dpa_defines_the_processor_by_we():
    doc = _doc(
        'Zeta Labs B.V., Keizersgracht 1, 1015 CD Amsterdam, the Netherlands ("Zeta", "we", "us") provides the '
        'Zeta survey tool to the customer ("you", "Customer").\n'
    )
    proc = find_processor(doc)
    assert proc.name == "Zeta Labs B.V."
    assert proc.country == "NL"


def test_footer_is_the_last_resort_and_dpo_address_is_not_the_seat():
    doc = _doc(
        "Vereinbarung zur Auftragsverarbeitung\n\nDer Auftragsverarbeiter verarbeitet Daten nur nach Weisung.\n"
        "Datenschutzbeauftragter des Auftragsverarbeiters ist:\nHerr Max Kurz; Hauptstraße 1; 01067 Dresden\n\n"
        "© 2025 Deltaware. All rights reserved.\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Deltaware"
    assert proc.country is None
    _check_spans(doc, proc)


def test_brand_sentence_names_the_company_behind_the_brand():
    doc = _doc("Copyright 2025 by ShopStar, eine Marke der Epsilon Commerce GmbH. Alle Rechte vorbehalten\n")
    assert find_processor(doc).name == "Epsilon Commerce GmbH"


def test_name_line_with_address_is_cut_before_the_street():
    doc = _doc(
        "zwischen\n\nKunde GmbH, Bahnhofstr. 2, 60311 Frankfurt\n– Verantwortlicher –\n\nund\n\n"
        "Acme Software GmbH, Musterstraße 1, 12345 Berlin\n– Auftragsverarbeiter –\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Acme Software GmbH"
    assert proc.country == "DE"
    _check_spans(doc, proc)


def test_scc_annex_list_of_parties_names_the_importer_by_role():
    doc = _doc(
        'This DPA is entered into between Nimbus Data Inc. ("Nimbus") and the entity that accepts the Terms '
        '("Customer").\n\nANNEX I\nA. LIST OF PARTIES\nData exporter(s):\nName: The Customer\n'
        "Role (controller/processor): Controller\n\nData importer(s):\nName: Nimbus Data Inc.\n"
        "Address: 500 Howard Street, San Francisco, CA 94105, USA\nRole (controller/processor): Processor\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Nimbus Data Inc."
    assert proc.country == "US"
    _check_spans(doc, proc)


def test_short_name_definition_beside_the_customer():
    doc = _doc('This DPA is made between Orbit Labs Ltd ("Orbit") and the customer ("Customer").\n')
    assert find_processor(doc).name == "Orbit Labs Ltd"


def test_provider_lines_in_a_sub_processor_annex_are_not_the_processor():
    doc = _doc(
        "Der Auftragnehmer (Kappa Systems GmbH) erbringt die Leistungen.\n\n"
        "Anlage 2 – Unterauftragsverarbeiter\nAnbieter: Google Ireland Limited\nZweck: Hosting\n"
    )
    assert find_processor(doc).name == "Kappa Systems GmbH"


def test_nothing_found_gives_an_empty_processor():
    proc = find_processor(_doc("Allgemeine Hinweise ohne Vertragsparteien.\n"))
    assert proc.name is None and proc.country is None


def test_language_detection():
    assert detect_language("Der Auftragnehmer verarbeitet die Daten nur nach Weisung des Auftraggebers.") == "de"
    assert detect_language("The processor shall process the data only on documented instructions.") == "en"


def test_seed_processors_match_gold(seeds_dir, seed_gold_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        gold = json.loads((seed_gold_dir / f"{path.stem}.json").read_text(encoding="utf-8"))["processor"]
        doc = read_document(path)
        proc = find_processor(doc)
        assert proc.name == gold["name"], path.stem
        assert proc.country == gold["country"], path.stem
        _check_spans(doc, proc)


@pytest.mark.parametrize("stem", ["000_1aa964885db78eae", "001_301a82f1cc115ebb", "003_104bba0ebc8685c2"])
def test_seed_services(seeds_dir, seed_gold_dir, stem):
    gold = json.loads((seed_gold_dir / f"{stem}.json").read_text(encoding="utf-8"))["processor"]
    assert find_processor(read_document(seeds_dir / f"{stem}.txt")).service == gold["service"]


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        (
            "PARTIES\n\n(1) NORTHWIND ANALYTICS LTD, a company incorporated and registered in England and Wales "
            'with company number 09876543 (the "Processor"); and\n\n(2) the customer named in the Order Form '
            '(the "Controller").\n',
            "NORTHWIND ANALYTICS LTD",
            "GB",
        ),
        (
            "(1) NORTHWIND ANALYTICS, a company registered in England and Wales with company number 0987 "
            '(the "Processor"); and\n(2) the customer (the "Controller").\n',
            "NORTHWIND ANALYTICS",
            "GB",
        ),
        (
            "Dieser Vertrag wird geschlossen zwischen dem Kunden als Verantwortlichem und der Hafenblick "
            "Callcenter GmbH, nachfolgend „Auftragnehmer“ genannt.\n\n§ 1 Gegenstand\n",
            "Hafenblick Callcenter GmbH",
            None,
        ),
        (
            'between the customer (the "Customer") and Harbourlight Ltd, hereinafter referred to as the "Processor".\n',
            "Harbourlight Ltd",
            None,
        ),
        (
            "Die Hafenblick Callcenter GmbH – im Folgenden „Auftragnehmer“ – verarbeitet Daten im Auftrag des Kunden.\n",
            "Hafenblick Callcenter GmbH",
            None,
        ),
        (
            "# Auftragsverarbeitungsvertrag\n\n**Auftraggeber:** die Kundin laut Angebot\n\n"
            "**Auftragnehmer:** Pixelhof Grafik e.U., Lindengasse 4, 8010 Graz\n\n## Worum geht es?\nText.\n",
            "Pixelhof Grafik e.U.",
            "AT",
        ),
        (
            "Vereinbarung zwischen der Bergblick IT OG, Am Anger 2, 6020 Innsbruck (im Folgenden "
            "„Auftragsverarbeiter“) und dem Kunden (im Folgenden „Verantwortlicher“).\n",
            "Bergblick IT OG",
            "AT",
        ),
        (
            "Zwischen der Alpha GmbH, eingetragen im Handelsregister, und der Beta KG, mit Sitz in Köln "
            "(nachfolgend „Auftragnehmer“).\n",
            "Beta KG",
            "DE",
        ),
    ],
)
def test_appositions_trailing_designations_and_legal_forms(text, name, country):
    doc = _doc(text)
    proc = find_processor(doc)
    assert proc.name == name
    assert proc.country == country
    _check_spans(doc, proc)


@pytest.mark.parametrize(
    "name",
    [
        "Nordlicht Systems ApS",
        "Kettu Data Oy",
        "Tamm Tarkvara OÜ",
        "Lipa Razvoj d.o.o.",
        "Wisła Soft sp. z o.o.",
        "Canal Media S.L.",
        "Riva Dati S.r.l.",
        "Lac Léman Sàrl",
        "Polder Cloud N.V.",
        "Bachtal Software GmbH & Co. KG",
        "Teich Apps UG (haftungsbeschränkt)",
        "Hans Muster e.K.",
        "Gipfel Web KEG",
        "Harbour Advisory LLP",
        "Bay Tools LLC",
    ],
)
def test_legal_forms_of_many_countries_end_a_defined_name(name):
    doc = _doc(f'This Addendum is made between the customer ("Customer") and {name} ("Processor").\n')
    assert find_processor(doc).name == name


# --- fallback: organisation names scored by role words, position and frequency ---------------

_SUBS_EN = (
    "\n\n## Annex 3 – Sub-processors\n\nThe Processor engages the following sub-processors:\n\n| Name | Location |\n|---|---|\n"
    "| Cloudhaven Hosting Ltd | Ireland |\n| Mailrelay Systems Inc. | USA |\n"
)
_SUBS_DE = (
    "\n\n## Anlage 2 – Unterauftragsverarbeiter\n\nDer Auftragnehmer setzt folgende Unterauftragsverarbeiter ein:\n\n| Name | Sitz |\n|---|---|\n"
    "| Rechenwerk Hosting GmbH | Deutschland |\n| Postwolke Services AG | Schweiz |\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # title line
        (
            "Nordvik Analytics AB – Data Processing Agreement\n\nThe parties agree as follows.\n" + _SUBS_EN,
            "Nordvik Analytics AB",
        ),
        # "entered into by X and Y" with the controller named too
        (
            "Data Processing Addendum\n\nThis addendum is entered into by the Customer, Meridian Foods Ltd, "
            "and the provider of the platform, Quillstone Software ApS.\n" + _SUBS_EN,
            "Quillstone Software ApS",
        ),
        # "provided by X"
        (
            "Terms for processing\n\nThe booking service is provided by Harbourline Digital GmbH & Co. KG "
            "to business users.\n" + _SUBS_EN,
            "Harbourline Digital GmbH & Co. KG",
        ),
        # signature block, controller signs too
        (
            "Agreement on personal data\n\nClauses apply.\n\nSigned for the Controller: Brightfield Retail plc\n\n"
            "Signed for the Processor: ORBITAL DATA LIMITED\n" + _SUBS_EN,
            "ORBITAL DATA LIMITED",
        ),
        # German: "Auftragsverarbeitung der X GmbH" and footer
        (
            "Hinweise zur Auftragsverarbeitung der Tannhof Systeme GmbH\n\nDer Kunde bleibt Verantwortlicher.\n"
            + _SUBS_DE
            + "\n\nTannhof Systeme GmbH · Impressum · Datenschutz\n",
            "Tannhof Systeme GmbH",
        ),
        # German: "Anbieter: X" outside the list; Kunde is named with a legal form too
        (
            "Vertrag über die Verarbeitung im Auftrag\n\nKunde ist die Feldmann Bau KG. Anbieter ist die "
            "Lindgrün Cloud UG (haftungsbeschränkt), die wir im Folgenden vertreten.\n" + _SUBS_DE,
            "Lindgrün Cloud UG (haftungsbeschränkt)",
        ),
    ],
)
def test_fallback_names_the_processor_not_controller_or_subprocessor(text, expected):
    doc = _doc(text)
    proc = find_processor(doc)
    assert proc.name == expected
    _check_spans(doc, proc)


def test_fallback_never_picks_a_listed_subprocessor_or_the_controller_alone():
    doc = _doc(
        "Auftragsverarbeitung\n\nDer Auftraggeber, die Sonnberg Möbel GmbH, beauftragt die Verarbeitung.\n" + _SUBS_DE
    )
    assert not find_processor(doc).name


def test_lower_case_processor_in_a_label_block():
    doc = _doc(
        "Vereinbarung zur Auftragsverarbeitung\n\n"
        "Verantwortlicher (Auftraggeber):\nMuster Handel AG\nHauptstraße 1\n10115 Berlin\n\n"
        "Auftragsverarbeiter (Auftragnehmer):\nsipgate GmbH\nGladbacher Str. 74\n40219 Düsseldorf\n\n"
        "§ 1 Gegenstand\n"
    )
    proc = find_processor(doc)
    assert proc.name == "sipgate GmbH"
    _check_spans(doc, proc)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Diese Vereinbarung gilt für Tätigkeiten, bei denen Beschäftigte der rapidmail GmbH "
            "(nachfolgend Auftragnehmer) Daten im Auftrag des Auftraggebers verarbeiten.\n",
            "rapidmail GmbH",
        ),
        (
            "This Data Processing Agreement is entered into between the Customer and monday.com Ltd. "
            '("Processor"), 6 Yitzhak Sadeh St., Tel Aviv, Israel.\n',
            "monday.com Ltd.",
        ),
    ],
)
def test_lower_case_processor_inside_a_sentence_loses_its_leading_function_words(text, name):
    doc = _doc(text)
    proc = find_processor(doc)
    assert proc.name == name
    _check_spans(doc, proc)


def test_role_word_with_pronouns_marks_the_processor_after_its_address():
    doc = _doc(
        "DATA PROCESSING ADDENDUM\n\n"
        'Pelican Ridge Ltd., 12 Orchard Row, Bristol BS1 4DJ, United Kingdom ("Supplier", "we", "us") '
        'offers the Ledgerly bookkeeping service to the customer ("Customer").\n\n'
        "1. Sub-processors\n\n"
        "The Supplier engages Harbour Freight AB (Sweden) for parcel delivery.\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Pelican Ridge Ltd."
    assert proc.country == "GB"
    _check_spans(doc, proc)


def test_a_seat_in_brackets_is_not_a_defined_short_name():
    doc = _doc(
        "Data Processing Agreement\n\nCustomer: the customer identified in the order form\n\n"
        'Ledgerly Cloud GmbH\nHafenweg 12\n20457 Hamburg\nGermany\n– hereinafter "Ledgerly" –\n\n'
        "1. Scope\n\n1.1 Ledgerly processes personal data on behalf of Customer.\n\n"
        "2. Sub-processors\n\nLedgerly engages Harbour Freight AB (Sweden) for customer support chat.\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Ledgerly Cloud GmbH"  # not 'Harbour Freight AB ("Sweden")'


def test_number_first_street_in_a_party_block_is_not_a_heading():
    doc = _doc(
        "# Ledgerly – Data Processing Agreement\n\n"
        "Controller: the entity that has accepted the Ledgerly Terms of Service\n\n"
        "Bluegate Analytics Corp.\n26 Pier Road\nSan Francisco, CA 94105\nUnited States\n"
        '– hereinafter "Processor" –\n\n'
        "## Clause 1. Scope\n\n1.1 The Processor processes personal data on behalf of the Controller.\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Bluegate Analytics Corp."  # '26 Pier Road' is no heading that ends the block
    assert proc.country == "US"
    _check_spans(doc, proc)


def test_labels_of_a_sub_processor_list_are_no_party_block():
    doc = _doc(
        "Vereinbarung zur Auftragsverarbeitung\n\n"
        "Zwischen dem Kunden (nachfolgend „Auftraggeber“) und der Kranbahn Logistik GmbH, Hafenstraße 3, "
        "20457 Hamburg (nachfolgend „Auftragnehmer“) wird folgende Vereinbarung geschlossen.\n\n"
        "Abschnitt B – Einsatz weiterer Auftragsverarbeiter\n\n"
        "B.1 Der Auftragnehmer setzt derzeit die folgenden Unterauftragnehmer ein:\n\n"
        "Dienstleister: Wolkenfels Rechenzentrum GmbH\nSitz: Frankfurt am Main\nZweck: Hosting\n"
    )
    proc = find_processor(doc)
    assert proc.name == "Kranbahn Logistik GmbH"
    _check_spans(doc, proc)
