"""Where the sub-processor list(s) are: annex sections, intro sentences and telling tables.

Three kinds of evidence mark a list region:
* a section whose heading, or the line right under an annex heading, names sub-processors
  ("Anlage 3 – Subunternehmer", "## Annex III – List of Sub-processors");
* an intro line with the sub-processor term and a list cue ("setzt folgende
  Unterauftragsverarbeiter ein:", "currently engages the following sub-processors:"),
  followed by list-shaped lines, which works for documents without any headings;
* a table whose header says "Sub-processor" or maps an entity column plus two more roles.
Clauses that merely talk about sub-processing are regions too, but they yield no entries;
the entry parsers decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.document import Document, Line, Section
from graph.extract.footnotes import find_definitions
from graph.extract.sub_cues import cue
from graph.extract.sub_fields import field_role
from graph.extract.sub_lines import content, key_value
from graph.extract.sub_names import has_legal_form
from graph.extract.sub_tables import find_tables, map_columns

MAX_BLANK_RUN = 2
MAX_FREE_LINE = 110
_LIST_ROLES = {"address", "location", "purpose", "safeguard"}


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    kind: str  # heading | intro | table
    title: str = ""


def find_regions(doc: Document) -> list[Region]:
    """All list regions, overlapping ones merged, in document order."""
    regions = heading_regions(doc) + intro_regions(doc) + table_regions(doc)
    return merge_regions(regions)


def heading_regions(doc: Document) -> list[Region]:
    """Sections announced as sub-processor lists by their heading or first line."""
    out = []
    for section in doc.sections:
        if _announces_list(doc, section):
            out.append(Region(section.start, _section_end(doc, section), "heading", section.title))
    return out


def _announces_list(doc: Document, section: Section) -> bool:
    if cue("subprocessor-heading").search(section.title):
        return True
    if section.level != 0:
        return False
    for line in _first_lines(doc, section.body_start, section.end, 2):
        if cue("subprocessor-heading").search(line.text) and len(line.stripped) <= 200:
            return True
    return False


def _first_lines(doc: Document, start: int, end: int, n: int) -> list[Line]:
    return [ln for ln in doc.lines_between(start, end) if ln.start >= start and not ln.is_blank][:n]


def _section_end(doc: Document, section: Section) -> int:
    """End of the section, not cut by numbered list items that the reader took for headings."""
    for later in doc.sections:
        if later.start <= section.start or later.level > section.level:
            continue
        if _entry_like(later.heading.text):
            continue
        return later.start
    return len(doc.text)


def _entry_like(text: str) -> bool:
    """A "heading" that is really a list item: "1. Acme GmbH, Berlin – Hosting"."""
    c = content_text(text)
    return has_legal_form(c) and not cue("subprocessor-heading").search(c)


def content_text(text: str) -> str:
    return text.strip().lstrip("#").strip()


def intro_regions(doc: Document) -> list[Region]:
    """An intro line ("… folgende Unterauftragsverarbeiter …:") and the list lines after it."""
    out = []
    for line in doc.lines:
        if _is_intro(line.text):
            end = _list_end(doc, line)
            if end > line.end:
                out.append(Region(line.start, end, "intro", line.stripped[:80]))
    return out


def _is_intro(text: str) -> bool:
    term = cue("subprocessor-term").search(text)
    if not term:
        return False
    stripped = text.rstrip()
    return stripped.endswith(":") or bool(cue("list-intro").search(text))


def _list_end(doc: Document, intro: Line) -> int:
    """End offset of the list-shaped lines after the intro (tables, items, fields, footnotes)."""
    end = intro.end
    blanks = 0
    heads = {s.heading.number for s in doc.sections if not _entry_like(s.heading.text)}
    for line in doc.lines[intro.number + 1 :]:
        if line.is_blank:
            blanks += 1
            if blanks > MAX_BLANK_RUN:
                break
            continue
        if line.number in heads and end > intro.end:
            break
        if not _list_shaped(line):
            break
        blanks = 0
        end = line.end
    end = max([end] + [s.end for s in find_definitions(doc, end).values() if s.start - end < 400])
    return end


def _list_shaped(line: Line) -> bool:
    """Table rows, list items, "Key: value" lines, footnotes and short name-like lines."""
    text = line.stripped
    if text.startswith("|") or "\t" in line.text:
        return True
    c = content(line)
    if c.bullet or key_value(c) is not None:
        return True
    if text[:1] in "¹²³⁴⁵⁶⁷⁸⁹*†‡":
        return True
    return len(text) <= MAX_FREE_LINE and not (text.endswith(".") and len(text.split()) > 8)


def table_regions(doc: Document) -> list[Region]:
    """Tables anywhere whose header reads like a sub-processor list."""
    out = []
    for table in find_tables(doc, doc.lines):
        header = [table.text(doc, c) for c in table.rows[0]]
        if not any(field_role(h) == "name" for h in header):
            continue  # only a stated entity column makes a table a list on its own
        roles = map_columns(header)
        names_term = any(cue("subprocessor-term").search(h) for h in header)
        if names_term or len(_LIST_ROLES & set(roles)) >= 2:
            out.append(Region(table.start, table.end, "table"))
    return out


def merge_regions(regions: list[Region]) -> list[Region]:
    """Union of overlapping regions; the first region's kind and title are kept."""
    merged: list[Region] = []
    for r in sorted(regions, key=lambda r: (r.start, -r.end)):
        if merged and r.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Region(last.start, max(last.end, r.end), last.kind, last.title)
        else:
            merged.append(r)
    return merged
