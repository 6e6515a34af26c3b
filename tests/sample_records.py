"""Hand-built extraction records (and their texts) for the build, store, export, CLI and question tests.

Four small agreements whose expected answers are easy to work out by hand:
* A "Inexdu GmbH" (DE): Stripe, Inc. (US, only a document-wide clause), Hetzner (DE),
  Google Cloud EMEA (IE, processing EU + US, DPF by footnote); 24 h breach deadline; no Art. 9 data.
* B "Beta Analytics GmbH": Stripe Inc (US seat, nothing of its own), Supabase Inc. (SG, SCC in
  the entry); document-wide SCC; 48 h; special categories not stated.
* C "Gamma Corp." (US): IONOS SE (DE); no breach hours, only a phrase.
* D "Delta Care GmbH" (DE): no sub-processors (it says so); processes special categories, with
  safeguards; processing only in Germany; no breach deadline, but the notification content.
A and B also carry the authorisation model (general / specific), B cites the 2021 SCCs.
"""

from __future__ import annotations

from graph.model import ClauseFinding, ExtractionRecord, Fact, ListItem, Mechanism, Processor, Span, SubprocessorEntry
from service.questions import run

DPACAT = "https://w3id.org/dpagraph/vocab/data-categories#"
DPASUBJ = "https://w3id.org/dpagraph/vocab/data-subjects#"


def span(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), needle)


TEXT_A = """# Auftragsverarbeitungsvertrag

zwischen dem Kunden und der Inexdu GmbH, Hauptstraße 1, 10115 Berlin, Deutschland (BusinessBoost One).

§ 3 Weisungen
Der Auftragnehmer verarbeitet Daten nur auf dokumentierte Weisung.

§ 7 Meldung
Der Auftragnehmer meldet Verletzungen unverzüglich, spätestens innerhalb von 24 Stunden.

§ 8 Besondere Kategorien
Besondere Kategorien personenbezogener Daten werden nicht verarbeitet.

§ 9 Drittländer
Übermittlungen in Drittländer erfolgen auf Grundlage der Standardvertragsklauseln.

Datenkategorien:
- Stammdaten (Name, Anschrift)
- Kontaktdaten (E-Mail-Adresse)

Betroffene:
- Kunden

Anlage 2 – Unterauftragsverarbeiter
| Stripe, Inc. | 354 Oyster Point Blvd, USA | Zahlungen |
| Hetzner Online GmbH | Gunzenhausen, Deutschland | Hosting |
| Google Cloud EMEA Ltd. | Dublin, Irland | E-Mail¹ | EU, USA |
¹ Übermittlung in die USA auf Grundlage des EU-U.S. Data Privacy Framework.

Der Auftraggeber erteilt die allgemeine Genehmigung zum Einsatz von Unterauftragsverarbeitern.
"""


def record_a() -> tuple[ExtractionRecord, str]:
    t = TEXT_A
    row_stripe = "| Stripe, Inc. | 354 Oyster Point Blvd, USA | Zahlungen |"
    row_google = "| Google Cloud EMEA Ltd. | Dublin, Irland | E-Mail¹ | EU, USA |"
    record = ExtractionRecord(
        document="a_inexdu",
        language="de",
        source="corpus/a_inexdu.md",
        sha256="a" * 64,
        processor=Processor(
            name="Inexdu GmbH",
            country="DE",
            service="BusinessBoost One",
            evidence=span(t, "Inexdu GmbH"),
            service_evidence=span(t, "BusinessBoost One"),
            country_evidence=span(t, "Deutschland"),
        ),
        subprocessors=[
            SubprocessorEntry(
                name="Stripe, Inc.",
                seat_country="US",
                mechanisms=[Mechanism("SCC", "document", span(t, "Standardvertragsklauseln"))],
                purpose="Zahlungen",
                evidence=span(t, row_stripe),
                layout="table",
            ),
            SubprocessorEntry(
                name="Hetzner Online GmbH",
                seat_country="DE",
                processing_countries=["DE"],
                purpose="Hosting",
                evidence=span(t, "| Hetzner Online GmbH | Gunzenhausen, Deutschland | Hosting |"),
                layout="table",
            ),
            SubprocessorEntry(
                name="Google Cloud EMEA Ltd.",
                seat_country="IE",
                processing_countries=["EU", "US"],
                mechanisms=[Mechanism("DPF", "footnote", span(t, "EU-U.S. Data Privacy Framework"))],
                purpose="E-Mail",
                evidence=span(t, row_google),
                layout="table",
            ),
        ],
        transfer_mechanisms_document=[Mechanism("SCC", "document", span(t, "Standardvertragsklauseln"))],
        data_categories=[
            ListItem("Stammdaten (Name, Anschrift)", DPACAT + "master-data", span(t, "Stammdaten (Name, Anschrift)")),
            ListItem(
                "Kontaktdaten (E-Mail-Adresse)", DPACAT + "contact-data", span(t, "Kontaktdaten (E-Mail-Adresse)")
            ),
        ],
        data_subjects=[ListItem("Kunden", DPASUBJ + "customers", span(t, "Kunden", 1))],
        special_categories_processed=Fact(
            False, span(t, "Besondere Kategorien personenbezogener Daten werden nicht verarbeitet.")
        ),
        breach_notification_hours=Fact(24, span(t, "24 Stunden")),
        breach_notification_text=Fact(
            "unverzüglich, spätestens innerhalb von 24 Stunden",
            span(t, "unverzüglich, spätestens innerhalb von 24 Stunden"),
        ),
        subprocessor_authorisation=Fact(
            "general",
            span(t, "Der Auftraggeber erteilt die allgemeine Genehmigung zum Einsatz von Unterauftragsverarbeitern."),
        ),
        controller_identified=Fact(True, span(t, "zwischen dem Kunden und der Inexdu GmbH")),
        clauses=[
            ClauseFinding("R10", True, span(t, "Der Auftragnehmer verarbeitet Daten nur auf dokumentierte Weisung.")),
            ClauseFinding("R24", False, None),
        ],
    )
    return record, t


TEXT_B = """Data Processing Agreement of Beta Analytics GmbH

Personal data breaches are notified within 48 hours.
Transfers to third countries rely on the Standard Contractual Clauses.
Either party may object within 14 days.

Sub-processors:
- Stripe Inc (San Francisco, USA): payments
- Supabase Inc. (Singapore; data in Frankfurt, EU) – SCC Module 3: database

Each sub-processor needs the specific prior written authorisation of the controller.
"""


def record_b() -> tuple[ExtractionRecord, str]:
    t = TEXT_B
    return (
        ExtractionRecord(
            document="b_beta",
            language="en",
            source="b_beta.txt",
            sha256="b" * 64,
            processor=Processor(name="Beta Analytics GmbH", evidence=span(t, "Beta Analytics GmbH")),
            subprocessors=[
                SubprocessorEntry(
                    name="Stripe Inc",
                    seat_country="us",  # lower case on purpose: the graph and the JSON upper-case it
                    purpose="payments",
                    evidence=span(t, "Stripe Inc (San Francisco, USA): payments"),
                    layout="bullets",
                ),
                SubprocessorEntry(
                    name="Supabase Inc.",
                    seat_country="SG",
                    processing_countries=["EU"],
                    mechanisms=[Mechanism("SCC", "entry", span(t, "SCC Module 3"))],
                    purpose="database",
                    evidence=span(t, "Supabase Inc. (Singapore; data in Frankfurt, EU) – SCC Module 3: database"),
                    layout="bullets",
                ),
            ],
            transfer_mechanisms_document=[Mechanism("SCC", "document", span(t, "Standard Contractual Clauses"))],
            breach_notification_hours=Fact(48, span(t, "within 48 hours")),
            subprocessor_objection_days=Fact(14, span(t, "within 14 days")),
            subprocessor_authorisation=Fact("specific", span(t, "specific prior written authorisation")),
            cites_scc_2021=Fact(True, span(t, "SCC Module 3")),
        ),
        t,
    )


TEXT_C = """DPA — Gamma Corp., 1 Main Street, Austin, TX, USA

The processor informs the controller without undue delay of any breach.
German law governs this agreement.

Subprocessor: IONOS SE, Montabaur, Germany (hosting)
"""


def record_c() -> tuple[ExtractionRecord, str]:
    t = TEXT_C
    return (
        ExtractionRecord(
            document="c_gamma",
            language="en",
            source="c_gamma.html",
            sha256="c" * 64,
            processor=Processor(
                name="Gamma Corp.", country="US", evidence=span(t, "Gamma Corp."), country_evidence=span(t, "USA")
            ),
            subprocessors=[
                SubprocessorEntry(
                    name="IONOS SE",
                    seat_country="DE",
                    purpose="hosting",
                    evidence=span(t, "IONOS SE, Montabaur, Germany (hosting)"),
                    layout="prose",
                )
            ],
            breach_notification_text=Fact("without undue delay", span(t, "without undue delay")),
            governing_law=Fact("DE", span(t, "German law governs this agreement.")),
        ),
        t,
    )


TEXT_D = """Auftragsverarbeitung Delta Care GmbH
Es werden Gesundheitsdaten (Art. 9 DSGVO) verarbeitet. Der Zugriff darauf ist auf das Pflegeteam beschränkt.
Die Verarbeitung findet ausschließlich in Deutschland statt.
Der Auftragnehmer setzt keine Unterauftragsverarbeiter ein.
Die Meldung nennt die Art der Verletzung und die wahrscheinlichen Folgen.
"""


def record_d() -> tuple[ExtractionRecord, str]:
    t = TEXT_D
    return (
        ExtractionRecord(
            document="d_delta",
            language="de",
            sha256="d" * 64,
            processor=Processor(name="Delta Care GmbH", country="DE", evidence=span(t, "Delta Care GmbH")),
            special_categories_processed=Fact(True, span(t, "Es werden Gesundheitsdaten (Art. 9 DSGVO) verarbeitet.")),
            special_category_safeguards=Fact(True, span(t, "Der Zugriff darauf ist auf das Pflegeteam beschränkt.")),
            processing_restricted_to_eea=Fact(
                True, span(t, "Die Verarbeitung findet ausschließlich in Deutschland statt.")
            ),
            no_subprocessors_statement=Fact(
                True, span(t, "Der Auftragnehmer setzt keine Unterauftragsverarbeiter ein.")
            ),
            breach_notification_content=Fact(True, span(t, "Art der Verletzung und die wahrscheinlichen Folgen")),
            warnings=["no sub-processor list found"],
        ),
        t,
    )


ALL = (record_a, record_b, record_c, record_d)


def answer(store, name: str, **params) -> list[dict]:
    """A competency question's answer as plain dicts (variable -> value or None)."""
    result = run(store, name, params)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]
