"""PDF and Word readers: layout read back into lines, and the map from text offsets to the file."""

from __future__ import annotations

import io
import zipfile

import pytest
from test_formats_fixtures import FONT, FONT_BOLD, Block, make_docx, make_pdf, needs_font

from graph.document import Document, SourceLocation
from graph.readers import read_document, supported_suffixes


def test_pdf_and_docx_are_supported():
    assert {".pdf", ".docx"} <= set(supported_suffixes())


# --- PDF -----------------------------------------------------------------------------------------


def _pdf(path, draw) -> object:
    """A one-off PDF drawn by `draw(pdf)` with DejaVu Sans, so umlauts are real text."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", "", 10)
    pdf.add_page()
    draw(pdf)
    pdf.output(str(path))
    return path


@needs_font
def test_pdf_joins_wrapped_and_hyphenated_lines(tmp_path):
    def draw(pdf):
        lines = [
            "Der Auftragnehmer verpflichtet sich bei jeder einzelnen Auftrags-",
            "verarbeitung zur Einhaltung der Weisungen. Verarbeitet werden Zugangs-",
            "und Protokolldaten sowie die dienstliche wie auch die private E-Mail-",
            "Adresse der Beschäftigten.",
        ]
        for i, line in enumerate(lines):
            pdf.text(20, 30 + i * 5, line)
        pdf.text(20, 60, "Kurzer Absatz.")
        pdf.text(20, 65, "Noch ein kurzer Absatz.")

    doc = read_document(_pdf(tmp_path / "wrap.pdf", draw))
    assert doc.text.splitlines() == [
        "Der Auftragnehmer verpflichtet sich bei jeder einzelnen Auftragsverarbeitung zur Einhaltung der Weisungen. "
        "Verarbeitet werden Zugangs- und Protokolldaten sowie die dienstliche wie auch die private "
        "E-Mail-Adresse der Beschäftigten.",
        "",
        "Kurzer Absatz.",
        "Noch ein kurzer Absatz.",
    ]


@needs_font
def test_pdf_headings_bullets_and_two_columns(tmp_path):
    left = "Links: " + " ".join(f"Satz {i} der linken Spalte über die Verarbeitung." for i in range(12))
    right = "Rechts: " + " ".join(f"Satz {i} der rechten Spalte über die Löschung." for i in range(12))

    def draw(pdf):
        pdf.set_font("DejaVu", "B", 16)
        pdf.text(20, 20, "Anlage 2 Unterauftragsverarbeiter")
        pdf.set_font("DejaVu", "", 10)
        pdf.set_xy(20, 30)
        pdf.multi_cell(80, 5, left, align="J")
        pdf.set_xy(110, 30)
        pdf.multi_cell(80, 5, right, align="J")
        pdf.set_xy(20, 120)
        pdf.cell(0, 5, "• Kontaktdaten", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 5, "• Vertragsdaten")

    lines = read_document(_pdf(tmp_path / "columns.pdf", draw)).text.splitlines()
    assert lines[0] == "# Anlage 2 Unterauftragsverarbeiter"
    assert [line for line in lines if line.startswith(("Links", "Rechts"))] == [left, right]
    assert lines[-2:] == ["- Kontaktdaten", "- Vertragsdaten"]


@needs_font
def test_pdf_drops_running_heads_and_page_numbers_and_keeps_a_table_over_pages(tmp_path):
    rows = [["Firma", "Sitz", "Zweck"]] + [[f"Anbieter {i} GmbH", "Berlin, Deutschland", "Hosting"] for i in range(70)]
    blocks = [Block("heading", "Anlage 3 – Unterauftragnehmer", level=1), Block("table", rows=rows)]
    doc = read_document(make_pdf(blocks, tmp_path / "long.pdf", title="Muster AVV"))
    assert "Vertragsdokument" not in doc.text and "Seite" not in doc.text
    table = [line for line in doc.text.splitlines() if line.startswith("|")]
    assert table[0] == "| Firma | Sitz | Zweck |" and table[1].startswith("| ---")
    assert table[2:] == [f"| Anbieter {i} GmbH | Berlin, Deutschland | Hosting |" for i in range(70)]
    last = doc.text.index("Anbieter 69 GmbH")
    assert doc.source_location(last).page == 2 and doc.source_location(last).table == 1


@needs_font
def test_pdf_source_map_gives_page_and_line(tmp_path):
    def draw(pdf):
        pdf.text(20, 30, "Erste Seite, erste Zeile.")
        pdf.text(20, 40, "Erste Seite, zweite Zeile.")
        pdf.add_page()
        pdf.text(20, 30, "Zweite Seite: Der Auftragnehmer meldet Verletzungen binnen 24 Stunden.")

    doc = read_document(_pdf(tmp_path / "pages.pdf", draw))
    assert doc.source_location(doc.text.index("zweite Zeile")) == SourceLocation(page=1, line=2)
    location = doc.source_location(doc.text.index("24 Stunden"))
    assert (location.page, location.line) == (2, 1)
    assert location.describe() == "page 2, line 1"


@needs_font
def test_pdf_with_owner_password_only_is_read(tmp_path):
    blocks = [Block("para", "Vertrag über die Auftragsverarbeitung gemäß Art. 28 DSGVO.")]
    doc = read_document(make_pdf(blocks, tmp_path / "locked.pdf", title="x", encrypt=""))
    assert "Auftragsverarbeitung gemäß Art. 28" in doc.text


# --- Word ----------------------------------------------------------------------------------------


def test_docx_headings_lists_numbering_tables_and_spacing(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Auftragsverarbeitungsvertrag", level=1)
    document.add_paragraph("Zwischen dem Kunden und der Beispiel GmbH.")
    document.add_heading("Anlage 1 – Datenkategorien", level=2)
    for item in ("Kontaktdaten", "Vertragsdaten"):
        document.add_paragraph(item, style="List Bullet")
    for item in ("Erster Schritt", "Zweiter Schritt", "Dritter Schritt"):
        document.add_paragraph(item, style="List Number")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["Firma", "Sitz", "Zweck"], ["Hosting AG", "Zürich | Schweiz", "Server"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "Alle Angaben ohne Gewähr"
    paragraph = document.add_paragraph("Sitz: Berlin")
    paragraph.add_run().add_break()
    paragraph.add_run("Zweck:\tHosting")
    path = tmp_path / "avv.docx"
    document.save(str(path))

    doc = read_document(path)
    assert doc.text.splitlines() == [
        "# Auftragsverarbeitungsvertrag",
        "",
        "Zwischen dem Kunden und der Beispiel GmbH.",
        "",
        "## Anlage 1 – Datenkategorien",
        "",
        "- Kontaktdaten",
        "- Vertragsdaten",
        "",
        "1. Erster Schritt",
        "2. Zweiter Schritt",
        "3. Dritter Schritt",
        "",
        "| Firma | Sitz | Zweck |",
        "| --- | --- | --- |",
        "| Hosting AG | Zürich / Schweiz | Server |",
        "| Alle Angaben ohne Gewähr |",
        "",
        "Sitz: Berlin",
        "Zweck:\tHosting",
    ]
    assert doc.source_location(doc.text.index("Hosting AG")) == SourceLocation(table=1, row=2)
    assert doc.source_location(doc.text.index("Vertragsdaten")) == SourceLocation(paragraph=5)
    assert doc.source_location(doc.text.index("Zweck:")) == SourceLocation(paragraph=9)
    assert doc.media_type.endswith("wordprocessingml.document")


_FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Standardvertragsklauseln (Modul 3) sind vereinbart.</w:t></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


def test_docx_footnotes_become_markers_and_notes(tmp_path):
    """Word keeps footnotes in their own part; the reader puts the marker in the text and the
    note after the body, so footnote-scoped transfer mechanisms are found."""
    path = make_docx([Block("para", "Stripe, Inc., USAFOOTNOTE")], tmp_path / "plain.docx")
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"FOOTNOTE</w:t></w:r>",
                    b'</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>',
                )
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(info, data)
        target.writestr("word/footnotes.xml", _FOOTNOTES)
    noted = tmp_path / "noted.docx"
    noted.write_bytes(out.getvalue())
    doc = read_document(noted)
    assert doc.text.splitlines() == ["Stripe, Inc., USA¹", "", "¹ Standardvertragsklauseln (Modul 3) sind vereinbart."]
    assert doc.source_location(doc.text.index("Standardvertrags")) == SourceLocation(footnote=1)


# --- the source map on Document ------------------------------------------------------------------


def test_source_location_for_text_is_the_line_of_the_file(tmp_path):
    path = tmp_path / "avv.md"
    path.write_text("# AVV\r\n\r\nDer Auftragnehmer meldet binnen 24 Stunden.\r\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.source_location(doc.text.index("24 Stunden")) == SourceLocation(line=3)
    assert doc.source_location(len(doc.text)) == SourceLocation(line=4)
    with pytest.raises(ValueError):
        doc.source_location(len(doc.text) + 1)


def test_source_location_for_html_is_none_and_maps_bisect():
    assert Document(name="x", text="abc", media_type="text/html").source_location(1) is None
    mapped = Document(
        name="x",
        text="eins\nzwei\n",
        media_type="application/pdf",
        source_map=[(0, SourceLocation(page=1, line=1)), (5, SourceLocation(page=2, line=1))],
    )
    assert mapped.source_location(4) == SourceLocation(page=1, line=1)
    assert mapped.source_location(5).page == 2 and mapped.source_location(9).page == 2
