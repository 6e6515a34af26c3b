"""Transfer mechanisms, footnotes and their scopes (graph.extract.mechanisms, footnotes)."""

from __future__ import annotations

import pytest
from sample_records import answer

from graph.build import DPAG, DPAMECH, build_graph
from graph.document import Document
from graph.export import record_to_json, validate
from graph.extract.footnotes import find_definitions, find_markers, strip_markers
from graph.extract.mechanisms import document_mechanisms, find_mechanisms, mask
from graph.extract.pipeline import extract_document
from graph.store import DPAStore


def _codes(text: str, short: bool = False) -> list[str]:
    out: list[str] = []
    for code, _, _ in find_mechanisms(text, short_forms=short):
        if code not in out:
            out.append(code)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("auf Basis des EU-US Data Privacy Framework (EU-DPF) bzw. Standardvertragsklauseln", ["DPF", "SCC"]),
        ("unter Einsatz des EU-DPF oder geeigneter SCC", ["DPF", "SCC"]),
        ("Standard Contractual Clauses (Module 3)", ["SCC"]),
        ("binding corporate rules approved under Art. 47 GDPR", ["BCR"]),
        ("gestützt auf einen Angemessenheitsbeschluss der EU-Kommission", ["ADEQUACY"]),
        ("Artikel 46 Absatz 2 Buchstabe c der DSGVO", ["SCC"]),
        ("EU-U.S. Data Privacy Framework²", ["DPF"]),
        ("Hosting", []),
    ],
)
def test_find_mechanisms(text: str, expected: list[str]) -> None:
    assert _codes(text) == expected


def test_short_forms_only_when_asked() -> None:
    assert _codes("Kanada (Adequacy)") == []
    assert _codes("Kanada (Adequacy)", short=True) == ["ADEQUACY"]
    assert _codes("USA – DPF and SCCs", short=True) == ["DPF", "SCC"]


def test_lapsing_mechanism_is_not_counted() -> None:
    text = "Zusätzlich gelten Standardvertragsklauseln, die bei einem Wegfall des Angemessenheitsbeschlusses greifen."
    assert _codes(text) == ["SCC"]
    assert _codes("Where there is no adequacy decision, the SCCs apply.") == ["SCC"]


@pytest.mark.parametrize(
    "text",
    [
        "Der EU-U.S. Privacy Shield ist seit dem Urteil des EuGH vom 16. Juli 2020 (C-311/18) keine zulässige Grundlage mehr.",
        "Die Übermittlung stützt sich nicht auf den EU-US Privacy Shield.",
        "The Processor does not rely on the EU-U.S. Privacy Shield, which the CJEU invalidated in July 2020.",
        "The Privacy Shield was invalidated by the Court of Justice on 16 July 2020.",
    ],
)
def test_a_mechanism_named_as_invalid_or_not_relied_on_is_not_counted(text: str) -> None:
    assert find_mechanisms(text) == []


def test_an_invalid_mechanism_relied_on_is_still_found() -> None:
    text = "Transfers to the US are based on the EU-U.S. Privacy Shield. It was certified in 2019."
    assert [code for code, _, _ in find_mechanisms(text)] == ["PRIVACY_SHIELD"]


def test_mask_blanks_mechanisms_keeping_offsets() -> None:
    text = "USA / EU-DPF"
    masked = mask(text, find_mechanisms(text))
    assert len(masked) == len(text)
    assert "DPF" not in masked and masked.startswith("USA")


def test_markers() -> None:
    assert [m.key for m in find_markers("USA¹")] == ["1"]
    assert [m.key for m in find_markers("EU / USA²")] == ["2"]
    assert [m.key for m in find_markers("Acme Inc.*")] == ["*"]
    assert [m.key for m in find_markers("Acme Inc. (1)")] == ["1"]
    assert [m.key for m in find_markers("Acme Inc. [2]")] == ["2"]
    assert [m.key for m in find_markers("Acme Inc.†")] == ["†"]
    assert find_markers("Server-Hosting (Web- & Mail-Server)") == []
    text = "San Francisco, USA¹"
    m = find_markers(text, 100)[0]
    assert (m.start, m.end) == (100 + text.index("¹"), 100 + text.index("¹") + 1)


def test_strip_markers() -> None:
    assert strip_markers("USA¹") == "USA"
    assert strip_markers("Acme Inc.*") == "Acme Inc."
    assert strip_markers("EU / USA²") == "EU / USA"


def test_footnote_definitions() -> None:
    text = (
        "| Name | Ort |\n| --- | --- |\n| Acme Inc. | USA¹ |\n| Beta Ltd | EU / USA² |\n"
        "¹ Übermittlung auf Basis von Standardvertragsklauseln.\n"
        "² Data Privacy Framework, sofern Daten in die USA gelangen.\n"
        "Weiterer Text.\n"
    )
    doc = Document("t", text)
    defs = find_definitions(doc, text.index("¹ Ü"))
    assert set(defs) == {"1", "2"}
    for span in defs.values():
        assert span.text == doc.text[span.start : span.end]
    assert defs["1"].text.startswith("¹ Übermittlung")


def test_footnote_definitions_stop_at_heading() -> None:
    text = "¹ Erste Fußnote mit SCC.\n# Anlage 4\n² Zweite Fußnote, die nicht mehr dazu gehört.\n"
    doc = Document("t", text)
    assert set(find_definitions(doc, 0)) == {"1"}


def test_document_mechanisms_need_transfer_context() -> None:
    text = (
        "4. Drittländer\n"
        "Die Verarbeitung darf in Drittstaaten erfolgen, sofern ein Angemessenheitsbeschluss vorliegt, "
        "Standardvertragsklauseln abgeschlossen sind oder verbindliche interne Datenschutzvorschriften bestehen.\n"
        "5. Sonstiges\n"
        "Die Parteien vereinbaren Schriftform.\n"
    )
    doc = Document("t", text)
    mechs = document_mechanisms(doc, [])
    assert [m.code for m in mechs] == ["ADEQUACY", "SCC", "BCR"]
    for m in mechs:
        assert m.scope == "document"
        assert m.evidence is not None and m.evidence.text == doc.text[m.evidence.start : m.evidence.end]
        assert "Drittstaaten" in m.evidence.text


def test_document_mechanisms_skip_excluded_spans() -> None:
    text = "Transfers to third countries rely on the SCCs.\n| Acme Inc. | USA | DPF |\n"
    doc = Document("t", text)
    row = text.index("| Acme")
    mechs = document_mechanisms(doc, [(row, len(text))])
    assert [m.code for m in mechs] == ["SCC"]


def test_document_mechanisms_in_english() -> None:
    text = (
        "Where a sub-processor processes personal data outside the EEA, the transfer relies on an adequacy "
        "decision or on the Standard Contractual Clauses.\n"
    )
    doc = Document("t", text)
    assert [m.code for m in document_mechanisms(doc, [])] == ["ADEQUACY", "SCC"]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("For transfers to the United States we rely on the EU-US Data Privacy Framework.", ["DPF"]),
        ("Transfers of personal data to the UK are based on the adequacy decision of the Commission.", ["ADEQUACY"]),
        ("Für Übermittlungen in die USA stützen wir uns auf die Standardvertragsklauseln.", ["SCC"]),
    ],
)
def test_document_clause_on_transfers_to_a_named_country(sentence: str, expected: list[str]) -> None:
    assert [m.code for m in document_mechanisms(Document("x", sentence), [])] == expected


# --- invalid or repealed mechanisms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zertifizierung des Anbieters nach dem EU-US Privacy Shield", ["PRIVACY_SHIELD"]),
        ("certified under the Safe Harbor Framework", ["SAFE_HARBOUR"]),
        ("Standardvertragsklauseln gemäß Beschluss 2010/87/EU", ["OLD_SCC"]),
        ("the 2004/915/EC standard contractual clauses", ["OLD_SCC"]),
        ("standard contractual clauses (Commission Decision 2001/497/EC)", ["OLD_SCC"]),
        ("Beschluss 2010/87 der Kommission", ["OLD_SCC"]),
        # the 2021 clauses replacing the old ones are still SCC
        ("SCC (2021/914), die die Standardvertragsklauseln 2010/87/EU ersetzen", ["SCC", "OLD_SCC"]),
    ],
)
def test_historic_mechanisms_are_found(text: str, expected: list[str]) -> None:
    assert _codes(text) == expected


PS_ONLY = """Auftragsverarbeitungsvertrag

§ 5 Drittländer
Eine Übermittlung in Drittländer erfolgt nur mit geeigneten Garantien nach Art. 44 ff. DSGVO.

Anlage 2 – Unterauftragsverarbeiter

| Unterauftragsverarbeiter | Anschrift | Leistung | Garantien |
| --- | --- | --- | --- |
| Tickethub Inc. | 1 Market Street, San Francisco, CA 94105, USA | Ticketsystem | EU-US Privacy Shield |
| Nordhost GmbH | Hafenstraße 1, 20457 Hamburg, Deutschland | Hosting | – |
"""


def test_privacy_shield_only_entry_has_no_mechanism_but_is_kept_for_the_graph() -> None:
    doc = Document(name="ps", text=PS_ONLY)
    record = extract_document(doc)
    entry = next(e for e in record.subprocessors if e.name.startswith("Tickethub"))
    assert [(m.code, m.scope, m.valid) for m in entry.mechanisms] == [("PRIVACY_SHIELD", "entry", False)]
    assert entry.mechanism_scope == "none"  # never counted as a transfer mechanism
    data = record_to_json(record)
    validate(data)
    exported = next(e for e in data["subprocessors"] if e["name"].startswith("Tickethub"))
    assert exported["transfer_mechanisms"] == [] and exported["mechanisms"] == []
    assert exported["mechanism_scope"] == "none"
    g = build_graph(record, doc.text)
    statements = list(g.subjects(DPAG.mechanism, DPAMECH.PRIVACY_SHIELD))
    assert len(statements) == 1
    assert g.value(statements[0], DPAG.scope) == DPAG.EntryScope


def test_privacy_shield_only_entry_counts_as_without_mechanism_in_the_question() -> None:
    doc = Document(name="ps", text=PS_ONLY)
    record = extract_document(doc)
    store = DPAStore(None)
    try:
        store.put(record, build_graph(record, doc.text, extractor_version="t"))
        rows = answer(store, "third-country-without-mechanism")
    finally:
        store.close()
    assert [(r["subprocessor"], r["third_countries"], r["document_wide_mechanisms"]) for r in rows] == [
        ("Tickethub Inc.", "US", "none")
    ]
