"""PDF with a text layer → the reader's markdown subset, with a page/line map back to the file.

A PDF has no paragraphs, only positioned words, so the layout is read back from geometry
(pdfplumber gives each word's box, font and size; its table finder gives ruled tables):

* reading order: top to bottom, and column by column when the page has two columns;
* lines that wrap (the next line's first word would not have fitted on the line before) are
  joined into one line, hyphenated breaks ("Auftrags-" / "verarbeitung") into one word;
* lines set larger than the body text become `#` headings, bullets become `- ` items;
* ruled tables become `| a | b |` rows (a table split over pages stays one table, its repeated
  heading row dropped); unruled rows whose words sit in columns become rows too;
* lines repeated in the top or bottom margin of several pages (running heads, "Seite 3 von 9")
  are dropped.

A file without a text layer (a scan) is refused with a message saying that OCR is not supported.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.document import SourceLocation, end_paragraph
from graph.errors import InputError

_BULLETS = "•●▪■◦○‣∙·-"  # not "–" or "*": in running text those start a dash or a footnote
_BULLET = re.compile(rf"^[{re.escape(_BULLETS)}]\s+(?=\S)")
_CONJUNCTION = re.compile(r"^(?:und|oder|bzw\.?|sowie|bis|and|or|to|und/oder)\b")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:seite|page|s\.)\s*)?\d{1,4}(?:\s*(?:von|of|/)\s*\d{1,4})?(?:\s*[-–—])?$", re.I
)
_LABEL = re.compile(r"^[^\W\d_][\w.\-/() ]{0,30}:\s")  # "Sitz: …", "Data location: …"
_MARGIN = 0.09  # top and bottom share of the page where running heads and footers sit
_MAX_PAGES = 2000


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    words: list[dict]
    number: int = 0  # 1-based text line on the page
    right: float = 0.0  # right edge of the text block (page or column) the line belongs to
    cells: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


@dataclass
class _Table:
    page: int
    top: float
    rows: list[list[str]]
    number: int = 0


def pdf_pieces(path: Path, raw: bytes) -> list[tuple[str, SourceLocation | None]]:
    """Read the PDF; every failure of the PDF library becomes an `InputError` naming the file."""
    if b"%PDF-" not in raw[:1024]:
        from graph.readers import sniff

        kind = sniff(raw)
        raise InputError(path, f"not a PDF file{f' ({kind})' if kind else ''}: no %PDF header")
    try:
        pages = _read_pages(raw)
    except InputError as exc:
        raise InputError(path, exc.problem) from None
    except RecursionError:
        raise InputError(path, "corrupt PDF: structure nested too deeply") from None
    except Exception as exc:  # pdfminer raises many types on broken files; all mean the same
        if _is_password_error(exc) or re.search(rb"/Encrypt\b", raw):
            raise InputError(path, "password-protected PDF: cannot be read without the password") from None
        detail = " ".join(str(exc).split())[:120]
        raise InputError(path, f"corrupt PDF ({type(exc).__name__}{': ' + detail if detail else ''})") from None
    lines = [item for page in pages for item in page if isinstance(item, _Line)]
    if not lines and not any(isinstance(item, _Table) for page in pages for item in page):
        raise InputError(path, "PDF has no text layer (a scan?); OCR is not supported")
    text = " ".join(line.text for line in lines)
    if text.count("(cid:") * 8 > max(len(text), 1) * 0.5:
        raise InputError(path, "PDF text cannot be decoded (fonts without a Unicode map); OCR is not supported")
    return _Layout(pages).pieces()


def _is_password_error(exc: BaseException) -> bool:
    while exc is not None:
        if "Password" in type(exc).__name__ or "Encryption" in type(exc).__name__:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _read_pages(raw: bytes) -> list[list[_Line | _Table]]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        if len(pdf.pages) > _MAX_PAGES:
            raise InputError("", f"PDF has {len(pdf.pages):,} pages, more than {_MAX_PAGES:,}")
        pages = [_read_page(page, number) for number, page in enumerate(pdf.pages, start=1)]
    _drop_running_heads(pages)
    return [[item for item, _ in page] for page in pages]


def _read_page(page, number: int) -> list[tuple[_Line | _Table, bool]]:
    """One page in reading order; each item with a flag: does it sit in the top/bottom margin?"""
    height = float(page.height or 1)
    tables = [t for t in page.find_tables() if t.bbox]
    ruled = []
    for table in tables:
        rows = [[_cell_text(c) for c in row] for row in table.extract()]
        rows = [row for row in rows if any(row)]
        if rows:
            ruled.append((table.bbox, rows))
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)
    ruled = [(bbox, rows) for bbox, rows in ruled if max(len(r) for r in rows) >= 2]  # a box round text is no table
    words = [w for w in words if w["text"].strip() and not any(_inside(w, bbox) for bbox, _ in ruled)]
    lines = _columns(words, number, float(page.width or 1), height)
    items: list[tuple[_Line | _Table, bool]] = []
    for line in lines:
        margin = line.bottom < height * _MARGIN or line.top > height * (1 - _MARGIN)
        items.append((line, margin))
    for index, line in enumerate(lines, start=1):
        line.number = index
    for bbox, rows in ruled:
        items.append((_Table(number, float(bbox[1]), rows), False))
    # Tables sit between lines by their top; lines keep their column order.
    ordered: list[tuple[_Line | _Table, bool]] = []
    pending_tables = sorted((i for i in items if isinstance(i[0], _Table)), key=lambda i: i[0].top)
    for item in (i for i in items if not isinstance(i[0], _Table)):
        while pending_tables and pending_tables[0][0].top <= item[0].top and not item[1]:
            ordered.append(pending_tables.pop(0))
        ordered.append(item)
    footer_at = len(ordered)
    while footer_at and ordered[footer_at - 1][1] and ordered[footer_at - 1][0].top > height / 2:
        footer_at -= 1
    return ordered[:footer_at] + pending_tables + ordered[footer_at:]


def _inside(word: dict, bbox) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _cell_text(cell: str | None) -> str:
    if not cell:
        return ""
    out = ""
    for part in cell.split("\n"):
        out = _join(out, part.strip()) if out else part.strip()
    return " ".join(out.split()).replace("|", "/")


def _group_lines(words: list[dict], page: int) -> list[_Line]:
    """Words whose vertical middles are close form one line, left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        size = float(word.get("size") or (word["bottom"] - word["top"]))
        middle = (word["top"] + word["bottom"]) / 2
        for line in reversed(lines[-3:]):
            if abs((line.top + line.bottom) / 2 - middle) <= max(line.size, size) * 0.4:
                line.words.append(word)
                line.top, line.bottom = min(line.top, word["top"]), max(line.bottom, word["bottom"])
                line.size = max(line.size, size)
                break
        else:
            lines.append(_Line(page, word["top"], word["bottom"], word["x0"], word["x1"], size, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
        line.x0, line.x1 = line.words[0]["x0"], max(w["x1"] for w in line.words)
        line.size = statistics.median(float(w.get("size") or line.size) for w in line.words)
    lines.sort(key=lambda ln: ln.top)
    right = max((ln.x1 for ln in lines), default=0.0)
    for line in lines:
        line.cells = _split_cells(line, right)
    right = max((ln.x1 for ln in lines if not ln.cells), default=right)
    for line in lines:
        line.right = right
    return lines


def _split_cells(line: _Line, right: float) -> list[str]:
    """Words far apart on one line (more than about two character widths) are separate cells,
    unless the line is justified: every gap stretched alike and the line reaching the margin."""
    gaps = [word["x0"] - before["x1"] for before, word in zip(line.words, line.words[1:], strict=False)]
    wide = max(line.size * 1.8, 12)
    if not any(g > wide for g in gaps):
        return []
    if all(g > wide * 0.5 for g in gaps) and line.x1 >= right - 2:
        return []
    cells: list[list[str]] = [[line.words[0]["text"]]]
    for gap, word in zip(gaps, line.words[1:], strict=True):
        if gap > wide:
            cells.append([])
        cells[-1].append(word["text"])
    return [" ".join(c) for c in cells]


def _columns(words: list[dict], page: int, width: float, height: float) -> list[_Line]:
    """Lines in reading order. A two-column page (a gutter that no word of the body crosses, and
    left lines that run up to it, as set text does, unlike a table's ragged first column) gives
    the left column, then the right one."""
    top, bottom = height * _MARGIN, height * (1 - _MARGIN)
    body = [w for w in words if top <= w["top"] and w["bottom"] <= bottom]
    covered = [False] * (int(width) + 2)
    for word in body:
        start, end = max(0, int(word["x0"])), min(len(covered), int(word["x1"]) + 1)
        covered[start:end] = [True] * max(0, end - start)
    best, run_start = (0, 0), None
    for x in range(int(width * 0.3), min(int(width * 0.7) + 1, len(covered))):
        if not covered[x]:
            run_start = x if run_start is None else run_start
            if x - run_start + 1 > best[1] - best[0]:
                best = (run_start, x + 1)
        else:
            run_start = None
    if len(body) < 16 or best[1] - best[0] < 12:
        return _group_lines(words, page)
    left = _group_lines([w for w in body if w["x1"] <= best[0]], page)
    right = _group_lines([w for w in body if w["x0"] >= best[1]], page)
    if len(left) < 4 or len(right) < 4:
        return _group_lines(words, page)
    left_edge = min(line.x0 for line in left)
    if statistics.median(line.x1 for line in left) < best[0] - 0.25 * (best[0] - left_edge):
        return _group_lines(words, page)
    # The columns run where both sides have text; what lies above or below them spans the page.
    start = max(left[0].top, right[0].top) - 2
    end = min(left[-1].bottom, right[-1].bottom) + 2
    inside = [w for w in body if w["top"] >= start and w["bottom"] <= end]
    left = _group_lines([w for w in inside if w["x1"] <= best[0]], page)
    right = _group_lines([w for w in inside if w["x0"] >= best[1]], page)
    above = _group_lines([w for w in words if w["top"] < start], page)
    below = _group_lines([w for w in words if w["top"] >= start and w["bottom"] > end], page)
    return above + left + right + below


def _drop_running_heads(pages: list[list[tuple[_Line | _Table, bool]]]) -> None:
    """Margin lines that repeat on several pages (digits ignored), and bare page numbers, go."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text).casefold()

    counts = Counter(k for page in pages for k in {key(i) for i, m in page if m and isinstance(i, _Line)})
    threshold = max(2, (len(pages) + 1) // 2)
    for page in pages:
        page[:] = [
            (item, margin)
            for item, margin in page
            if not (
                margin
                and isinstance(item, _Line)
                and (counts[key(item)] >= threshold or _PAGE_NUMBER.match(item.text.strip()))
            )
        ]


def _join(before: str, after: str) -> str:
    """Join a wrapped line to the next: "Auftrags-" + "verarbeitung" is one word, "Zugangs-" +
    "und" keeps its hyphen (a suspended compound), "E-Mail-" + "Adresse" keeps the hyphen."""
    if re.search(r"[^\W\d_]-$", before) and after:
        if _CONJUNCTION.match(after):
            return before + " " + after
        if after[0].islower():
            return before[:-1] + after
        return before + after
    return before + " " + after


class _Layout:
    """Lines and tables in reading order → pieces of text with their source locations."""

    def __init__(self, pages: list[list[_Line | _Table]]):
        self.pages = pages
        sizes = Counter()
        for page in pages:
            for item in page:
                if isinstance(item, _Line):
                    sizes[round(item.size, 1)] += len(item.text)
        self.body_size = sizes.most_common(1)[0][0] if sizes else 10.0
        heading_sizes = sorted({s for s in sizes if s >= self.body_size * 1.12}, reverse=True)
        self.levels = {s: min(i + 1, 6) for i, s in enumerate(heading_sizes)}
        self.out: list[tuple[str, SourceLocation | None]] = []
        self.tables = 0

    def pieces(self) -> list[tuple[str, SourceLocation | None]]:
        previous: _Line | _Table | None = None
        paragraph: dict | None = None  # the open paragraph: kind, left edge, text-left edge, level
        last_table: _Table | None = None
        rows_open = False  # unruled rows being written as a table
        for page in self.pages:
            for index, item in enumerate(page):
                if isinstance(item, _Table):
                    paragraph = None
                    rows_open = False
                    continues = (
                        last_table is not None
                        and isinstance(previous, _Table)
                        and index == 0
                        and len(item.rows[0]) == len(last_table.rows[0])
                    )
                    self._table(item, continues, last_table)
                    if not continues:
                        last_table = item
                    previous = item
                    continue
                line = item
                text = line.text.strip()
                level = self.levels.get(round(line.size, 1)) if len(text) <= 200 and not line.cells else None
                loc = SourceLocation(page=line.page, line=line.number)
                if line.cells:
                    paragraph = None
                    self._row(line, previous, rows_open)
                    rows_open = True
                    previous = line
                    continue
                rows_open = False
                if paragraph and self._continues(paragraph, previous, line, level):
                    if self.out and self.out[-1][0] == "\n":
                        self.out.pop()
                    joined = _join(paragraph["text"], text)
                    added = joined[len(paragraph["text"]) :] if joined.startswith(paragraph["text"]) else None
                    if added is None:  # the hyphen went: rewrite the piece's tail
                        self._drop_hyphen()
                        added = text
                    paragraph["text"] = joined
                    self.out.append((added, loc))
                    self.out.append(("\n", None))
                    previous = line
                    continue
                if previous is not None and self._blank_before(previous, paragraph, line, level):
                    self._blank()
                bullet = _BULLET.match(text)
                if level:
                    start = "#" * level + " "
                    paragraph = {"kind": f"h{level}", "left": line.x0, "text_left": line.x0, "text": start + text}
                    self.out.append((start + text, loc))
                elif bullet:
                    rest = text[bullet.end() :]
                    text_left = line.words[1]["x0"] if len(line.words) > 1 else line.x0
                    paragraph = {"kind": "item", "left": line.x0, "text_left": text_left, "text": "- " + rest}
                    self.out.append(("- " + rest, loc))
                else:
                    paragraph = {"kind": "text", "left": line.x0, "text_left": line.x0, "text": text}
                    self.out.append((text, loc))
                self.out.append(("\n", None))
                previous = line
        while self.out and not self.out[-1][0].strip():
            self.out.pop()
        self.out.append(("\n", None))
        return self.out

    def _continues(self, paragraph: dict, previous, line: _Line, level: int | None) -> bool:
        """The line wraps the paragraph before it: same kind, aligned, and the previous line was
        full (its successor's first word would not have fitted after it)."""
        if not isinstance(previous, _Line) or previous.cells:
            return False
        if paragraph["kind"].startswith("h"):
            return level is not None and paragraph["kind"] == f"h{level}" and line.top - previous.bottom < line.size
        if level or _BULLET.match(line.text.strip()):
            return False
        if abs(line.size - previous.size) > 0.6:
            return False
        if previous.page == line.page:
            if line.top - previous.bottom > previous.size * 0.9:
                return False
            if line.top <= previous.top:  # a new column
                return False
        elif line.page != previous.page + 1:
            return False
        if not (paragraph["left"] - 3 <= line.x0 <= paragraph["text_left"] + 3):
            return False
        if _LABEL.match(paragraph["text"]) and _LABEL.match(line.text):  # "Zweck: …" / "Sitz: …" lines
            return False
        first = line.words[0]
        needed = (first["x1"] - first["x0"]) + previous.size * 0.25
        return previous.x1 + needed > max(previous.right, previous.x1) - 1

    def _blank_before(self, previous, paragraph: dict | None, line: _Line, level: int | None) -> bool:
        """Is there an empty line before this line? Vertical space says so; across a page break,
        only a list going on says no."""
        if isinstance(previous, _Table) or level:
            return True
        if previous.cells or previous.page != line.page:
            return not (paragraph and paragraph["kind"] == "item" and _BULLET.match(line.text.strip()))
        if self.levels.get(round(previous.size, 1)):
            return True
        return line.top - previous.bottom > min(line.size, previous.size) * 0.9

    def _blank(self) -> None:
        end_paragraph(self.out)

    def _drop_hyphen(self) -> None:
        """Remove the trailing hyphen of the last text piece (a word broken over two lines)."""
        for i in range(len(self.out) - 1, -1, -1):
            piece, loc = self.out[i]
            if piece.strip():
                self.out[i] = (piece.rstrip()[:-1], loc)
                return

    def _table(self, table: _Table, continues: bool, last: _Table | None) -> None:
        rows = table.rows
        if continues and last is not None and rows and rows[0] == last.rows[0]:
            rows = rows[1:]
        if not continues:
            self.tables += 1
            self._blank()
        table.number = self.tables
        first_row = not continues
        start = 1 if not continues else (2 if last is not None and table.rows[0] == last.rows[0] else 1)
        for number, row in enumerate(rows, start=start):
            loc = SourceLocation(page=table.page, table=table.number, row=number)
            self.out.append(("| " + " | ".join(row) + " |", loc))
            self.out.append(("\n", None))
            if first_row:
                self.out.append(("|" + "|".join(" --- " for _ in row) + "|", None))
                self.out.append(("\n", None))
                first_row = False
        self.out.append(("\n", None))

    def _row(self, line: _Line, previous, rows_open: bool) -> None:
        """A line whose words sit in separate columns: a table row, or "label<TAB>value"."""
        loc = SourceLocation(page=line.page, line=line.number)
        cells = [c.replace("|", "/") for c in line.cells]
        if not rows_open:
            self._blank()
        self.out.append(("\t".join(cells), loc))
        self.out.append(("\n", None))
