"""Entries of a sub-processor list region, whatever the layout.

Layouts are tried from the most to the least structured on the lines that are still free:
tables (pipe, tab), key-value blocks (with product headings or bullets), one-line items,
and, only when a document has no structured list at all, prose mentions. Each parser lives
in its own module (`sub_tables`, `sub_blocks`, `sub_items`, `sub_prose`); this module
decides the order and which lines each one may read.
"""

from __future__ import annotations

import re

from graph.document import Document, Line
from graph.extract.annex import Region
from graph.extract.sub_blocks import block_entries
from graph.extract.sub_cues import cue
from graph.extract.sub_fields import RawEntry
from graph.extract.sub_items import item_entries
from graph.extract.sub_prose import prose_entries
from graph.extract.sub_tables import find_tables, table_entries

_LABEL = re.compile(r"^\s*([^:]{1,60}):\s+\S")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|—+|–+)\s*$")


def region_entries(doc: Document, region: Region) -> list[RawEntry]:
    """Structured entries (tables, blocks, items) of one region, in document order."""
    lines = _until_rule([ln for ln in doc.lines_between(region.start, region.end) if ln.start >= region.start])
    used: set[int] = set()
    entries: list[RawEntry] = []
    for table in find_tables(doc, lines):
        entries.extend(table_entries(doc, table))
        used.update(table.line_numbers)
    free = [ln for ln in lines if ln.number not in used]
    skip = {s.heading.number for s in doc.sections if cue("subprocessor-heading").search(s.title)}
    skip |= {ln.number for ln in lines[:1]}
    found, block_lines = block_entries(doc, free, skip)
    entries.extend(found)
    used |= block_lines
    found, item_lines = item_entries(doc, [ln for ln in free if ln.number not in used and ln.number not in skip], used)
    entries.extend(found)
    return sorted(entries, key=lambda e: e.start)


def _until_rule(lines: list[Line]) -> list[Line]:
    """Lines up to a horizontal rule ("---", "***"): what follows is a footer, not the list.

    A rule is only a separator, not the end, when it opens a record ("Name: …" on the next
    line) or when nothing but a date line stands between the heading and the rule.
    """
    last = 0
    for i, ln in enumerate(lines[1:], start=1):
        if not _RULE.match(ln.text):
            continue
        before = [x for x in lines[last + 1 : i] if x.text.strip() and not _RULE.match(x.text)]
        after = next((x for x in lines[i + 1 :] if x.text.strip()), None)
        if len(before) < 2 or (after is not None and _opens_record(after.text)):
            last = i
            continue
        return lines[:i]
    return lines


def _opens_record(text: str) -> bool:
    """'Auftragnehmer: X GmbH' / 'Name: X Ltd': a labelled name opening a key-value record."""
    m = _LABEL.match(text)
    return bool(m and cue("field-name").search(m.group(1).strip()))


def region_prose(doc: Document, region: Region) -> list[RawEntry]:
    """Names in the running text of a region (for documents without a structured list)."""
    return prose_entries(doc, region.start, region.end, require_term=False)


def document_prose(doc: Document) -> list[RawEntry]:
    """Last resort: sentences anywhere that engage a named sub-processor."""
    return prose_entries(doc, 0, len(doc.text), require_term=True)
