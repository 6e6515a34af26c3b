"""Clause facts: breach hours, objection days, governing law, special categories, document date —
each with its trap (authority deadline, notice period, conditional clause, …)."""

from __future__ import annotations

import json
import re

import pytest

from graph.document import Document
from graph.extract import clauses
from graph.readers import read_document


def _doc(text: str) -> Document:
    return Document(name="t", text=text)


def _value(fact):
    return fact.value if fact is not None else None


def _check(doc: Document, fact) -> None:
    assert fact is not None and fact.evidence is not None
    assert fact.evidence.text == doc.text[fact.evidence.start : fact.evidence.end]


# --- breach notification ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        (
            "§ 9 Meldung\nDer Auftragnehmer unterrichtet den Auftraggeber über Verletzungen des Schutzes "
            "personenbezogener Daten unverzüglich, spätestens innerhalb von 24 Stunden nach Kenntnis.",
            24,
        ),
        ("Datenschutzverletzungen meldet der Auftragnehmer dem Auftraggeber binnen 36 Std. nach Entdeckung.", 36),
        ("Der Auftragnehmer meldet dem Auftraggeber jede Datenpanne innerhalb von vierundzwanzig Stunden.", 24),
        (
            "The Processor shall notify the Controller of a Personal Data Breach without undue delay and in any "
            "event no later than seventy-two (72) hours after becoming aware of it.",
            72,
        ),
        ("Processor will notify Customer within 48 hours of becoming aware of a Security Incident.", 48),
        ("Der Auftragnehmer meldet dem Auftraggeber Datenschutzverletzungen innerhalb einer Stunde.", 1),
        ("Der Auftragnehmer zeigt dem Auftraggeber Datenpannen innerhalb einer 48-Stunden-Frist an.", 48),
    ],
)
def test_breach_hours(text, hours):
    doc = _doc(text)
    fact = clauses.breach_notification_hours(doc)
    assert _value(fact) == hours
    _check(doc, fact)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("Der Auftragnehmer meldet dem Auftraggeber Datenschutzverletzungen innerhalb von 2 Tagen.", 48),
        ("Processor shall notify Customer of a Personal Data Breach within one (1) week.", 168),
    ],
)
def test_breach_deadline_in_calendar_days_or_weeks_is_converted_to_hours(text, hours):
    doc = _doc(text)
    assert _value(clauses.breach_notification_hours(doc)) == hours


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "The Processor shall notify the Controller of a Personal Data Breach within three (3) business days "
            "after becoming aware of it.",
            "within three (3) business days after becoming aware",
        ),
        (
            "Der Auftragnehmer informiert den Auftraggeber über Datenschutzverletzungen spätestens innerhalb "
            "von zwei Werktagen nach Kenntnis.",
            "innerhalb von zwei Werktagen nach Kenntnis",
        ),
    ],
)
def test_breach_deadline_in_business_days_has_no_hours_but_keeps_the_phrase(text, phrase):
    doc = _doc(text)
    assert clauses.breach_notification_hours(doc) is None
    fact = clauses.breach_notification_text(doc)
    assert fact.value == phrase
    _check(doc, fact)


def test_authority_deadline_alone_is_not_the_processor_deadline():
    doc = _doc(
        "Der Auftragnehmer informiert den Auftraggeber unverzüglich über Verletzungen des Schutzes personenbezogener "
        "Daten. Sollte der Verantwortliche aufgrund verspäteter Information nicht in der Lage sein, seiner "
        "gesetzlichen Meldepflicht innerhalb von 72 Stunden nachzukommen, haftet der Auftragnehmer.\n"
    )
    assert clauses.breach_notification_hours(doc) is None
    text = clauses.breach_notification_text(doc)
    assert text.value == "unverzüglich"
    _check(doc, text)


def test_processor_and_authority_deadline_in_one_sentence():
    doc = _doc(
        "Der Auftragnehmer meldet dem Auftraggeber eine Verletzung des Schutzes personenbezogener Daten innerhalb "
        "von 36 Stunden, damit der Auftraggeber die Frist von 72 Stunden für die Meldung an die Aufsichtsbehörde "
        "einhalten kann.\n"
    )
    assert _value(clauses.breach_notification_hours(doc)) == 36


def test_english_authority_deadline_is_skipped():
    doc = _doc(
        "If we become aware of a personal data breach, we will notify you without undue delay, so that you can "
        "notify the supervisory authority within 72 hours where required.\n"
    )
    assert clauses.breach_notification_hours(doc) is None
    assert _value(clauses.breach_notification_text(doc)) == "without undue delay"


def test_controller_duty_towards_the_authority_is_not_the_processor_deadline():
    doc = _doc(
        "Der Auftraggeber muss Verletzungen des Schutzes personenbezogener Daten binnen 72 Stunden an die Aufsichtsbehörde melden."
    )
    assert clauses.breach_notification_hours(doc) is None


def test_restore_times_in_the_toms_are_not_breach_deadlines():
    doc = _doc("Anlage 1 – Technische und organisatorische Maßnahmen\nBackups werden binnen 48 Stunden eingespielt.\n")
    assert clauses.breach_notification_hours(doc) is None


def test_breach_text_without_hours():
    doc = _doc(
        "Insbesondere wird der Auftragnehmer etwaige Datenschutzverletzungen ohne schuldhaftes Zögern melden, damit "
        "der Verantwortliche seinen Meldepflichten nach Art. 33, 34 DSGVO nachkommen kann.\n"
    )
    fact = clauses.breach_notification_text(doc)
    assert fact.value == "ohne schuldhaftes Zögern"
    _check(doc, fact)


def test_breach_text_runs_to_the_hour_figure():
    doc = _doc(
        "Die Benachrichtigung über eine Verletzung des Schutzes personenbezogener Daten hat unverzüglich, in der "
        "Regel innerhalb von 24 Stunden nach Kenntniserlangung, zu erfolgen.\n"
    )
    assert clauses.breach_notification_text(doc).value == (
        "unverzüglich, in der Regel innerhalb von 24 Stunden nach Kenntniserlangung"
    )


# --- objection period ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        (
            "§ 7 Weitere Auftragsverarbeiter (Subunternehmer)\n- Der Auftraggeber hat das Recht, innerhalb von 14 "
            "Tagen nach Mitteilung über den Einsatz eines neuen Subunternehmers Einspruch zu erheben.",
            14,
        ),
        (
            "6. Sub-processors\n6.4 Customer may object to a new Sub-processor within thirty (30) days after the "
            "notice.",
            30,
        ),
        (
            "§ 7 Unterauftragsverarbeiter\n(2) Der Auftragnehmer kündigt neue Unterauftragsverarbeiter mindestens "
            "vier Wochen vor ihrem Einsatz an. Der Auftraggeber kann innerhalb dieser Frist widersprechen.",
            28,
        ),
        (
            "9. Unterauftragnehmer\nWenn der Auftraggeber nicht innerhalb von 14 Tagen nach Zugang der "
            "Benachrichtigung Einspruch erhebt, gilt sein Einspruchsrecht als erloschen.",
            14,
        ),
    ],
)
def test_objection_days(text, days):
    doc = _doc(text)
    fact = clauses.objection_days(doc)
    assert _value(fact) == days
    _check(doc, fact)


def test_a_notice_period_is_not_an_objection_period():
    doc = _doc(
        "§ 7 Subunternehmer\n- Änderungen werden mindestens 14 Tage vor Einsatz mitgeteilt, das Einspruchsrecht "
        "bleibt unberührt.\n- Bei einem Einspruch kann der Auftragnehmer die Leistung innerhalb einer Frist "
        "(mindestens 14 Tage) nach Einspruchszugang einstellen.\n"
        "The Processor gives at least 30 days' prior notice of new sub-processors; Customer may object.\n"
    )
    assert clauses.objection_days(doc) is None


def test_objection_outside_sub_processing_is_ignored():
    doc = _doc(
        "§ 10 Sonstiges\n- Der Auftragnehmer darf diese Vereinbarung anpassen. Der Auftraggeber wird mindestens "
        "vier Wochen vor Inkrafttreten informiert und hat das Recht, innerhalb dieser Frist Einspruch zu erheben.\n"
    )
    assert clauses.objection_days(doc) is None


# --- governing law ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("14.3 Diese Vereinbarung unterliegt deutschem Recht.", "DE"),
        ("- Es gilt deutsches Recht.", "DE"),
        ("11.1 Es gilt das Recht der Bundesrepublik Deutschland unter Ausschluss des UN-Kaufrechts.", "DE"),
        ("This Agreement shall be governed by the laws of the Federal Republic of Germany.", "DE"),
        ("10.2 This DPA is governed by the laws of Ireland.", "IE"),
        (
            "The Agreement is governed by the laws of the State of Texas. Notwithstanding that choice, this DPA is "
            "governed by the laws of the Netherlands.",
            "NL",
        ),
    ],
)
def test_governing_law(text, code):
    doc = _doc(text)
    fact = clauses.governing_law(doc)
    assert _value(fact) == code
    _check(doc, fact)


@pytest.mark.parametrize(
    "text",
    [
        "Ausschließlicher Gerichtsstand ist München.",
        "Transfers from Switzerland are governed by the SCCs with the adjustments required by Swiss law.",
        "Soweit nach deutschem Recht Aufbewahrungspflichten gelten, werden die Daten gesperrt.",
        "Der Gerichtsstand bestimmt sich nach dem Hauptvertrag.",
    ],
)
def test_no_governing_law(text):
    assert clauses.governing_law(_doc(text)) is None


# --- special categories -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Es werden ****keine besonderen Kategorien personenbezogener Daten im Sinne von Art. 9 DSGVO (wie z. B. "
            "Gesundheitsdaten) verarbeitet.",
            False,
        ),
        ("No special categories of personal data (Article 9 GDPR) are processed.", False),
        ("(3) Es werden besondere Kategorien personenbezogener Daten verarbeitet, namentlich Gesundheitsdaten.", True),
        (
            "Soweit die Übermittlung personenbezogene Daten umfasst, aus denen religiöse Überzeugungen hervorgehen, "
            "oder Daten über die Gesundheit enthalten (im Folgenden „sensible Daten“), wendet der Auftragnehmer "
            "zusätzliche Garantien an.",
            None,
        ),
        (
            "(2) Soweit Bewerbende freiwillig Angaben zu einer Schwerbehinderung machen, werden auch besondere "
            "Kategorien personenbezogener Daten im Sinne von Art. 9 Abs. 1 DSGVO verarbeitet.",
            True,
        ),
        ("Where Customer uploads sensitive data, Processor shall apply additional safeguards.", None),
        ("Der Auftragnehmer verarbeitet Kontaktdaten.", None),
        ("Besondere Kategorien personenbezogener Daten: keine", False),
        ("Sensible Daten werden ausschließlich verschlüsselt gespeichert.", None),
        ("Customer shall not submit special categories of personal data to the Services.", False),
    ],
)
def test_special_categories(text, value):
    doc = _doc(text)
    fact = clauses.special_categories(doc)
    assert _value(fact) == value
    if fact is not None:
        _check(doc, fact)


def test_sensitive_data_heading_answered_none():
    doc = _doc("Sensitive data transferred (if applicable)\nNone.\n\nNature of the processing\nHosting.\n")
    fact = clauses.special_categories(doc)
    assert _value(fact) is False
    _check(doc, fact)


def test_listed_health_data_means_special_categories():
    doc = _doc("Art der Daten\n- Stammdaten\n- Gesundheitsdaten (Diagnosen, Pflegegrad)\n")
    fact = clauses.special_categories(doc)
    assert _value(fact) is True
    _check(doc, fact)


# --- document date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Version 1.2 – Stand: Oktober 2025", "2025-10"),
        ("(Anlage 3 zum Hauptvertrag – Version 01.01.2025)", "2025-01-01"),
        ("Last updated: 3 March 2025", "2025-03-03"),
        ("Last updated: February 3, 2025", "2025-02-03"),
        ("Fassung 3.1 vom 1. März 2025", "2025-03-01"),
        ("Stand: 09/2024", "2024-09"),
        ("Stand: November 2025", "2025-11"),
        ("Version 01.01.2025", "2025-01-01"),
        ("Last updated: March 3, 2025", "2025-03-03"),
        ("Effective date: 2024-05-01", "2024-05-01"),
        ("Last updated: 15th January 2025", "2025-01-15"),
        ("Dated 1st of March 2025", "2025-03-01"),
        ("Stand 2025/03/01", "2025-03-01"),
        ("Version 3 – 15/01/2025", "2025-01-15"),  # day first (EU usage) …
        ("Effective as of 03/15/2025", "2025-03-15"),  # … unless only month first makes sense
        ("Gültig ab 31.02.2025", None),  # no such day
        ("Version 1.2", None),
        (
            "Für Übermittlungen gelten die Standardvertragsklauseln der Kommission in der Fassung vom 4. Juni 2021, "
            "soweit keine andere Garantie besteht und der Auftraggeber nicht widerspricht.",
            None,
        ),
    ],
)
def test_document_date(text, iso):
    doc = _doc(text)
    fact = clauses.document_date(doc)
    assert _value(fact) == iso
    if fact is not None:
        _check(doc, fact)


def test_document_dates_sort_like_the_dates():
    """Date-dependent rules compare the values as strings: ISO order must be date order."""
    texts = ["Stand: 15.01.2025", "Stand: 09/2024", "Last updated: March 3, 2025", "Stand: Februar 2025"]
    values = [clauses.document_date(_doc(t)).value for t in texts]
    assert sorted(values) == ["2024-09", "2025-01-15", "2025-02", "2025-03-03"]


# --- seeds --------------------------------------------------------------------------------

SCALARS = {
    "breach_notification_hours": clauses.breach_notification_hours,
    "subprocessor_objection_days": clauses.objection_days,
    "governing_law": clauses.governing_law,
    "special_categories_processed": clauses.special_categories,
}


def test_seed_scalars_match_gold(seeds_dir, seed_gold_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        gold = json.loads((seed_gold_dir / f"{path.stem}.json").read_text(encoding="utf-8"))
        doc = read_document(path)
        for key, finder in SCALARS.items():
            fact = finder(doc)
            assert _value(fact) == gold[key], (path.stem, key)
            if fact is not None:
                _check(doc, fact)
        text = clauses.breach_notification_text(doc)
        assert text is not None and text.value == gold["breach_notification_text"], path.stem


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("vierundzwanzig", 24),
        ("zweiundsiebzig", 72),
        ("fünfunddreißig", 35),
        ("einhundertzwanzig", 120),
        ("twenty-four", 24),
        ("seventy two", 72),
        ("one hundred and twenty", 120),
        ("sixteen", 16),
        ("eins", 1),
    ],
)
def test_number_words_are_composed(word, value):
    from graph.extract.clause_cues import number_pattern, number_value

    assert re.fullmatch(number_pattern(), word, re.IGNORECASE)
    assert number_value(word) == value


@pytest.mark.parametrize(
    ("text", "days"),
    [
        (
            "7. Sub-processors\n7.1 The Controller may object to the change within twenty (20) days of receipt.\n",
            20,
        ),
        (
            "7. Sub-processors\n7.1 The Controller may object in writing within ten (10) Business Days of the notice.\n",
            10,
        ),
        ("7. Sub-processors\n7.1 The Controller may object to a new sub-processor within twenty-two days.\n", 22),
        (
            "7. Sub-processors\n7.1 The Controller may object to a new sub-processor within two weeks of the notice.\n",
            14,
        ),
        (
            "§ 7 Unterauftragsverhältnisse\n(1) Der Auftraggeber kann der Änderung binnen zwei Wochen nach Zugang "
            "der Mitteilung widersprechen.\n",
            14,
        ),
        (
            "§ 7 Unterauftragsverhältnisse\n(1) Der Auftraggeber kann der Beauftragung eines neuen "
            "Unterauftragnehmers innerhalb von fünfunddreißig Tagen widersprechen.\n",
            35,
        ),
    ],
)
def test_objection_period_in_number_words(text, days):
    doc = _doc(text)
    fact = clauses.objection_days(doc)
    assert _value(fact) == days
    _check(doc, fact)


def test_objection_period_in_a_supplementary_schedule_beats_the_notice_period():
    doc = _doc(
        "Clause 7.7\nUse of sub-processors\n(a) The processor shall inform the controller of intended changes "
        "at least thirty (30) days in advance.\n\nSCHEDULE - SUPPLEMENTARY TERMS\n\n1. Objections. The controller "
        "may object to an intended change under Clause 7.7(a) within twenty (20) days of receiving the "
        "information.\n"
    )
    assert _value(clauses.objection_days(doc)) == 20
    german = _doc(
        "§ 6 Unterauftragsverhältnisse\nDer Auftragnehmer informiert den Auftraggeber vier Wochen vorab.\n\n"
        "§ 9 Ergänzende Regelungen\n\nEinwände gegen eine nach § 6 angekündigte Änderung kann der Auftraggeber "
        "binnen zehn Werktagen erheben.\n"
    )
    assert _value(clauses.objection_days(german)) == 10


def test_an_objection_to_instructions_elsewhere_is_no_objection_period():
    doc = _doc(
        "§ 6 Unterauftragsverhältnisse\nDer Auftragnehmer informiert den Auftraggeber vier Wochen vorab.\n\n"
        "§ 9 Weisungen\n\nDer Auftragnehmer kann einer Weisung binnen zehn Tagen widersprechen.\n"
    )
    assert clauses.objection_days(doc) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "ANNEX II\nSensitive data (if applicable):\n- Health data (sick notes, results of occupational health "
            "examinations)\n\nNature of the processing: storage\n",
            True,
        ),
        (
            "ANNEX I\nSensitive data transferred (if applicable) and applied restrictions or safeguards: Health data "
            "(medical history); access limited to medical staff.\n",
            True,
        ),
        ("ANNEX II\nSensitive data transferred (if applicable)\n\nNone\n", False),
        ("Anlage 1\nSensible Daten (falls zutreffend): Gesundheitsdaten (Arbeitsunfähigkeitsbescheinigungen)\n", True),
        (
            "Anlage 1\nBesondere Kategorien personenbezogener Daten (falls zutreffend):\n- Gesundheitsdaten\n"
            "- biometrische Daten\n",
            True,
        ),
        ("Anlage 1\nBesondere Kategorien personenbezogener Daten (falls zutreffend)\n\nentfällt\n", False),
        ("Anlage 1\nBesondere Kategorien personenbezogener Daten (falls zutreffend): keine\n", False),
    ],
)
def test_special_categories_from_an_annex_field(text, value):
    doc = _doc(text)
    fact = clauses.special_categories(doc)
    assert _value(fact) is value
    _check(doc, fact)


def test_special_categories_from_the_long_scc_annex_label():
    doc = _doc(
        "ANNEX II - DESCRIPTION OF THE PROCESSING\n\nCategories of personal data processed:\n- Appointment data\n\n"
        "Sensitive data processed (if applicable) and applied restrictions or safeguards that fully take into\n"
        "consideration the nature of the data and the risks involved, such as for instance strict purpose\n"
        "limitation, access restrictions (including access only for staff having followed specialised training),\n"
        "keeping a record of access to the data, restrictions for onward transfers or additional security measures:\n"
        "- Health data (results of hearing tests); access only for occupational physicians.\n\n"
        "Nature of the processing: hosting.\n\nANNEX IV - LIST OF SUB-PROCESSORS\n\n1. Name: Textbote B.V.\n"
        "Description of the processing: sends SMS reminders; no health data is transferred to it.\n"
    )
    fact = clauses.special_categories(doc)
    assert _value(fact) is True
    _check(doc, fact)
    none = _doc(
        "ANNEX II\n\nSensitive data processed (if applicable) and applied restrictions or safeguards that fully take "
        "into consideration the nature of the data and the risks involved, such as for instance strict purpose "
        "limitation, access restrictions or additional security measures: None.\n"
    )
    assert _value(clauses.special_categories(none)) is False
