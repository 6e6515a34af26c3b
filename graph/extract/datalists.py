"""Data categories and data subjects (Art. 28(3) GDPR) as list items, in any layout.

A list is found from its heading or introduction (cue sets `data-category-heading`,
`data-subject-heading`) and read in the layout that follows: bullets or numbers, one item per
line, a table column, a key–value line ("Betroffene: Kunden, Interessenten") or a prose
sentence ("Betroffen sind A, B sowie C."). Items are copied as written: bullets, numbering,
markup and surrounding whitespace removed, broken lines joined, bracketed examples kept.
Lists inside TOM or sub-processor sections are never read (a data-list heading nearer than the
sub-processor heading, or a vendor page merely titled "Subprocessors", lifts that). Gender-inclusive
forms ("Kund:innen", "Mitarbeiter*innen", "MitarbeiterInnen") are one word: their sign is neither a
colon, a separator nor markup, and the vocabulary is asked with the base form ("Kunden").
Items may also be separated by " / " or by two or more spaced dashes on one line. A missing or
garbled list gives what is there plus a warning; nothing is invented.
When no heading names the data categories, a list after an intro ending in ":" whose paragraph
speaks about personal data, or a sentence list opened by "Verarbeitet werden", is read instead; the
value of the SCC field "Sensitive data processed (if applicable) …:" is one more category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graph.document import Document
from graph.extract.clause_cues import anchored, cue
from graph.extract.memo import per_document
from graph.extract.sentences import (
    BULLET,
    TABLE,
    Sentence,
    clean_text,
    heading_lines,
    in_section,
    line_kind,
    sentences,
)
from graph.model import ListItem
from graph.vocab import vocabulary

_MAX_ITEM = 400  # characters; longer "items" are paragraphs
_MAX_LINE_ITEM = 160  # one-item-per-line layout: a longer line is prose
_MAX_ITEMS = 60
_PREFIX = 60  # a prose list must start near the sentence start
_SHORT_ITEM = 80  # items one per paragraph must be short


@dataclass(frozen=True)
class _Kind:
    cue: str  # heading cue of this list
    other: str  # heading cue of the other list (ends this one)
    scheme: str  # SKOS scheme for the concepts
    what: str  # for warnings
    weak: str | None = None  # prose cue counted only near a heading cue


CATEGORIES = _Kind("data-category-heading", "data-subject-heading", "data-categories", "data categories")
SUBJECTS = _Kind("data-subject-heading", "data-category-heading", "data-subjects", "data subjects", "data-subject-weak")


@per_document  # also asked for by clauses.special_categories
def find_data_categories(doc: Document) -> tuple[list[ListItem], list[str]]:
    """The listed types of personal data, with warnings for missing or empty lists."""
    return _find(doc, CATEGORIES)


def find_data_subjects(doc: Document) -> tuple[list[ListItem], list[str]]:
    """The listed categories of data subjects, with warnings for missing or empty lists."""
    return _find(doc, SUBJECTS)


def _find(doc: Document, kind: _Kind) -> tuple[list[ListItem], list[str]]:
    clean = _masked(doc.text)
    spans: list[tuple[int, int]] = []
    announced = False
    for m in cue(kind.cue).finditer(clean):
        if _excluded(doc, m.start()) or _other_list_first(doc, clean, m, kind):
            continue
        found = _read_list(doc, clean, m, kind)
        if found is None:
            continue
        announced = True
        spans.extend(found)
    if kind.weak:
        spans.extend(_weak_prose(doc, clean, kind))
    if kind is CATEGORIES:
        if not spans:
            spans.extend(_unnamed_lists(doc, clean))
        spans.extend(_sensitive_field(doc, clean))
    items = _items(doc, _unmasked(doc.text, clean), spans, kind)
    warnings = []
    if not items:
        if announced:
            warnings.append(f"{kind.what}: the list is announced but no items were found (missing or garbled)")
        else:
            warnings.append(f"{kind.what}: no list found")
    return items, warnings


def _excluded(doc: Document, offset: int) -> bool:
    """Inside a TOM or sub-processor section, unless a data-list heading nearer to the offset (or the
    cue's own heading line) opens a subsection: '# Subprocessors' / '### What personal data we process'.
    Under a page title alone ('Subprocessors' on a vendor page) a short stand-alone cue line counts too."""
    above = sorted(
        (sec for sec in doc.sections if sec.start <= offset < sec.end and sec.heading.start != offset),
        key=lambda sec: (sec.level, sec.start),
    )
    titles = [clean_text(sec.title) for sec in above]
    other = (cue("tom-heading"), cue("clause-subprocessor"))
    lists = (cue(CATEGORIES.cue), cue(SUBJECTS.cue))
    last_other = max((k for k, t in enumerate(titles) if any(c.search(t) for c in other)), default=-1)
    if last_other < 0:
        return False
    page_title = last_other == 0 and _is_page_title(doc, above[0])
    if page_title and len(above) > 1:  # '# Subprocessors and DPA terms' / '### 1. What we process'
        return False
    line = doc.line_at(offset)
    own = clean_text(line.text).strip()
    if line.number in heading_lines(doc) or (page_title and _title_like(own)):
        titles.append(own)
    last_list = max((k for k, t in enumerate(titles) if any(c.search(t) for c in lists)), default=-1)
    return last_other > last_list


def _is_page_title(doc: Document, section) -> bool:
    """The section opens the document (its heading is the first non-blank line) and is no annex."""
    first = next((ln for ln in doc.lines if ln.text.strip()), None)
    return first is not None and section.heading.start == first.start and section.level >= 1


def _title_like(text: str) -> bool:
    """A short stand-alone line that names a list ('What personal data we process', 'Data subjects:')."""
    return 0 < len(text) <= 80 and not text.endswith((".", ";", ",")) and not BULLET.match(text)


def _other_list_first(doc: Document, clean: str, m: re.Match, kind: _Kind) -> bool:
    """'Categories of data subjects whose personal data is processed:': the line opens the other list."""
    line = doc.line_at(m.start())
    other = cue(kind.other).search(clean, line.start, line.end)
    return bool(other and other.start() < m.start() and not cue(kind.cue).search(clean, line.start, other.start()))


_GENDER_MASK = "x"  # stands in for the sign of 'Kund:innen' while lists are read


def _masked(text: str) -> str:
    """The clean text with gender signs ('Kund:innen', 'Mitarbeiter*innen', 'Lehrer/-innen') turned
    into a letter, so they are neither a colon, a separator nor markup. Offsets stay valid."""
    return clean_text(cue("gender-infix").sub(lambda m: _GENDER_MASK * len(m.group()), text))


def _unmasked(text: str, clean: str) -> str:
    """The clean text with the gender signs restored (items are copied as written)."""
    chars = list(clean)
    for m in cue("gender-infix").finditer(text):
        chars[m.start() : m.end()] = text[m.start() : m.end()]
    return "".join(chars)


def _degendered(label: str) -> str:
    """'Kund:innen und Interessent:innen' -> 'Kunden und Interessenten' (for the vocabulary lookup)."""

    def base(m: re.Match) -> str:
        stem = re.search(r"\w+$", label[: m.start()])
        word = stem.group() if stem else ""
        if cue("gender-plural-unchanged").search(word):
            return ""
        return "n" if word.endswith("e") else "en"

    return cue("gender-suffix").sub(base, label)


# --- finding the list after a cue ---------------------------------------------------------


def _read_list(doc: Document, clean: str, m: re.Match, kind: _Kind) -> list[tuple[int, int]] | None:
    """Item spans for one cue occurrence, or None when the occurrence does not introduce a list."""
    line = doc.line_at(m.start())
    text = clean[line.start : line.end]
    if TABLE.match(text):
        return _table_cue(doc, clean, line.number, m)
    value_start = _after_key(clean, m, line.end)
    if value_start is not None:  # "Betroffene: Kunden, Interessenten" or "… handelt es sich um:"
        value = clean[value_start : line.end].strip(" \t•·*-–")
        if not value:
            return _list_below(doc, clean, line.number + 1, kind, announced=True)
        if _is_reference(value):  # "Art der Daten: siehe Anlage 1"
            return None
        if len(value) >= 2:
            end = _sentence_end(doc, value_start, line.end)
            return _split_inline(clean, _after_inner_colon(clean, value_start, end), end)
    if _is_heading(doc, clean, line.number, m):
        if cue(kind.other).search(text):  # "Art der Daten und Kategorien betroffener Personen"
            return None
        return _list_below(doc, clean, line.number + 1, kind, announced=False)
    sentence = _sentence_of(doc, m.start())
    if sentence is None:
        return None
    if re.search(r":[\s•·*\-–]*$", sentence.text):  # "… folgende Datenarten betroffen:"
        return _list_below(doc, clean, doc.line_at(sentence.end - 1).number + 1, kind, announced=True)
    return _prose(clean, sentence, m)


def _after_key(clean: str, m: re.Match, line_end: int) -> int | None:
    """Offset after the colon that closes the key the cue opens (on the same line), else None."""
    if m.group().rstrip().endswith(":"):
        return m.end()
    colon = re.match(r"[^:.;!?]{0,60}?:", clean[m.end() : line_end])
    return m.end() + colon.end() if colon else None


def _is_heading(doc: Document, clean: str, number: int, m: re.Match) -> bool:
    """The cue opens a short line that reads as a heading ('1.4 Kategorien personenbezogener Daten')."""
    line = doc.lines[number]
    if number in heading_lines(doc):
        return True
    if line_kind(doc, line) == "bullet" and number > 0:
        prev = _skip_blank_back(doc, number - 1)
        if prev is not None and line_kind(doc, doc.lines[prev]) == "bullet":
            return False  # an item inside another list ("- Kategorien der betroffenen Daten")
    text = clean[line.start : line.end].strip()
    prefix = clean[line.start : m.start()].strip()
    prefix = re.sub(r"^(?:#+|§\s*\d+[a-z]?|\(?\d+(?:\.\d+)*[.)]?|[A-Z][.)]|[-–•·*]|\W)+", "", prefix).strip()
    return len(text) <= 100 and not text.endswith((".", ",", ";")) and len(prefix) <= 25


def _sentence_of(doc: Document, offset: int) -> Sentence | None:
    for s in sentences(doc):
        if s.start <= offset < s.end:
            return s
    return None


def _sentence_end(doc: Document, offset: int, default: int) -> int:
    s = _sentence_of(doc, offset)
    return s.end if s is not None else default


def _is_reference(value: str) -> bool:
    return bool(cue("list-reference").search(value))


# --- layouts ------------------------------------------------------------------------------


def _list_below(doc: Document, clean: str, start: int, kind: _Kind, announced: bool) -> list[tuple[int, int]]:
    """Items in the lines below a heading or an intro ending in ':'."""
    lines = doc.lines
    heads = heading_lines(doc)
    i = _skip_blank(doc, start)
    if i is None:
        return []
    first_kind = line_kind(doc, lines[i], heads)
    first = clean[lines[i].start : lines[i].end].strip()
    if not announced and first_kind in ("text", "bullet") and first.endswith(":") and not cue(kind.other).search(first):
        i = _skip_blank(doc, i + 1)  # "4.1 Die Kategorien … umfasst insbesondere:"
        if i is None:
            return []
        first_kind = line_kind(doc, lines[i], heads)
        first = clean[lines[i].start : lines[i].end].strip()
    if first_kind == "heading" and _starts_numbering(first):
        first_kind = "bullet"  # "1. Stammdaten" reads like a heading but opens a numbered list
    if first_kind == "table":
        return _table_below(doc, clean, i, kind)
    if first_kind == "bullet":
        return _bullets(doc, clean, i, kind)
    if first_kind == "text":
        nxt = _skip_blank(doc, i + 1)
        lead_in = (
            nxt is not None
            and line_kind(doc, lines[nxt], heads) == "bullet"
            and len(first) <= _MAX_LINE_ITEM
            and not first.endswith((".", ":"))
        )
        if lead_in:  # an item that lost its bullet, then the bulleted rest
            return [(lines[i].start, lines[i].end), *_bullets(doc, clean, nxt, kind)]
        return _plain_lines(doc, clean, i, kind, announced)
    return []


def _skip_blank_back(doc: Document, i: int) -> int | None:
    while i >= 0 and not clean_text(doc.lines[i].text).strip():
        i -= 1
    return i if i >= 0 else None


def _skip_blank(doc: Document, i: int) -> int | None:
    while i < len(doc.lines) and not clean_text(doc.lines[i].text).strip():
        i += 1
    return i if i < len(doc.lines) else None


def _bullets(doc: Document, clean: str, i: int, kind: _Kind) -> list[tuple[int, int]]:
    """Bulleted or numbered items; continuation lines and items split over a blank line joined."""
    lines = doc.lines
    heads = heading_lines(doc)
    items: list[list[int]] = []  # [start, end]
    first_style = ""
    while i < len(lines) and len(items) < _MAX_ITEMS:
        line = lines[i]
        text = clean[line.start : line.end]
        k = line_kind(doc, line, heads)
        if k == "heading" and BULLET.match(text):
            same_list = _marker_style(text) == first_style if items else _starts_numbering(text)
            k = "bullet" if same_list else k
        if k == "bullet":
            style = _marker_style(text)
            if items and (style != first_style or cue(kind.other).search(text) or _paragraph(text)):
                break
            first_style = first_style or style
            body = line.start + BULLET.match(text).end()
            items.append([body, line.end])
            i += 1
            continue
        if k == "blank":
            nxt = _skip_blank(doc, i)
            if nxt is None:
                break
            nk = line_kind(doc, lines[nxt], heads)
            if nk == "bullet" or (nk == "text" and items and _open_item(clean, items[-1])):
                i = nxt
                continue
            break
        if k == "text" and items and (_open_item(clean, items[-1]) or text.strip()[:1].islower()):
            items[-1][1] = line.end
            i += 1
            continue
        break
    return _ticked([(s, e) for s, e in items], lines_of=[doc.line_at(s) for s, _ in items], clean=clean)


def _ticked(items: list[tuple[int, int]], lines_of: list, clean: str) -> list[tuple[int, int]]:
    """Checkbox lists: keep the ticked items when some boxes are ticked and others empty."""
    markers = [clean[ln.start : s] for (s, _), ln in zip(items, lines_of, strict=True)]
    unticked = [bool(cue("checkbox-unchecked").match(m)) for m in markers]
    boxes = [bool(re.match(r"^\s*\S", m)) for m in markers]
    if any(unticked) and not all(unticked) and all(boxes):
        return [it for it, off in zip(items, unticked, strict=True) if not off]
    return items


def _starts_numbering(text: str) -> bool:
    """'1. …', '(1) …', 'a) …': the first marker of a numbered list."""
    m = BULLET.match(text)
    return bool(m) and re.sub(r"\W", "", m.group()).lower() in ("1", "a", "i")


def _marker_style(text: str) -> str:
    """The kind of list marker ('-', '1.', '(1)', 'a)', …): a change of kind ends the list."""
    marker = BULLET.match(text).group().strip()
    if not marker or marker[0] in "-–—":
        return "-"
    if marker[0] in "☐☒☑⊠□[":
        return "box"
    shape = re.sub(r"\d+", "9", marker)
    return re.sub(r"(?i)^(\(?)(?:[ivx]+|[a-z])", r"\1a", shape)


def _paragraph(text: str) -> bool:
    """A numbered paragraph ('(3) Es werden … Der Auftragnehmer …'), not a list item."""
    if len(text) > 250 and re.search(r"[.!?]\s+[A-ZÄÖÜ]", text):
        return True
    statement = text.rstrip().endswith(".") and cue("processing-verb").search(text)
    return bool(statement and cue("special-categories").search(text))


def _open_item(clean: str, item: list[int]) -> bool:
    """An item that obviously continues: an open bracket, or a trailing comma or hyphen."""
    text = clean[item[0] : item[1]].rstrip()
    return text.count("(") > text.count(")") or text.endswith((",", "-", "–", "/"))


def _plain_lines(doc: Document, clean: str, i: int, kind: _Kind, announced: bool) -> list[tuple[int, int]]:
    """One item per line until a blank line, a heading or a prose sentence. After an intro
    ending in ':', short items may also stand one per paragraph (blank lines between)."""
    lines = doc.lines
    heads = heading_lines(doc)
    out: list[tuple[int, int]] = []
    while i < len(lines) and len(out) < _MAX_ITEMS:
        line = lines[i]
        text = clean[line.start : line.end].strip()
        if not text and announced and out:
            nxt = _skip_blank(doc, i)
            if nxt is not None and _paragraph_item(doc, clean, out[-1], nxt, kind):
                i = nxt
                continue
            break
        if line_kind(doc, line, heads) != "text" or not _item_like(text, kind):
            break
        out.append((line.start, line.end))
        i += 1
    if len(out) == 1:  # a single line with commas is an inline list …
        s, e = out[0]
        if cue(kind.cue).search(clean[s:e]):  # … unless it names the list itself: its own cue reads it
            return []
        return _split_inline(clean, s, e)
    return out


def _paragraph_item(doc: Document, clean: str, last: tuple[int, int], nxt: int, kind: _Kind) -> bool:
    """After a blank line, the next line is one more short item like the last one."""
    line = doc.lines[nxt]
    following = clean[line.start : line.end].strip()
    if not (_short_item(clean, last) and _short_item(clean, (line.start, line.end))):
        return False
    return line_kind(doc, line) == "text" and _item_like(following, kind)


def _short_item(clean: str, span: tuple[int, int]) -> bool:
    text = clean[span[0] : span[1]].strip()
    return 0 < len(text) <= _SHORT_ITEM and not text.endswith((".", ":"))


def _item_like(text: str, kind: _Kind) -> bool:
    if not text or len(text) > _MAX_LINE_ITEM or text.endswith(":"):
        return False
    if re.search(r"[.!?]\s+[A-ZÄÖÜ]", text) or cue(kind.other).search(text):
        return False
    return not cue("special-categories").search(text)


def _table_cue(doc: Document, clean: str, number: int, m: re.Match) -> list[tuple[int, int]] | None:
    """A cue in a table: a header cell (read its column) or a key cell (read the value cells)."""
    cells = _cells(doc, clean, number)
    col = next((k for k, (s, e) in enumerate(cells) if s <= m.start() < e), None)
    if col is None:
        return None
    if _is_separator(doc, number + 1):
        rows = _table_rows(doc, number + 2)
        return [_cell(doc, clean, r, col) for r in rows if _cell(doc, clean, r, col)]
    if col == 0 and len(cells) > 1:
        out = []
        for s, e in cells[1:]:
            out.extend(_split_inline(clean, s, e))
        return out
    return None


def _table_below(doc: Document, clean: str, i: int, kind: _Kind) -> list[tuple[int, int]]:
    """A table under a heading: the column whose header names the list, else the first column."""
    header = _cells(doc, clean, i)
    has_header = _is_separator(doc, i + 1)
    col = 0
    if has_header:
        for k, (s, e) in enumerate(header):
            if cue(kind.cue).search(clean[s:e]):
                col = k
                break
        rows = _table_rows(doc, i + 2)
    else:
        rows = _table_rows(doc, i)
    return [c for r in rows if (c := _cell(doc, clean, r, col))]


def _cells(doc: Document, clean: str, number: int) -> list[tuple[int, int]]:
    line = doc.lines[number]
    text = clean[line.start : line.end]
    bars = [k for k, ch in enumerate(text) if ch == "|"]
    out = []
    for a, b in zip(bars, bars[1:], strict=False):
        s, e = line.start + a + 1, line.start + b
        while s < e and clean[s].isspace():
            s += 1
        while e > s and clean[e - 1].isspace():
            e -= 1
        out.append((s, e))
    return out


def _cell(doc: Document, clean: str, number: int, col: int) -> tuple[int, int] | None:
    cells = _cells(doc, clean, number)
    if col < len(cells) and cells[col][1] > cells[col][0]:
        return cells[col]
    return None


def _is_separator(doc: Document, number: int) -> bool:
    return number < len(doc.lines) and bool(re.match(r"^\s*\|?[\s:|-]*-{3,}[\s:|-]*$", doc.lines[number].text))


def _table_rows(doc: Document, i: int) -> list[int]:
    out = []
    while i < len(doc.lines) and TABLE.match(doc.lines[i].text) and len(out) < _MAX_ITEMS:
        if not _is_separator(doc, i):
            out.append(i)
        i += 1
    return out


# --- prose --------------------------------------------------------------------------------


def _prose(clean: str, sentence: Sentence, m: re.Match) -> list[tuple[int, int]] | None:
    """'Betroffen sind A, B sowie C.' / 'The personal data processed are names, … and IP addresses.'"""
    if m.start() - sentence.start > _PREFIX:
        return None
    copula = cue("list-copula").search(clean, m.start(), sentence.end)
    if copula is None or copula.start() - m.end() > 80:
        return None
    start = copula.end()
    filler = cue("list-filler").match(clean[start : sentence.end])
    if filler:
        start += filler.end()
    start = _after_inner_colon(clean, start, sentence.end)
    value = clean[start : sentence.end].strip()
    if len(value) < 2 or _is_reference(value):
        return None
    return _split_inline(clean, start, sentence.end)


def _after_inner_colon(clean: str, start: int, end: int) -> int:
    """'The types … are determined by Customer and may include: name, email' -> after the colon."""
    colon = clean.rfind(":", start, end)
    if colon >= 0 and clean[colon + 1 : end].strip():
        return colon + 1
    return start


def _weak_prose(doc: Document, clean: str, kind: _Kind) -> list[tuple[int, int]]:
    """'Ferner können betroffen sein: X' / '… können auch Mitarbeiter betroffen sein (etwa …)',
    counted only in a paragraph whose earlier text (or heading) names the list."""
    out: list[tuple[int, int]] = []
    all_sentences = sentences(doc)
    for m in cue(kind.weak).finditer(clean):
        s = _sentence_of(doc, m.start())
        if s is None or _excluded(doc, m.start()) or not _near_heading_cue(doc, clean, all_sentences, s, kind):
            continue
        after = re.match(r"\s*:\s*", clean[m.end() : s.end])
        if after:
            out.extend(_split_inline(clean, m.end() + after.end(), s.end))
            continue
        leads = list(cue("np-lead").finditer(clean, s.start, m.start()))
        if not leads:
            continue
        start, end = leads[-1].end(), m.start()
        phrase = clean[start:end].strip()
        if 3 <= len(phrase) <= 120 and not _is_reference(phrase):
            out.append((start, end))
    return out


def _near_heading_cue(doc: Document, clean: str, all_sentences: list[Sentence], s: Sentence, kind: _Kind) -> bool:
    same_block = [x for x in all_sentences if x.block == s.block and x.start <= s.start]
    if any(cue(kind.cue).search(x.text) for x in same_block):
        return True
    return in_section(doc, s.start, cue(kind.cue))


def _split_inline(clean: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a prose or key–value list at top-level commas and semicolons, 'sowie' / 'as well as',
    and the 'und'/'and' before the last item; relative clauses stay with their item."""
    text = clean[start:end]
    depth = 0
    cuts: list[tuple[int, int, str]] = []  # (cut start, cut end, kind)
    k = 0
    while k < len(text):
        ch = text[k]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",;":
            if ch == ";" or not (cue("relative-clause").match(text[k + 1 :]) or _open_compound(text, k)):
                cuts.append((k, k + 1, ch))
        elif depth == 0:
            m = cue("list-split").match(text[k:])
            if m:
                cuts.append((k, k + m.end(), "split"))
                k += m.end()
                continue
        k += 1
    dashes = [m for m in cue("list-dash-split").finditer(text) if _depth_at(text, m.start()) == 0]
    if len(dashes) >= 2 and not any(c[2] in ",;" for c in cuts):  # "Kunden – Interessenten – Lieferanten"
        cuts = sorted(cuts + [(m.start(), m.end(), "split") for m in dashes])
    semicolons = any(c[2] == ";" for c in cuts)
    if semicolons:
        cuts = [c for c in cuts if c[2] != ","]  # "A, B; C" lists with ';' as the separator
    pieces = []
    pos = 0
    for a, b, _ in cuts:
        pieces.append((pos, a))
        pos = b
    pieces.append((pos, len(text)))
    if len(pieces) >= 2 and not semicolons and not any(c[2] == "split" for c in cuts):
        last = pieces[-1]
        ands = [
            m
            for m in cue("list-last-and").finditer(text, last[0], last[1])
            if _depth_at(text, m.start()) == 0 and not _open_compound(text, m.start())
        ]
        if ands:
            pieces[-1:] = [(last[0], ands[-1].start()), (ands[-1].end(), last[1])]
    out = []
    for a, b in pieces:
        s, e = _trim(clean, start + a, start + b)
        if e > s:
            out.append((s, e))
    return out


def _open_compound(text: str, pos: int) -> bool:
    """'Bestell-, Liefer- und Rechnungsdaten': a word ending in a hyphen shares the last word."""
    return bool(re.search(r"\w-$", text[:pos]))


@lru_cache(maxsize=1)
def _trailing() -> re.Pattern:
    """Punctuation or a conjunction left at the end of an item ('Name,' / 'E-Mail und')."""
    return re.compile(rf"[\s,;.:]+$|\s+(?:{cue('trailing-conjunction').pattern})$", re.IGNORECASE)


def _depth_at(text: str, pos: int) -> int:
    return max(0, text.count("(", 0, pos) - text.count(")", 0, pos))


def _trim(clean: str, s: int, e: int) -> tuple[int, int]:
    """Offsets without bullets, leading fillers ('insbesondere') and trailing ', und' / '.'."""
    while s < e and (clean[s].isspace() or clean[s] in "•·*-–:"):
        s += 1
    m = cue("list-filler").match(clean[s:e])
    if m:
        s += m.end()
    while e > s:
        t = _trailing().search(clean[s:e])
        if not t or t.start() == e - s:
            break
        e = s + t.start()
    return s, e


# --- items --------------------------------------------------------------------------------


def _items(doc: Document, clean: str, spans: list[tuple[int, int]], kind: _Kind) -> list[ListItem]:
    scheme = vocabulary().scheme(kind.scheme)
    out: list[ListItem] = []
    seen: set[str] = set()
    for start, end in spans:
        start, end = _trim(clean, start, end)
        label = _label(clean[start:end])
        key = re.sub(r"\W+", " ", label.casefold()).strip()
        if not key or len(label) > _MAX_ITEM or key in seen:
            continue
        seen.add(key)
        degendered = _degendered(label)
        concept = (scheme.match(degendered) if degendered != label else None) or scheme.match(label)
        out.append(ListItem(label, concept.iri if concept is not None else None, doc.span(start, end)))
    return out


def _label(text: str) -> str:
    """Item text as written: bullets and markup removed, lines joined, whitespace collapsed."""
    text = BULLET.sub("", text, count=1)
    text = re.sub(r"\s*\n\s*[-–•·*]?\s*", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = _trailing().sub("", text)
    return text.strip(" \"'„“”")


def special_category_items(items: list[ListItem]) -> list[ListItem]:
    """Listed data categories that are Art. 9 data (e.g. 'Gesundheitsdaten (Diagnosen, …)')."""
    pattern = anchored("special-category-data")
    return [it for it in items if pattern.search(re.split(r"[(:]", it.label)[0])]


_NUMBERING = re.compile(r"^[^\w\n]*(?:(?:\d+(?:\.\d+)*\.?|[ivx]{1,5}\.|[a-h][.)])\s+)?", re.IGNORECASE)


def _unnamed_lists(doc: Document, clean: str) -> list[tuple[int, int]]:
    """Fallback when no heading or intro names the data categories: the first list introduced by a
    sentence about personal data that ends in ':' ('… we process personal data … this covers:'), or
    a one-sentence list opened by 'Verarbeitet werden' / 'The personal data include'. Sentences
    about data subjects, and TOM and sub-processor sections, are skipped."""
    all_sentences = sentences(doc)
    for s in all_sentences:
        if _excluded(doc, s.start):
            continue
        text = clean[s.start : s.end]
        if cue(SUBJECTS.cue).search(text) or cue("data-subject-weak").search(text):
            continue
        # the paragraph up to the intro, and the line above it, may carry the data words
        para = [clean[x.start : x.end] for x in all_sentences if x.block == s.block and x.start <= s.start]
        above = _skip_blank_back(doc, doc.line_at(s.start).number - 1)
        if above is not None:
            para.append(clean[doc.lines[above].start : doc.lines[above].end])
        if re.search(r":[\s•·*\-–]*$", text) and cue("data-category-intro").search(" ".join(para)):
            found = _list_below(doc, clean, doc.line_at(s.end - 1).number + 1, CATEGORIES, announced=True)
            if len(found) >= 2:
                return found
            continue
        lead = _NUMBERING.match(text)
        opener = cue("data-category-prose").match(text, lead.end() if lead else 0)
        if not opener:
            continue
        found = _split_inline(clean, s.start + opener.end(), s.end)
        if len(found) >= 2 and all(e - b <= _SHORT_ITEM for b, e in found):
            return found
    return []


def _sensitive_field(doc: Document, clean: str) -> list[tuple[int, int]]:
    """The value of the SCC annex field 'Sensitive data processed (if applicable) …:' on the same or
    the next line, first sentence only (the restrictions that follow are no data); 'None',
    'not applicable' and references give nothing."""
    out: list[tuple[int, int]] = []
    for m in cue("sensitive-data-key").finditer(clean):
        if _excluded(doc, m.start()):
            continue
        line = doc.line_at(m.start())
        start = m.end()
        if not clean[start : line.end].strip():
            nxt = _skip_blank(doc, line.number + 1)
            if nxt is None:
                continue
            start, end = doc.lines[nxt].start, doc.lines[nxt].end
        else:
            end = line.end
        value = clean[start:end].strip()
        if (
            not value
            or cue("none-value").search(value)
            or _is_reference(value)
            or cue("sensitive-data-key").match(value)
        ):
            continue
        stop = re.search(r"[.;](?:\s|$)", clean[start:end])
        out.append(_trim(clean, start, start + stop.start() if stop else end))
    return out
