"""Footnote markers (¹ ² ᵃ ⁽ᵃ⁾ * *) † ‡ (1) [1], and "(a)" / "1)" after a name) in list entries and the footnote texts they point to.

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
_SUPER_LETTERS = "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"
_SUPER = _SUPERSCRIPT + _SUPER_LETTERS
_SUPER_DIGIT = str.maketrans(_SUPER + "⁽⁾", "1234567890abcdefghijklmnoprstuvwxyz  ")
# After a word: "Acme Inc. (a)", "Acme Inc.*)", "Acme Inc. 1)" (never "Art. 46(2)(c)").
_AFTER_WORD = r"(?:(?<=[^\W\d_])|(?<=[^\W\d_]\.)|(?<=[^\W\d_] )|(?<=[^\W\d_]\. ))"
# Markers inside an entry: superscripts (digits, letters, "⁽ᵃ⁾"), daggers, stars after a word
# or alone (markdown may escape them as "\*"), "*)", (1), [1], and after a word (a) and 1).
_IN_TEXT = re.compile(
    rf"⁽?[{_SUPER}]+⁾?|[†‡]+|(?<=[\w).])\\?\*{{1,3}}\)?(?!\w)|(?:^|(?<=\s))\\?\*{{1,3}}\)?(?=\s|$)"
    rf"|\((\d{{1,2}})\)|\[(\d{{1,2}})\]|{_AFTER_WORD}(?:\([a-h]\)|\d{{1,2}}\))(?=\s|$|[,;])"
)
# A footnote text: a line that starts with a marker.
_DEFINITION = re.compile(
    rf"^\s*(?:[-•]\s*)?\\?(⁽?[{_SUPER}]+⁾?|\*{{1,3}}\)?|[†‡]+|\(\d{{1,2}}\)|\[\d{{1,2}}\]|\([a-h]\)|\d{{1,2}}\))"
    rf"\s*(\S.{{2,}})$"
)
_STRIP = re.compile(
    rf"⁽?[{_SUPER}†‡]+⁾?|(?<=[\w).])\\?\*{{1,3}}\)?(?!\w)|\s\[\d{{1,2}}\](?=\s|$)"
    rf"|(?<=[^\W\d_]\.)\s?\([a-h]\)$|(?<=[^\W\d_])\s\([a-h]\)$|(?<=[^\W\d_]\.)\s\d{{1,2}}\)$"
)
MAX_FOOTNOTE_LINES = 20


@dataclass(frozen=True)
class Marker:
    key: str  # normalised: "1", "*", "**", "†"
    start: int
    end: int


def normalise_marker(raw: str) -> str:
    """'¹' and '(1)' and '[1]' are the same footnote '1'; '\\*' is '*'."""
    raw = raw.strip().translate(_SUPER_DIGIT).strip()
    return raw.strip("()[]\\").strip()


def find_markers(text: str, offset: int = 0) -> list[Marker]:
    """Markers in an entry's text; a superscript run such as '¹²' counts as markers 1 and 2."""
    out = []
    for m in _IN_TEXT.finditer(text):
        raw = m.group(0)
        if raw[0] in _SUPER:
            out += [
                Marker(normalise_marker(ch), offset + m.start() + i, offset + m.start() + i + 1)
                for i, ch in enumerate(raw)
                if ch in _SUPER
            ]
        elif raw[0] == "⁽":
            out.append(Marker(normalise_marker(raw), offset + m.start(), offset + m.end()))
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
