"""Data categories and data subjects in every layout, with the traps (TOMs, purposes, missing lists)."""

from __future__ import annotations

import json

import pytest

from graph.document import Document
from graph.extract.datalists import find_data_categories, find_data_subjects
from graph.readers import read_document


def _doc(text: str) -> Document:
    return Document(name="t", text=text)


def _labels(items) -> list[str]:
    return [it.label for it in items]


def _check_spans(doc: Document, items) -> None:
    for it in items:
        assert it.evidence is not None
        assert it.evidence.text == doc.text[it.evidence.start : it.evidence.end]


def test_bullets_under_a_heading_with_examples_and_a_broken_item():
    doc = _doc(
        "§ 5 Art der personenbezogenen Daten\n\n"
        "5.1 Von der Auftragsverarbeitung sind insbesondere folgende Datenarten betroffen:\n\n"
        "  • Personenstammdaten (Name, Anrede, Geburtsdatum)\n\n"
        "  • Kontaktdaten (E-Mail-Adresse,\n    Telefonnummer)\n\n"
        "  • Kundenhistorie\n\n"
        "§ 6 Rechte und Pflichten\n6.1 Der Verantwortliche ist berechtigt, Weisungen zu erteilen.\n"
    )
    items, warnings = find_data_categories(doc)
    assert _labels(items) == [
        "Personenstammdaten (Name, Anrede, Geburtsdatum)",
        "Kontaktdaten (E-Mail-Adresse, Telefonnummer)",
        "Kundenhistorie",
    ]
    assert warnings == []
    _check_spans(doc, items)


def test_intro_with_a_stray_bullet_and_an_item_that_lost_its_bullet():
    doc = _doc(
        "Bei dem Kreis der von der Datenverarbeitung betroffenen Personen handelt es sich um: •\n\n"
        "Kunden und Endkunden des Auftraggebers\n\n"
        "- Interessenten und Leads des Auftraggebers\n"
        "- sonstige Personen, die über Kommunikationskanäle (z. B. Chat, Telefon, E-Mail,\n\n"
        "Formulare oder Terminbuchung) mit dem Auftraggeber in Kontakt treten\n\n"
        "Anlage 2 – Technische und organisatorische Maßnahmen\n- Alarmanlage\n"
    )
    items, _ = find_data_subjects(doc)
    assert _labels(items) == [
        "Kunden und Endkunden des Auftraggebers",
        "Interessenten und Leads des Auftraggebers",
        "sonstige Personen, die über Kommunikationskanäle (z. B. Chat, Telefon, E-Mail, Formulare oder "
        "Terminbuchung) mit dem Auftraggeber in Kontakt treten",
    ]
    _check_spans(doc, items)


def test_key_value_line_and_numbered_list():
    doc = _doc(
        "Betroffene: Kunden, Interessenten und Lieferanten\n\n"
        "Kategorien personenbezogener Daten\n1. Stammdaten: Name, Anschrift\n2. Vertragsdaten\n"
    )
    subjects, _ = find_data_subjects(doc)
    assert _labels(subjects) == ["Kunden", "Interessenten", "Lieferanten"]
    categories, _ = find_data_categories(doc)
    assert _labels(categories) == ["Stammdaten: Name, Anschrift", "Vertragsdaten"]


def test_table_column_under_a_heading():
    doc = _doc(
        "## Art der Daten\n\n"
        "| Datenkategorie | Beispiele |\n| --- | --- |\n"
        "| Identifikationsdaten | Name, Anschrift |\n| Bewerbungsunterlagen | Lebenslauf, Zeugnisse |\n\n"
        "## Weisungen\n"
    )
    items, _ = find_data_categories(doc)
    assert _labels(items) == ["Identifikationsdaten", "Bewerbungsunterlagen"]
    _check_spans(doc, items)


def test_key_value_table_row():
    doc = _doc("| Kategorien betroffener Personen | Mitarbeiter; Kunden; Lieferanten |\n")
    assert _labels(find_data_subjects(doc)[0]) == ["Mitarbeiter", "Kunden", "Lieferanten"]


def test_english_prose_list_with_and():
    doc = _doc(
        "2.2 The personal data processed are names, e-mail addresses and IP addresses.\n"
        "2.3 The data subjects are Customer's end users who visit Customer's websites, respondents to "
        "Customer's surveys, and Customer's own staff.\n"
    )
    categories, _ = find_data_categories(doc)
    assert _labels(categories) == ["names", "e-mail addresses", "IP addresses"]
    subjects, _ = find_data_subjects(doc)
    assert _labels(subjects) == [
        "Customer's end users who visit Customer's websites",
        "respondents to Customer's surveys",
        "Customer's own staff",
    ]


def test_semicolon_list_after_a_key():
    doc = _doc("Data subjects: your clients and their contact persons; your suppliers; you and your team.\n")
    assert _labels(find_data_subjects(doc)[0]) == [
        "your clients and their contact persons",
        "your suppliers",
        "you and your team",
    ]


def test_data_subjects_in_german_prose_over_several_sentences():
    doc = _doc(
        "Kategorien betroffener Personen sind vor allem Geschäftskontakte des Verantwortlichen ****bzw. Personen, "
        "die als Ansprechpartner fungieren. Ferner können betroffen sein: Interessenten und andere Personen, die "
        "angesprochen werden (z. B. Geschäftsführer). Darüber hinaus können in geringem Umfang auch Mitarbeiter "
        "des Verantwortlichen betroffen sein (etwa als Absender).\n"
    )
    items, _ = find_data_subjects(doc)
    assert _labels(items) == [
        "Geschäftskontakte des Verantwortlichen bzw. Personen, die als Ansprechpartner fungieren",
        "Interessenten und andere Personen, die angesprochen werden (z. B. Geschäftsführer)",
        "Mitarbeiter des Verantwortlichen",
    ]
    assert "****" not in items[0].label
    _check_spans(doc, items)


def test_comma_list_with_sowie_keeps_und_inside_items():
    doc = _doc(
        "2.3 Betroffen sind Ticketkäufer und Besucher, Abonnenten und Inhaber von Gutscheinen sowie "
        "Mitarbeitende des Auftraggebers, die die Plattform bedienen.\n"
    )
    assert _labels(find_data_subjects(doc)[0]) == [
        "Ticketkäufer und Besucher",
        "Abonnenten und Inhaber von Gutscheinen",
        "Mitarbeitende des Auftraggebers, die die Plattform bedienen",
    ]


def test_one_item_per_line_without_bullets():
    doc = _doc("Datenkategorien:\nName\nE-Mail-Adresse\nIP-Adresse\n\n§ 4 Weisungen\nText.\n")
    assert _labels(find_data_categories(doc)[0]) == ["Name", "E-Mail-Adresse", "IP-Adresse"]


def test_missing_list_gives_a_warning_and_no_items():
    doc = _doc(
        "Im Rahmen dieses Auftrags werden insbesondere folgende Kategorien personenbezogener Daten verarbeitet:\n"
        "Es werden keine besonderen Kategorien personenbezogener Daten im Sinne von Art. 9 DSGVO verarbeitet. "
        "Ebenso wenig werden Daten von Kindern verarbeitet.\n"
    )
    items, warnings = find_data_categories(doc)
    assert items == []
    assert warnings and "announced" in warnings[0]


def test_no_list_at_all_warns():
    items, warnings = find_data_subjects(_doc("Der Auftragnehmer verarbeitet Daten nur nach Weisung.\n"))
    assert items == [] and warnings


def test_purposes_toms_and_breach_contents_are_not_data_categories():
    doc = _doc(
        "Art der Verarbeitung:\nErheben, Speichern, Löschen\n\n"
        "Die Meldung enthält die betroffenen Datenkategorien und die ungefähre Zahl der Betroffenen.\n\n"
        "Anlage 2 – Technische und organisatorische Maßnahmen\n"
        "Art der Daten: Verschlüsselung, Zutrittskontrolle\n"
        "- Alarmanlage\n"
    )
    items, _ = find_data_categories(doc)
    assert items == []


def test_special_categories_paragraph_ends_the_list():
    doc = _doc(
        "(2) Betroffen sind:\n- Klienten des Auftraggebers\n- Angehörige\n"
        "(3) Es werden besondere Kategorien personenbezogener Daten verarbeitet, namentlich Gesundheitsdaten.\n"
    )
    assert _labels(find_data_subjects(doc)[0]) == ["Klienten des Auftraggebers", "Angehörige"]


def test_english_intro_sentence_and_asterisk_bullets():
    doc = _doc(
        "## 2. Personal data and data subjects\n\nThe personal data we process for you may include:\n\n"
        "* contact details of your clients (name, email address)\n* VAT ID and tax number\n\n"
        "Data subjects: your clients; your suppliers.\n"
    )
    assert _labels(find_data_categories(doc)[0]) == [
        "contact details of your clients (name, email address)",
        "VAT ID and tax number",
    ]


def test_checkbox_template_keeps_only_ticked_items():
    doc = _doc(
        "Art der Daten\n☒ Personenstammdaten\n☒ Kommunikationsdaten (z.B. Telefon, E-Mail)\n☐ Gesundheitsdaten\n"
        "☒ Vertragsdaten\n\nKreis der Betroffenen\n☒ Kunden\n☐ Beschäftigte\n☒ Interessenten\n"
    )
    assert _labels(find_data_categories(doc)[0]) == [
        "Personenstammdaten",
        "Kommunikationsdaten (z.B. Telefon, E-Mail)",
        "Vertragsdaten",
    ]
    assert _labels(find_data_subjects(doc)[0]) == ["Kunden", "Interessenten"]


def test_scc_annex_description_with_a_key_and_an_inner_colon():
    doc = _doc(
        "B. DESCRIPTION OF TRANSFER\nCategories of data subjects whose personal data is transferred\n"
        "Customer's employees, contractors, and end users.\n\nCategories of personal data transferred\n"
        "Types of Personal Data: The types of Personal Data are determined by Customer and may include: name, "
        "email address, IP address.\n"
    )
    assert _labels(find_data_subjects(doc)[0]) == ["Customer's employees", "contractors", "end users"]
    assert _labels(find_data_categories(doc)[0]) == ["name", "email address", "IP address"]


def test_numbered_list_that_looks_like_headings():
    doc = _doc(
        "3.2 Categories of Personal Data. Customer may submit the following categories of Personal Data:\n"
        "   1. First and last name\n   2. Contact information (company, email)\n   3. Connection data\n\n"
        "3.3 Special categories. Customer shall not submit special categories of personal data.\n"
    )
    assert _labels(find_data_categories(doc)[0]) == [
        "First and last name",
        "Contact information (company, email)",
        "Connection data",
    ]


def test_items_one_per_paragraph_after_an_intro():
    doc = _doc(
        "Folgende Datenarten werden verarbeitet:\n\nName\n\nE-Mail-Adresse\n\nIP-Adresse\n\n"
        "Der Auftragnehmer verarbeitet die Daten ausschließlich zur Erbringung der Leistungen und nach Weisung.\n"
    )
    assert _labels(find_data_categories(doc)[0]) == ["Name", "E-Mail-Adresse", "IP-Adresse"]


def test_a_bullet_inside_the_breach_contents_is_no_list_heading():
    doc = _doc("Die Meldung enthält:\n- Art der Verletzung\n- Kategorien der betroffenen Daten\n- Folgen\n")
    assert find_data_categories(doc)[0] == []


def test_parent_item_with_sub_bullets():
    doc = _doc("Art der Daten:\n- Kundendaten:\n  - Name\n  - Anschrift\n")
    assert _labels(find_data_categories(doc)[0]) == ["Kundendaten", "Name", "Anschrift"]


def test_reference_to_an_annex_is_no_list():
    doc = _doc("Art der Daten: siehe Anlage 1\n§ 4 Weisungen\nDer Auftragnehmer handelt nur nach Weisung.\n")
    items, warnings = find_data_categories(doc)
    assert items == [] and warnings


def test_seed_lists_match_gold(seeds_dir, seed_gold_dir):
    hits = total = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        gold = json.loads((seed_gold_dir / f"{path.stem}.json").read_text(encoding="utf-8"))
        doc = read_document(path)
        for finder, key in (
            (find_data_categories, "data_categories_verbatim"),
            (find_data_subjects, "data_subjects_verbatim"),
        ):
            items, _ = finder(doc)
            _check_spans(doc, items)
            labels = set(_labels(items))
            hits += sum(1 for g in gold[key] if g in labels)
            total += len(gold[key])
    assert hits / total >= 0.9


def test_html_page_with_question_headings_under_a_subprocessor_title(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<html><body><nav><a href="/">Home</a></nav><h1>Subprocessors and DPA terms</h1>\n'
        "<h3>What personal data we process</h3>\n"
        "<ul><li>Survey answers entered by participants (depending on the questions you add)</li>\n"
        "<li>Technical metadata (IP address, user agent)</li><li>Uploaded attachments</li></ul>\n"
        "<h3>Whose data</h3>\n<ul><li>Participants in your surveys</li><li>Users of your team account</li></ul>\n"
        "<h3>Security</h3><p>We encrypt everything.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(page)
    cats, _ = find_data_categories(doc)
    subs, _ = find_data_subjects(doc)
    assert _labels(cats) == [
        "Survey answers entered by participants (depending on the questions you add)",
        "Technical metadata (IP address, user agent)",
        "Uploaded attachments",
    ]
    assert _labels(subs) == ["Participants in your surveys", "Users of your team account"]
    _check_spans(doc, cats + subs)


@pytest.mark.parametrize(
    ("text", "cats", "subs"),
    [
        (
            "ANNEX 1\n\nTypes of Customer Personal Data: names, email addresses and IP addresses.\n",
            ["names", "email addresses", "IP addresses"],
            [],
        ),
        (
            "B. Description\n\nCategories of data subjects whose personal data is processed:\n- Patients\n- Staff\n\n"
            "Categories of personal data processed:\n- Identification data (name, date of birth)\n- Appointment data\n",
            ["Identification data (name, date of birth)", "Appointment data"],
            ["Patients", "Staff"],
        ),
        (
            "## Whose data is affected?\n\n- Website visitors\n- Newsletter subscribers\n\n"
            "## Which data do we process?\n\n- Contact details\n- Usage data\n",
            ["Contact details", "Usage data"],
            ["Website visitors", "Newsletter subscribers"],
        ),
        (
            "4. Personal Data\n\n4.1 The personal data we process on your behalf includes: account data (name, email), "
            "content you upload and usage logs.\n",
            ["account data (name, email)", "content you upload", "usage logs"],
            [],
        ),
        (
            "II. Umfang\n\nZu den verarbeiteten Daten gehören Kontaktdaten, Vertragsnummern, Bestell- und Lieferdaten "
            "sowie Gesprächsprotokolle.\n",
            ["Kontaktdaten", "Vertragsnummern", "Bestell- und Lieferdaten", "Gesprächsprotokolle"],
            [],
        ),
        (
            "Verarbeitet werden die folgenden personenbezogenen Daten der Kunden: Kontaktdaten, Vertragsnummern, "
            "Bestell-, Liefer- und Rechnungsdaten.\n",
            ["Kontaktdaten", "Vertragsnummern", "Bestell-, Liefer- und Rechnungsdaten"],
            [],
        ),
        (
            "2. Datenkategorien\n\n1. Kontaktdaten\n2. Telefonverbindungsdaten (Rufnummer, Dauer)\n\n"
            "III. Betroffene\n\nKunden – Interessenten – Lieferanten\n",
            ["Kontaktdaten", "Telefonverbindungsdaten (Rufnummer, Dauer)"],
            ["Kunden", "Interessenten", "Lieferanten"],
        ),
        (
            "§ 2 Datenkategorien\n\n- Stammdaten der Mieter\n- Zählerstände\n\n§ 3 Kreis der Betroffenen\n\n"
            "Mieter / Eigentümer / Hausverwaltungen\n\n§ 4 Pflichten\nText.\n",
            ["Stammdaten der Mieter", "Zählerstände"],
            ["Mieter", "Eigentümer", "Hausverwaltungen"],
        ),
    ],
)
def test_heading_wordings_and_separators(text, cats, subs):
    doc = _doc(text)
    found_cats, _ = find_data_categories(doc)
    found_subs, _ = find_data_subjects(doc)
    assert _labels(found_cats) == cats
    assert _labels(found_subs) == subs
    _check_spans(doc, found_cats + found_subs)


def test_gender_inclusive_forms_are_copied_and_matched():
    doc = _doc(
        "## Wessen Daten?\n\nBetroffene: Besucher:innen der Website / Kund:innen und Interessent:innen / "
        "Newsletter-Abonnent:innen / Mitarbeiter*innen des Auftraggebers\n\n## Sonstiges\nText.\n"
    )
    subs, _ = find_data_subjects(doc)
    assert _labels(subs) == [
        "Besucher:innen der Website",
        "Kund:innen und Interessent:innen",
        "Newsletter-Abonnent:innen",
        "Mitarbeiter*innen des Auftraggebers",
    ]
    assert all(it.concept for it in subs)
    assert subs[0].concept.endswith("#WebsiteVisitor")
    _check_spans(doc, subs)
    doc = _doc(
        "5. Betroffene Personen\n\n- Mitarbeiter*innen und Kund*innen\n- MitarbeiterInnen\n- Kund_innen\n\n6. Pflichten\n"
    )
    subs, _ = find_data_subjects(doc)
    assert _labels(subs) == ["Mitarbeiter*innen und Kund*innen", "MitarbeiterInnen", "Kund_innen"]
    assert all(it.concept for it in subs)
    doc = _doc("Kategorien betroffener Personen: Schüler:innen, Lehrer/-innen und Erziehungsberechtigte.\n")
    subs, _ = find_data_subjects(doc)
    assert _labels(subs) == ["Schüler:innen", "Lehrer/-innen", "Erziehungsberechtigte"]


@pytest.mark.parametrize(
    "body",
    [
        "<p>We process the following data:</p><ul><li>Poll answers</li><li>Voter metadata (IP address)</li></ul>"
        "<p>The people concerned are:</p><ul><li>Voters</li><li>Members of your team</li></ul>",
        "<p>We process the personal data that your respondents and your team enter into the service, in "
        "particular:</p><ul><li>Poll answers</li><li>Voter metadata (IP address)</li></ul>"
        "<p>This data relates to the following people:</p><ul><li>Voters</li><li>Members of your team</li></ul>",
        "<p><strong>What personal data we process</strong></p><ul><li>Poll answers</li><li>Voter metadata "
        "(IP address)</li></ul><p><strong>Categories of data subjects</strong></p><ul><li>Voters</li>"
        "<li>Members of your team</li></ul>",
    ],
)
def test_data_lists_on_a_page_titled_subprocessors(tmp_path, body):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h1>Subprocessors and terms</h1><h2>Terms</h2><h3>1. What we process and for whom</h3>"
        f"{body}<h3>2. Your instructions</h3><p>We follow them.</p><h2>Current subprocessors</h2>"
        "<table><tr><th>Subprocessor</th><th>Purpose</th></tr><tr><td>Hetzner Online GmbH</td><td>Hosting</td>"
        "</tr></table></body></html>",
        encoding="utf-8",
    )
    doc = read_document(page)
    cats, _ = find_data_categories(doc)
    subs, _ = find_data_subjects(doc)
    assert _labels(cats) == ["Poll answers", "Voter metadata (IP address)"]
    assert _labels(subs) == ["Voters", "Members of your team"]


def test_lists_inside_a_subprocessor_annex_stay_excluded():
    doc = _doc(
        "Anlage 3 – Unterauftragnehmer\n\n1. Hetzner Online GmbH\nDatenkategorien: Kontaktdaten, Logdaten\n\n"
        "2. Muster Mail GmbH\nBetroffene: Newsletter-Empfänger\n"
    )
    assert find_data_categories(doc)[0] == []
    assert find_data_subjects(doc)[0] == []


# --- fallback: unnamed data lists -------------------------------------------------------------


def test_unnamed_bullets_after_a_paragraph_about_personal_data():
    doc = _doc(
        "3. Scope of our work\n\n"
        "We handle personal data only to run the booking calendar for you. Depending on your settings, "
        "this involves:\n\n"
        "- Booking entries made by guests (date, time, party size)\n"
        "- Guest contact details (name, phone number)\n"
        "- Staff accounts of your team (name, login e-mail)\n\n"
        "The persons concerned are:\n\n- Guests\n- Staff members\n"
    )
    cats, _ = find_data_categories(doc)
    assert _labels(cats) == [
        "Booking entries made by guests (date, time, party size)",
        "Guest contact details (name, phone number)",
        "Staff accounts of your team (name, login e-mail)",
    ]
    _check_spans(doc, cats)


def test_unnamed_one_sentence_list_opened_by_verarbeitet_werden():
    doc = _doc(
        "II. Umfang\n\n"
        "1. Der Dienstleister übernimmt die Terminvergabe für die Praxis.\n\n"
        "2. Verarbeitet werden Namen, Geburtsdaten, Versichertennummern sowie Terminwünsche (Datum, Uhrzeit). "
        "Weitere Daten werden nicht erhoben.\n\n"
        "3. Betroffen sind Patientinnen und Patienten der Praxis.\n"
    )
    cats, _ = find_data_categories(doc)
    assert _labels(cats) == ["Namen", "Geburtsdaten", "Versichertennummern", "Terminwünsche (Datum, Uhrzeit)"]
    _check_spans(doc, cats)


def test_unnamed_list_fallback_ignores_subject_intros_and_plain_sentences():
    doc = _doc(
        "Vereinbarung\n\nVerarbeitet werden die Daten ausschließlich in Deutschland.\n\n"
        "Betroffen sind folgende Personengruppen:\n- Mitglieder\n- Trainer\n"
    )
    cats, _ = find_data_categories(doc)
    assert cats == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Biometric templates used for door access (fingerprint hashes). Restrictions: held on-site only.",
            ["Biometric templates used for door access (fingerprint hashes)"],
        ),
        ("Not applicable.", []),
        ("See Annex IV.", []),
    ],
)
def test_scc_sensitive_data_field_adds_its_value(value, expected):
    doc = _doc(
        "ANNEX I - DESCRIPTION OF THE TRANSFER\n\n"
        "Categories of personal data transferred:\n- Access logs\n- Employee names\n\n"
        "Sensitive data transferred (if applicable) and applied restrictions or safeguards:\n"
        f"{value}\n\nNature of the processing: access control.\n"
    )
    cats, _ = find_data_categories(doc)
    assert _labels(cats) == ["Access logs", "Employee names", *expected]
    _check_spans(doc, cats)
