"""Sentences and line kinds of a `Document`, addressed by offsets into `Document.text`.

Clause cues are matched per sentence, lists and party blocks per line. Markdown emphasis
(`**`, `__`, backticks) is blanked to spaces of the same length (`clean_text`), so patterns
see "keine besonderen" in "****keine besonderen" and offsets never shift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graph.document import Document, Line, Section
from graph.extract.clause_cues import anchored, cue
from graph.extract.memo import per_document

CONTEXT_SENTENCES = 2  # earlier sentences of the same paragraph that count as context
_MARKUP = re.compile(r"\*{2,}|_{2,}|`+")
BULLET = re.compile(
    r"^\s*(?:[-–—•·*▪◦●○■□➢►✓✔☐☒☑⊠]|\[[\sxX✓]\]|\d{1,2}[.)]|\(\d{1,2}\)|\(?[a-z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])(?:\s+|$)",
    re.IGNORECASE,
)
TABLE = re.compile(r"^\s*\|")
_TERMINAL = (".", "!", "?", ":", ";")
# A full stop, then space, then a capital, digit, quote, bracket or § starts a new sentence.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”“']?\s+(?=[\"„“(\[]?[A-ZÄÖÜ0-9§])")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
# "§ 2 Art und Zweck …", "2.1 Datenarten", "Anlage 1 …": an unfinished numbered line is a title.
_NUMBERED_TITLE = re.compile(
    r"^\s*(?:#+\s*)?(?:§\s*\d+|\d{1,2}(?:\.\d{1,2})*\.?\s|(?:anlage|anhang|annex|appendix)\s+\w+)", re.IGNORECASE
)


@dataclass(frozen=True)
class Sentence:
    start: int  # offset in Document.text
    end: int
    text: str  # the clean text (markup blanked) of [start, end)
    index: int  # position in the sentence list
    block: int  # paragraph / list item / table row it belongs to


def clean_text(text: str) -> str:
    """Markdown emphasis replaced by spaces of equal length: offsets stay valid."""
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


def line_kind(doc: Document, line: Line, headings: frozenset[int] | None = None) -> str:
    """'blank', 'table', 'heading', 'bullet' or 'text'."""
    text = clean_text(line.text)
    if not text.strip():
        return "blank"
    if TABLE.match(text):
        return "table"
    if headings is None:
        headings = heading_lines(doc)
    if line.number in headings:
        return "heading"
    if BULLET.match(text):
        return "bullet"
    return "text"


def heading_lines(doc: Document) -> frozenset[int]:
    return frozenset(s.heading.number for s in doc.sections)


def sentences(doc: Document) -> list[Sentence]:
    """The sentences of the document in order (cached per text)."""
    return list(_sentences(doc.text))


@lru_cache(maxsize=16)
def _sentences(text: str) -> tuple[Sentence, ...]:
    doc = Document(name="", text=text)
    clean = clean_text(text)
    out: list[Sentence] = []
    for block_no, (start, end) in enumerate(_blocks(doc)):
        for s, e in _split(clean, start, end):
            out.append(Sentence(s, e, clean[s:e], len(out), block_no))
    return tuple(out)


def _blocks(doc: Document) -> list[tuple[int, int]]:
    """Paragraphs, list items, table rows and headings as (start, end) offsets.

    A line joins the block before it when it continues a sentence: it starts in lower case
    after a line without final punctuation, or the previous line is long and unfinished
    (hard-wrapped text).
    """
    heads = heading_lines(doc)
    blocks: list[list[Line]] = []
    current: list[Line] = []
    pending_blank = False
    for line in doc.lines:
        kind = line_kind(doc, line, heads)
        if kind == "blank":
            pending_blank = True
            continue
        text = clean_text(line.text).strip()
        if current and kind == "text" and _continues(current[-1], text, pending_blank):
            current.append(line)
        else:
            if current:
                blocks.append(current)
            current = [line]
        pending_blank = False
        if kind in ("table", "heading"):
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [(b[0].start, b[-1].end) for b in blocks]


def _continues(prev: Line, text: str, after_blank: bool) -> bool:
    prev_text = clean_text(prev.text).rstrip()
    if prev_text.endswith(_TERMINAL) or TABLE.match(prev_text) or _NUMBERED_TITLE.match(prev_text):
        return False
    starts_lower = text[:1].islower()
    if after_blank:
        return starts_lower
    return starts_lower or len(prev_text.strip()) >= 60


def _split(clean: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one block, skipping full stops after abbreviations and ordinals."""
    chunk = clean[start:end]
    cuts = [0]
    for m in _BOUNDARY.finditer(chunk):
        before = chunk[cuts[-1] : m.start()]
        w = _WORD_BEFORE.search(before)
        if before.endswith(".") and w:
            word = w.group(1).rstrip(".")
            if word.isdigit() and len(word) <= 2 or anchored("abbreviation").fullmatch(word):
                continue
        cuts.append(m.end())
    cuts.append(len(chunk))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        s, e = start + a, start + b
        while s < e and clean[s].isspace():
            s += 1
        while e > s and clean[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def headings_above(doc: Document, offset: int) -> list[str]:
    """Titles of every section that contains the offset, outermost first."""
    return [title for s, title in _outermost_first(doc) if s.start <= offset < s.end and s.heading.start != offset]


@per_document
def _outermost_first(doc: Document) -> list[tuple[Section, str]]:
    """The sections with their clean titles, outermost first: asked for by nearly every sentence."""
    return [(s, clean_text(s.title)) for s in sorted(doc.sections, key=lambda s: (s.level, s.start))]


def in_section(doc: Document, offset: int, cue: re.Pattern) -> bool:
    """True when a heading above the offset matches the cue (e.g. a TOM annex)."""
    return any(cue.search(t) for t in headings_above(doc, offset))


def in_tom(doc: Document, offset: int) -> bool:
    """Inside a section on technical and organisational measures (its "…kontrolle" headings
    look like clauses, so most clause extractors skip it)."""
    return in_section(doc, offset, cue("tom-heading"))


def near(doc: Document, s: Sentence, pattern: re.Pattern) -> bool:
    """The cue occurs in the sentence, the sentences just before it in its paragraph, or a heading above."""
    if pattern.search(s.text):
        return True
    all_sentences = sentences(doc)
    for k in range(max(0, s.index - CONTEXT_SENTENCES), s.index):
        if all_sentences[k].block == s.block and pattern.search(all_sentences[k].text):
            return True
    return any(pattern.search(t) for t in headings_above(doc, s.start))
