"""Document: lines with offsets, sections from the heading styles DPAs use, trimmed spans."""

from __future__ import annotations

from graph.document import Document

TEXT = """Auftragsverarbeitungsvertrag
§ 1 Gegenstand und Dauer
Der Auftragnehmer verarbeitet Daten im Auftrag.
§ 2 Unterauftragsverhältnisse
2.1 Genehmigung
Der Auftraggeber genehmigt den Einsatz.
Anlage 1 – Unterauftragsverarbeiter
1. Hosting
| Firma | Sitz |
Anlage 2 Technische und organisatorische Maßnahmen
1. Zutrittskontrolle
Anlage 1 ist Bestandteil dieses Vertrages und gilt für alle Leistungen.
"""


def test_lines_carry_offsets_into_the_text():
    doc = Document("x", TEXT)
    for line in doc.lines:
        assert doc.text[line.start : line.end] == line.text
    assert doc.line_at(doc.text.index("Genehmigung")).text == "2.1 Genehmigung"


def test_sections_nest_numbered_headings_inside_annexes():
    doc = Document("x", TEXT)
    titles = [(s.level, s.title) for s in doc.sections]
    assert (1, "§ 1 Gegenstand und Dauer") in titles
    assert (2, "2.1 Genehmigung") in titles
    assert (0, "Anlage 1 – Unterauftragsverarbeiter") in titles
    annex = next(s for s in doc.sections if s.title.startswith("Anlage 1"))
    body = doc.text[annex.body_start : annex.end]
    assert "| Firma | Sitz |" in body and "Anlage 2" not in body
    # a sentence that starts with "Anlage 1" is not a heading
    assert not any(s.title.startswith("Anlage 1 ist") for s in doc.sections)


def test_markdown_headings_and_section_lookup():
    doc = Document("x", "# DPA\n## Annex 3: Sub-processors\n| Entity | Location |\n## Annex 4\n")
    inner = doc.section_at(doc.text.index("| Entity"))
    assert inner is not None and inner.title == "Annex 3: Sub-processors"
    assert inner.level == 2


def test_span_trims_whitespace_and_quotes_exactly():
    doc = Document("x", "a   quoted  \n text")
    span = doc.span(1, 13)
    assert span.text == "quoted"
    assert doc.text[span.start : span.end] == span.text
