"""Fixture documents made by the tests: the project's sample DPAs (examples/dpas) as PDF and DOCX.

Each sample is read as text (its markdown subset), split into blocks — headings, paragraphs,
list items, tables, blank lines — and set as a real document: fpdf2 lays out a PDF with running
heads, page numbers and ruled tables, python-docx writes Word headings, list styles, tables and
paragraph spacing. The readers must get the same record back from those as from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "examples" / "dpas").iterdir())
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

needs_font = pytest.mark.skipif(
    not FONT.exists(), reason="the PDF fixtures need DejaVu Sans (Debian package fonts-dejavu-core)"
)


@dataclass
class Block:
    kind: str  # heading | para | item | table | tabbed
    text: str = ""
    level: int = 0  # heading level, list depth, indentation of a paragraph
    rows: list[list[str]] | None = None
    bold: bool = False
    gap_after: bool = False  # an empty line follows in the source


_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def blocks_of(text: str) -> list[Block]:
    """The markdown subset as blocks. Pipe rows are a table; tab-separated lines stay lines
    whose columns sit at tab stops, as a text editor prints them."""
    lines = text.split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if out:
                out[-1].gap_after = True
            i += 1
            continue
        if line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                if not _SEPARATOR.match(lines[i].strip()):
                    rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            out.append(Block("table", rows=rows))
            continue
        if "\t" in line:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append([c.strip() for c in lines[i].split("\t")])
                i += 1
            out.append(Block("tabbed", rows=rows))
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            out.append(Block("heading", m.group(2).strip(), level=len(m.group(1))))
        elif m := re.match(r"^(\s*)[-•]\s+(.*)$", line):  # "* text" is a footnote, not an item
            out.append(Block("item", _plain(m.group(2)), level=len(m.group(1)) // 2))
        else:
            stripped = line.strip()
            bold = stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4
            indent = len(line) - len(line.lstrip(" "))
            out.append(Block("para", _plain(stripped), level=indent, bold=bold))
        i += 1
    return out


def _plain(text: str) -> str:
    return text.replace("**", "")


# --- PDF -----------------------------------------------------------------------------------------


def make_pdf(blocks: list[Block], path: Path, title: str = "", encrypt: str | None = None) -> Path:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, f"{title} – Vertragsdokument", new_x="LMARGIN", new_y="NEXT", align="R")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 8, f"Seite {self.page_no()} von {{nb}}", align="C")

    pdf = Doc(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    if encrypt:
        pdf.set_encryption(owner_password="owner-secret", user_password=encrypt)
    pdf.add_page()
    sizes = {1: 16, 2: 13, 3: 11.5, 4: 11.5}
    for block in blocks:
        if block.kind == "heading":
            pdf.set_font("DejaVu", "B", sizes.get(block.level, 11.5))
            pdf.multi_cell(0, sizes.get(block.level, 11.5) * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            continue
        pdf.set_font("DejaVu", "B" if block.bold else "", 10)
        if block.kind == "para":
            pdf.set_x(pdf.l_margin + 2 * block.level)
            pdf.multi_cell(0, 5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "tabbed":
            width = max(len(r) for r in block.rows)
            size = 10.0
            pdf.set_font("DejaVu", "", size)
            columns = [max(pdf.get_string_width(r[i]) if i < len(r) else 0 for r in block.rows) for i in range(width)]
            if sum(columns) + 6 * (width - 1) > pdf.epw:  # one line per row: a smaller font if need be
                size *= (pdf.epw - 6 * (width - 1)) / sum(columns)
                pdf.set_font("DejaVu", "", size)
                columns = [
                    max(pdf.get_string_width(r[i]) if i < len(r) else 0 for r in block.rows) for i in range(width)
                ]
            for row in block.rows:
                x = pdf.l_margin
                for i, cell in enumerate(row):
                    pdf.set_x(x)
                    pdf.cell(columns[i], 5, cell)
                    x += columns[i] + 6
                pdf.ln(5)
        elif block.kind == "item":
            indent = pdf.l_margin + 5 * block.level
            pdf.set_x(indent)
            pdf.cell(5, 5, "•")
            pdf.multi_cell(0, 5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "table":
            width = max(len(r) for r in block.rows)
            rows = [r + [""] * (width - len(r)) for r in block.rows]
            # Columns as wide as their longest word needs (at least), so no word is cut in two.
            size = 9.0
            pdf.set_font("DejaVu", "", size)
            longest = [
                max((pdf.get_string_width(w) for r in rows for w in r[i].split()), default=5) for i in range(width)
            ]
            if sum(longest) + 8 * width > pdf.epw:
                size *= pdf.epw / (sum(longest) + 8 * width)
                pdf.set_font("DejaVu", "", size)
                longest = [
                    max((pdf.get_string_width(w) for r in rows for w in r[i].split()), default=5) for i in range(width)
                ]
            with pdf.table(
                col_widths=[w + 8 for w in longest],
                text_align="LEFT",
                line_height=4.5,
                headings_style=FontFace(emphasis="BOLD"),
                padding=1,
            ) as table:
                for row in rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(2)
        if block.gap_after:
            pdf.ln(5)
    pdf.output(str(path))
    return path


# --- DOCX ----------------------------------------------------------------------------------------


def make_docx(blocks: list[Block], path: Path) -> Path:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level, 9))
            continue
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row + [""] * (width - len(row)), strict=True):
                    cell.text = text
            continue
        if block.kind == "item":
            style = "List Bullet" if block.level == 0 else f"List Bullet {min(block.level + 1, 3)}"
            paragraph = document.add_paragraph(style=style)
        elif block.kind == "tabbed":
            for number, row in enumerate(block.rows):
                paragraph = document.add_paragraph("\t".join(row))
                if number < len(block.rows) - 1 or not block.gap_after:
                    paragraph.paragraph_format.space_after = Pt(0)
            continue
        else:
            paragraph = document.add_paragraph()
            if block.level:
                paragraph.paragraph_format.left_indent = Pt(3 * block.level)
        run = paragraph.add_run(block.text)
        run.bold = block.bold or None
        if block.kind == "para" and not block.gap_after:
            paragraph.paragraph_format.space_after = Pt(0)
    document.save(str(path))
    return path


def test_blocks_of_reads_the_markdown_subset():
    text = "# Title\n\nIntro line\n**Bold Name**\n\n- one\n  - two\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\nx\ty\nz\tw\n"
    blocks = blocks_of(text)
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        ("heading", "Title", 1),
        ("para", "Intro line", 0),
        ("para", "Bold Name", 0),
        ("item", "one", 0),
        ("item", "two", 1),
        ("table", "", 0),
        ("tabbed", "", 0),
    ]
    assert blocks[2].bold and blocks[2].gap_after and not blocks[1].gap_after
    assert blocks[5].rows == [["a", "b"], ["1", "2"]] and blocks[6].rows == [["x", "y"], ["z", "w"]]


# --- the comparison ------------------------------------------------------------------------------


def comparable(record) -> dict:
    """The record as JSON, without what must differ between formats: offsets, hash, file name,
    media-dependent warnings. Quotes are compared without whitespace and markdown emphasis
    (`**`), which the generated documents show as bold type, not as characters, and without the
    cell separators of table rows: a tab-separated table in a text file is a ruled table in a PDF
    or DOCX, read back as a `| a | b |` row."""
    from graph.export import record_to_json

    data = record_to_json(record)
    for key in ("document", "sha256", "source", "warnings"):
        data.pop(key, None)

    def clean(value):
        if isinstance(value, dict):
            if {"start", "end"} <= value.keys():  # an evidence span: its quote, layout aside
                return re.sub(r"[\s|]+", "", str(value.get("text", "")).replace("**", ""))
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            return " ".join(value.replace("**", "").split())
        return value

    return clean(data)


# Samples whose PDF or DOCX cannot give the very same record, with the reason. Empty: all match.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


def _cases():
    for sample in SAMPLES:
        for kind in ("pdf", "docx"):
            marks = [needs_font] if kind == "pdf" else []
            reason = KNOWN_DIFFERENCES.get((sample.stem, kind))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            yield pytest.param(sample, kind, id=f"{sample.stem}-{kind}", marks=marks)


@pytest.mark.parametrize(("sample", "kind"), list(_cases()))
def test_pdf_and_docx_extract_to_the_record_of_the_text(sample, kind, tmp_path):
    from graph.extract.pipeline import extract_document
    from graph.readers import read_document

    source = read_document(sample)
    blocks = blocks_of(source.text)
    path = tmp_path / f"{sample.stem}.{kind}"
    if kind == "pdf":
        make_pdf(blocks, path, title=sample.stem)
    else:
        make_docx(blocks, path)
    converted = read_document(path)
    assert converted.media_type != source.media_type
    for offset in range(0, len(converted.text), 97):  # every offset leads back into the file
        assert converted.source_location(offset) is not None
    assert comparable(extract_document(converted)) == comparable(extract_document(source))
