"""Tables in a sub-processor list: markdown pipe tables, tab-separated and space-aligned rows,
and grid tables (pandoc "+---+", box drawing) whose cells wrap over several lines.

Rows may wrap over lines (a cell holding a line break, as in "…03230 Vilnius⏎Litauen | …"),
so a row is read until it has as many cells as the header. The header row maps columns to
roles by meaning (`sub_fields.map_columns`); a table without a recognisable header is read
with the first column as the name and the other cells classified by their content.
Aligned "Label:      value" lines are key-value records, never a space-aligned table; a
name cell with a legal form stays a name even when a town fills most of it ("X eG, 90429 Town").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.document import Document, Line
from graph.extract.footnotes import strip_markers
from graph.extract.places import mostly_places, resolve_countries
from graph.extract.sub_fields import Field, RawEntry, field_role, map_columns
from graph.extract.sub_names import has_legal_form, is_entity_name, looks_like_name

Cell = tuple[int, int]  # offsets into Document.text
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
MAX_WRAP_LINES = 4
_SPACED_GAP = re.compile(r"(?<=\S) {3,}(?=\S)")
# Grid tables (pandoc "+---+---+", box drawing "├───┼───┤"): border lines between rows,
# "|" or "│" between cells, and cells that wrap over several lines.
_BORDER = re.compile(r"^\s*[+┌├└╞╟╠╔╚┏┣┗][-=─━═+┼┬┴┤┐┘╪╤╧╡╫╬┳┻┫┓┛]{3,}\s*$")
_GRID_BAR = re.compile(r"[|│┃║]")


@dataclass
class Table:
    kind: str  # pipe | tab | spaced
    rows: list[list[Cell]] = field(default_factory=list)
    start: int = 0
    end: int = 0
    line_numbers: list[int] = field(default_factory=list)
    joined: dict[Cell, str] = field(default_factory=dict)  # grid cells wrapped over lines

    def text(self, doc: Document, cell: Cell) -> str:
        """The cell's text; a wrapped grid cell is its lines joined with spaces."""
        return self.joined.get(cell, doc.text[cell[0] : cell[1]])


_ALIGNED_LABEL = re.compile(r"^[^:|\t]{1,40}:\s{2,}\S")  # "Anschrift:      …" is a key-value line


def find_tables(doc: Document, lines: list[Line]) -> list[Table]:
    """Every table among the lines, in order."""
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if _BORDER.match(lines[i].text):
            table, i = _read_grid(doc, lines, i)
            if len(table.rows) >= 1:
                tables.append(table)
            continue
        kind = _row_kind(lines[i].text)
        if kind is None:
            i += 1
            continue
        table, i = _read_table(doc, lines, i, kind)
        if len(table.rows) >= 1:
            tables.append(table)
    return tables


def _row_kind(text: str) -> str | None:
    s = text.strip()
    if s.startswith("|") and s.count("|") >= 2:
        return "pipe"
    if text.count("\t") >= 1 and len([c for c in text.split("\t") if c.strip()]) >= 2:
        return "tab"
    if len(_SPACED_GAP.findall(s)) >= 1 and len(s) <= 300 and not _ALIGNED_LABEL.match(s):
        return "spaced"
    return None


def _read_grid(doc: Document, lines: list[Line], i: int) -> tuple[Table, int]:
    """Rows of a grid table: the lines between two borders form one row, cell by cell."""
    table = Table("grid", start=lines[i].start)
    table.line_numbers.append(lines[i].number)
    block: list[Line] = []
    i += 1
    while i < len(lines) and (_BORDER.match(lines[i].text) or _GRID_BAR.match(lines[i].text.strip()[:1])):
        line = lines[i]
        table.line_numbers.append(line.number)
        table.end = line.end
        if _BORDER.match(line.text):
            if block:
                table.rows.append(_grid_row(doc, table, block))
            block = []
        else:
            block.append(line)
        i += 1
    if block:
        table.rows.append(_grid_row(doc, table, block))
    return table, i


def _grid_row(doc: Document, table: Table, block: list[Line]) -> list[Cell]:
    """One grid row: per column, the span from its first to its last text, and the joined text."""
    parts: list[list[Cell]] = []
    for line in block:
        bars = [m.start() for m in _GRID_BAR.finditer(line.text)]
        for col, (a, b) in enumerate(zip(bars, bars[1:], strict=False)):
            while len(parts) <= col:
                parts.append([])
            cell = _trim(line.text, a + 1, b, line.start)
            if cell[1] > cell[0]:
                parts[col].append(cell)
    row: list[Cell] = []
    for segments in parts:
        if not segments:
            row.append((block[0].start, block[0].start))
            continue
        cell = (segments[0][0], segments[-1][1])
        if len(segments) > 1:
            table.joined[cell] = " ".join(doc.text[s:e] for s, e in segments)
        row.append(cell)
    return row


def _read_table(doc: Document, lines: list[Line], i: int, kind: str) -> tuple[Table, int]:
    """Read rows from lines[i] while they are rows of this kind (or wrapped continuations)."""
    table = Table(kind, start=lines[i].start)
    width = 0
    while i < len(lines) and _row_kind(lines[i].text) == kind:
        if _SEPARATOR.match(lines[i].text):
            table.line_numbers.append(lines[i].number)
            i += 1
            continue
        cells, used = _read_row(doc, lines, i, kind, width)
        if not width:
            width = len(cells)
        table.rows.append(cells)
        table.line_numbers.extend(ln.number for ln in lines[i : i + used])
        table.end = lines[i + used - 1].end
        i += used
    return table, i


def _read_row(doc: Document, lines: list[Line], i: int, kind: str, width: int) -> tuple[list[Cell], int]:
    """Cells of the row starting at lines[i] and the number of lines it takes."""
    used = 1
    start, end = lines[i].start, lines[i].end
    cells = _split(doc, start, end, kind)
    while width and len(cells) < width and i + used < len(lines) and used < MAX_WRAP_LINES:
        nxt = lines[i + used]
        if nxt.is_blank or _starts_new_row(nxt.text, kind, doc.text[start:end]):
            break
        end = nxt.end
        used += 1
        cells = _split(doc, start, end, kind)
    return cells, used


def _starts_new_row(text: str, kind: str, row_so_far: str) -> bool:
    """The next line is a row of its own, not the rest of a wrapped row."""
    if kind in ("tab", "spaced"):
        return _row_kind(text) == kind
    return text.strip().startswith("|") and row_so_far.rstrip().endswith("|")


def _split(doc: Document, start: int, end: int, kind: str) -> list[Cell]:
    text = doc.text[start:end]
    if kind == "pipe":
        inner_start = start + text.index("|") + 1
        inner = doc.text[inner_start:end].rstrip()
        if inner.endswith("|"):
            inner = inner[:-1]
        return _cells(inner_start, inner, "|")
    if kind == "spaced":
        return _spaced_cells(start, text)
    return _cells(start, text, "\t")


def _spaced_cells(offset: int, text: str) -> list[Cell]:
    """Cells of a space-aligned row (text from PDFs): runs of three or more spaces separate."""
    out, pos = [], 0
    for m in _SPACED_GAP.finditer(text):
        out.append(_trim(text, pos, m.start(), offset))
        pos = m.end()
    out.append(_trim(text, pos, len(text), offset))
    return [c for c in out if c[1] > c[0]]


def _cells(offset: int, text: str, sep: str) -> list[Cell]:
    out, pos = [], 0
    for part in text.split(sep):
        out.append(_trim(text, pos, pos + len(part), offset))
        pos += len(part) + 1
    return out


def _trim(text: str, a: int, b: int, offset: int) -> Cell:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return offset + a, offset + b


def table_entries(doc: Document, table: Table, require_header: bool = False) -> list[RawEntry]:
    """Entries of one table; rows that hold no entity name are skipped."""
    if not table.rows:
        return []
    header = [table.text(doc, c) for c in table.rows[0]]
    roles = map_columns(header)
    require_header = require_header or table.kind == "spaced"
    has_header = "name" in roles and sum(1 for r in roles if r) >= 2
    if not has_header and (require_header or not _rows_look_like_entities(doc, table.rows)):
        return []
    rows = table.rows[1:] if has_header or _is_header_like(header) else table.rows
    if not has_header:
        roles = _guess_roles(doc, rows)
    entries = []
    for cells in rows:
        entry = _row_entry(doc, cells, roles, table)
        if entry is not None:
            entry.layout = "table"
            entries.append(entry)
    return entries


def _row_entry(doc: Document, cells: list[Cell], roles: list[str | None], table: Table) -> RawEntry | None:
    """A row as an entry; group rows ("| **EU** | | |") and rows without a name are skipped."""
    if sum(1 for s, e in cells if e > s) < 2:
        return None
    fields = []
    for (s, e), role in zip(cells, roles, strict=False):
        if role and role != "ignore" and e > s:
            fields.append(Field(role, s, e, table.text(doc, (s, e))))
    name = next((f for f in fields if f.role == "name"), None)
    if name is None or not _name_cell_ok(name.value):
        return None
    entry = RawEntry("table", cells[0][0], cells[-1][1])
    for f in fields:
        entry.add(f)
    return entry


def _name_cell_ok(value: str) -> bool:
    """A row names an entity: not empty, not a dash, not a sub-heading of the table."""
    core = value.strip(" -–—*")
    if not core or len(core) > 160:
        return False
    if mostly_places(core) and not has_legal_form(core):  # "DATEV eG, 90429 Nürnberg" is a name
        return False
    return looks_like_name(core, max_words=12) or has_legal_form(core)


def _rows_look_like_entities(doc: Document, rows: list[list[Cell]]) -> bool:
    """Without a header, most first cells must be names with a legal form."""
    firsts = [doc.text[r[0][0] : r[0][1]] for r in rows if r]
    legal = sum(1 for t in firsts if is_entity_name(t))
    return len(firsts) >= 1 and legal * 2 >= len(firsts) and all(len(r) >= 2 for r in rows)


def _is_header_like(cells: list[str]) -> bool:
    return sum(1 for c in cells if field_role(c)) >= 2


def _guess_roles(doc: Document, rows: list[list[Cell]]) -> list[str | None]:
    """Roles for a headerless table: name first, then places, then the first long text as purpose."""
    width = max(len(r) for r in rows)
    roles: list[str | None] = ["name"] + [None] * (width - 1)
    for col in range(1, width):
        texts = [strip_markers(doc.text[r[col][0] : r[col][1]]) for r in rows if col < len(r)]
        if texts and all(mostly_places(t) for t in texts if t.strip()):
            roles[col] = "location"
        elif any(re.search(r"\d", t) for t in texts) and any(resolve_countries(t) for t in texts):
            roles[col] = "address"
        elif "purpose" not in roles and not all(t.startswith(("http", "www")) for t in texts):
            roles[col] = "purpose"
    return roles
