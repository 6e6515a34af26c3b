"""Line shapes shared by the list parsers: bullets, numbering, markdown marks and "Key: value".

Readers turn HTML lists into "- item" and headings into "# title"; plain-text DPAs use "•",
"·", "1.", "a)" and bold "**Key:**". This module reduces a line to its content with offsets,
so every parser sees the same shape whatever the source format was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.document import Line
from graph.extract.sub_fields import field_role

_MARKER = re.compile(
    r"^(?P<indent>\s*)(?P<marker>#{1,6}\s+|[-–•·*▪◦‣○●]\s+|\(?\d{1,2}(?:\.\d{1,2})*[.)]\s+|\(?[a-z][.)]\s+|\(?[ivx]{1,4}[.)]\s+)?"
)
_KEY_VALUE = re.compile(r"^(?P<key>[^:\n]{1,200}?)\s*:\s*(?P<value>.*)$")
_BRACKETED = re.compile(r"\([^()]*\)")
MAX_KEY_WORDS = 8
MAX_KEY_CHARS = 60
_BOLD = re.compile(r"\*\*|__")


@dataclass(frozen=True)
class Content:
    line: Line
    start: int  # offsets into Document.text of the content after markers
    end: int
    bullet: bool  # the line is a list item (bullet or number)
    heading: bool  # a markdown heading
    ordered: bool = False  # the list item is numbered ("1.", "a)")

    @property
    def text(self) -> str:
        return self.line.text[self.start - self.line.start : self.end - self.line.start]


@dataclass(frozen=True)
class KeyValue:
    key: str
    role: str | None  # field role of the key, None when the key is unknown
    value_start: int
    value_end: int


def content(line: Line) -> Content:
    """The line without indentation, list marker, heading hashes or surrounding bold."""
    m = _MARKER.match(line.text)
    marker = (m.group("marker") or "") if m else ""
    a = len(m.group(0)) if m else 0
    b = len(line.text.rstrip())
    for mark in ("**", "__"):
        if line.text.startswith(mark, a):
            a += len(mark)
            if line.text[a:b].endswith(mark):
                b -= len(mark)
    while a < b and line.text[a].isspace():
        a += 1
    bullet = bool(marker) and not marker.startswith("#")
    ordered = bullet and marker.strip()[:1] not in "-–•·*▪◦‣○●"
    return Content(line, line.start + a, line.start + b, bullet, marker.startswith("#"), ordered)


def key_value(c: Content) -> KeyValue | None:
    """ "Key: value" with a short key that is not a URL scheme or a sentence."""
    text = c.text
    m = _KEY_VALUE.match(text)
    if not m:
        return None
    key = _BRACKETED.sub("", _BOLD.sub("", m.group("key"))).strip()
    if (
        not key
        or len(key.split()) > MAX_KEY_WORDS
        or len(key) > MAX_KEY_CHARS
        or "//" in text[m.end("key") : m.end("key") + 4]
        or key.lower() in ("http", "https")
    ):
        return None
    v_start = m.start("value")
    v_end = m.end("value")
    while v_start < v_end and text[v_start] in "*_ ":
        v_start += 1
    return KeyValue(key, field_role(key), c.start + v_start, c.start + v_end)
