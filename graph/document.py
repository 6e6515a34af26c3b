"""A read document: normalised line-structured text, its lines and its sections.

Readers (`graph.readers`) produce the text; everything downstream addresses it by character
offsets, so `Document.text` is never changed after construction. The source map leads from an
offset back to the place in the original file (PDF page and line, Word paragraph or table row),
so a quote can be found in the file a person has open.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from graph.model import Span


@dataclass(frozen=True)
class Line:
    number: int  # 0-based
    start: int
    end: int  # exclusive, without the newline
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class SourceLocation:
    """A place in the original file. Which fields are set depends on the format."""

    page: int | None = None  # PDF: 1-based page
    line: int | None = None  # PDF: 1-based line on the page; text and Markdown: 1-based line of the file
    paragraph: int | None = None  # Word: 1-based paragraph of the body (tables not counted)
    table: int | None = None  # Word: 1-based table of the body
    row: int | None = None  # Word: 1-based row of that table
    footnote: int | None = None  # Word: footnote or endnote, numbered in the order of its marker

    def describe(self) -> str:
        """For people: "page 3, line 12", "table 2, row 4", "paragraph 17"."""
        parts = [
            f"{name} {value}"
            for name, value in (
                ("page", self.page),
                ("paragraph", self.paragraph),
                ("table", self.table),
                ("row", self.row),
                ("footnote", self.footnote),
                ("line", self.line),
            )
            if value is not None
        ]
        return ", ".join(parts)


def end_paragraph(pieces: list[tuple[str, SourceLocation | None]]) -> None:
    """End the text being assembled from located pieces (the PDF and Word readers) with an empty
    line: once, and never at the very start."""
    tail = ""
    for piece, _ in reversed(pieces):
        tail = piece + tail
        if len(tail) >= 2 or tail.strip():
            break
    if tail.strip() and not tail.endswith("\n\n"):
        pieces.append(("\n", None))


@dataclass(frozen=True)
class Section:
    """A heading and the text up to the next heading of the same or a higher level."""

    title: str
    level: int  # 0 = annex ("Anlage 2"), 1 = top clause ("§ 7", "9.", "# x"), larger = deeper
    heading: Line
    start: int  # offset of the heading line
    end: int  # offset where the section ends
    body_start: int  # offset just after the heading line


# Headings: markdown, "§ 7 Title", "7. Title", "7.1 Title", "Anlage 2 – Title", "Annex 3", "IV. Title".
_MD = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ANNEX = re.compile(
    r"^(?:\*\*)?(?:anlage|anhang|annex|appendix|schedule|exhibit|attachment|beilage)\b[\s.:–\-]*"
    r"(?:[0-9IVX]+[a-z]?\b|[A-Z]\b)?[\s.:–\-]*(.*)$",
    re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"^(?:§|Art\.?|Artikel|Article|Clause|Ziffer|Section)\s*\d+[a-z]?\b\.?\s*(.*)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\)?\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
_TITLE_MAX = 90


def _heading(line: str) -> tuple[int, str] | None:
    """Return (level, title) when the line reads as a heading, else None."""
    s = line.strip().strip("*").strip()
    if not s or len(s) > 160:
        return None
    m = _MD.match(s)
    if m:
        return len(m.group(1)), m.group(2).strip("* ")
    m = _ANNEX.match(s)
    # "Anlage 1 ist Bestandteil dieses Vertrages." is a sentence, not a heading.
    is_sentence = len(s) >= 40 and re.search(r"\b(ist|sind|is|are|wird|werden|gilt|enthält)\b", s, re.IGNORECASE)
    if m and len(s) <= _TITLE_MAX + 30 and not s.endswith((",", ";")) and not is_sentence:
        return 0, s
    m = _PARAGRAPH.match(s)
    if (
        m
        and len(s) <= _TITLE_MAX
        and not s.endswith((".", ",", ";"))
        or (m and s.startswith("§") and len(s) <= _TITLE_MAX)
    ):
        return 1, s
    m = _NUMBERED.match(s)
    if m:
        rest = m.group(2)
        if len(rest) <= _TITLE_MAX and not rest.endswith((".", ",", ";", ":")) and rest[:1].isupper():
            return 1 + m.group(1).count("."), s
        return None
    m = _ROMAN.match(s)
    if m and len(m.group(2)) <= _TITLE_MAX and not s.endswith((".", ",", ";")):
        return 2, s
    return None


@dataclass
class Document:
    """Normalised text of one input file, addressed by character offsets."""

    name: str  # file stem
    text: str
    source: str = ""  # path as given
    sha256: str = ""  # of the raw bytes
    media_type: str = "text/plain"
    warnings: list[str] = field(default_factory=list)
    # (offset in `text`, where the text from there on came from), sorted by offset; readers of
    # formats whose text is re-laid out (PDF, Word) fill it.
    source_map: list[tuple[int, SourceLocation]] = field(default_factory=list)
    # results of extraction steps that several fact families ask for, kept for this document only
    # (`graph.extract.memo.per_document`); not part of what the document is
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def source_location(self, offset: int) -> SourceLocation | None:
        """Where the character at `offset` of `text` came from in the original file.

        Text and Markdown files keep their lines, so the line of the text is the line of the
        file; PDF and Word files answer from the source map; HTML has no useful location (None).
        """
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} outside the text (0..{len(self.text)})")
        if self.source_map:
            index = bisect_right(self._source_offsets, offset) - 1
            return self.source_map[index][1] if index >= 0 else None
        if self.media_type in ("text/plain", "text/markdown"):
            return SourceLocation(line=self.line_at(offset).number + 1)
        return None

    @cached_property
    def _source_offsets(self) -> list[int]:
        return [start for start, _ in self.source_map]

    @cached_property
    def lines(self) -> list[Line]:
        out, pos = [], 0
        for i, raw in enumerate(self.text.split("\n")):
            out.append(Line(i, pos, pos + len(raw), raw))
            pos += len(raw) + 1
        return out

    @cached_property
    def sections(self) -> list[Section]:
        heads = []
        for line in self.lines:
            h = _heading(line.text)
            if h:
                heads.append((line, h[0], h[1]))
        out = []
        for i, (line, level, title) in enumerate(heads):
            end = len(self.text)
            for later, later_level, _ in heads[i + 1 :]:
                if later_level <= level:
                    end = later.start
                    break
            out.append(Section(title, level, line, line.start, end, min(line.end + 1, len(self.text))))
        return out

    def span(self, start: int, end: int) -> Span:
        """A Span with surrounding whitespace trimmed, so quotes read cleanly."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return Span(start, end, self.text[start:end])

    def line_at(self, offset: int) -> Line:
        lo, hi = 0, len(self.lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.lines[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.lines[lo]

    def lines_between(self, start: int, end: int) -> list[Line]:
        return [ln for ln in self.lines if ln.end >= start and ln.start < end]

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing the offset."""
        best = None
        for s in self.sections:
            if s.start <= offset < s.end and (best is None or s.level >= best.level):
                best = s
        return best
