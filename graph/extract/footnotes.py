"""Footnote markers (¹ ² * † ‡ (1) [1]) in list entries and the footnote texts they point to.

Lists often say "USA¹" in a row and explain below the table: "¹ Transfers rely on the EU-US
Data Privacy Framework". A transfer mechanism that reaches an entry only this way has scope
"footnote" (gold README), so the tie from marker to text must be explicit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.document import Document
from graph.model import Span

_SUPERSCRIPT = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_SUPER_DIGIT = str.maketrans(_SUPERSCRIPT, "1234567890")
# Markers inside an entry: superscripts, daggers, stars after a word or alone (markdown may
# escape them as "\*"), (1) and [1].
_IN_TEXT = re.compile(
    rf"[{_SUPERSCRIPT}]+|[†‡]+|(?<=[\w).])\\?\*{{1,3}}(?!\w)|(?:^|(?<=\s))\\?\*{{1,3}}(?=\s|$)"
    rf"|\((\d{{1,2}})\)|\[(\d{{1,2}})\]"
)
# A footnote text: a line that starts with a marker.
_DEFINITION = re.compile(
    rf"^\s*(?:[-•]\s*)?\\?([{_SUPERSCRIPT}]+|\*{{1,3}}|[†‡]+|\(\d{{1,2}}\)|\[\d{{1,2}}\])\s*(\S.{{4,}})$"
)
_STRIP = re.compile(rf"[{_SUPERSCRIPT}†‡]+|(?<=[\w).])\\?\*{{1,3}}(?!\w)|\s\[\d{{1,2}}\](?=\s|$)")
MAX_FOOTNOTE_LINES = 20


@dataclass(frozen=True)
class Marker:
    key: str  # normalised: "1", "*", "**", "†"
    start: int
    end: int


def normalise_marker(raw: str) -> str:
    """'¹' and '(1)' and '[1]' are the same footnote '1'; '\\*' is '*'."""
    raw = raw.strip().strip("()[]\\")
    return raw.translate(_SUPER_DIGIT)


def find_markers(text: str, offset: int = 0) -> list[Marker]:
    """Markers in an entry's text; a superscript run such as '¹²' counts as markers 1 and 2."""
    out = []
    for m in _IN_TEXT.finditer(text):
        raw = m.group(0)
        if raw[0] in _SUPERSCRIPT:
            out += [
                Marker(normalise_marker(ch), offset + m.start() + i, offset + m.start() + i + 1)
                for i, ch in enumerate(raw)
            ]
        else:
            out.append(Marker(normalise_marker(raw), offset + m.start(), offset + m.end()))
    return out


def strip_markers(text: str) -> str:
    """The text without footnote markers: "USA¹" -> "USA"."""
    return _STRIP.sub("", text)


def blank_markers(text: str) -> str:
    """Footnote markers replaced by spaces: "USA¹" matches "USA" and offsets stay put."""
    return _STRIP.sub(lambda m: " " * len(m.group(0)), text)


def find_definitions(doc: Document, start: int, end: int | None = None) -> dict[str, Span]:
    """Footnote texts in the lines from `start` on: {marker: span of the footnote line}.

    Stops after MAX_FOOTNOTE_LINES non-blank lines without a footnote or at a heading, so a
    later unrelated starred line is not read as this list's footnote.
    """
    end = len(doc.text) if end is None else end
    found: dict[str, Span] = {}
    misses = 0
    for line in doc.lines_between(start, end):
        if line.start < start or line.is_blank:
            continue
        m = _DEFINITION.match(line.text)
        if m:
            key = normalise_marker(m.group(1))
            found.setdefault(key, doc.span(line.start, line.end))
            misses = 0
            continue
        misses += 1
        if misses > MAX_FOOTNOTE_LINES or (found and line.stripped.startswith("#")):
            break
    return found
