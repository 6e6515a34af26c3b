"""Word .docx → the reader's markdown subset, with a paragraph/table-row map back to the file.

* Headings (styles "Heading N", "Title", or an outline level) become `#` lines.
* List paragraphs (numbering on the paragraph or its style) become `- item` or `1. item` with the
  number Word would show (`numbering.xml`: format, level text, start, nesting).
* Tables become `| a | b |` rows; merged cells are written once; nested tables are flattened.
* Paragraph spacing becomes blank lines, as Word shows it: a paragraph with space after it (or
  before the next), unless "contextual spacing" joins paragraphs of one style (list items).
* Footnote references become superscript numbers, the footnotes follow the text.

Before python-docx opens the file, the ZIP directory is checked: a DOCX whose parts would unpack
to far more than the file (a zip bomb) is refused without unpacking anything.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from graph.document import SourceLocation, end_paragraph
from graph.errors import InputError

MAX_UNPACKED = 256 * 1024 * 1024  # all parts together
MAX_RATIO = 100  # unpacked : packed, for any part over 1 MiB (XML packs about 10:1)
MAX_PARTS = 5000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|titolo)\s*(\d)$", re.I)
_SPACING_BLANK = 80  # twentieths of a point (4 pt): more space than that reads as an empty line


def check_zip(path: Path, raw: bytes) -> None:
    """Refuse zip bombs and non-Word files from the ZIP directory alone.

    Python's zipfile never returns more than a member's declared size, so checking the declared
    sizes bounds what python-docx can unpack.
    """
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(path, "password-protected or old-format Word file (OLE container); save it as .docx")
    if not raw.startswith(b"PK"):
        from graph.readers import sniff

        kind = sniff(raw)
        raise InputError(path, f"not a Word .docx file{f' ({kind})' if kind else ''}: not a ZIP archive")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(path, f"corrupt Word file (broken ZIP archive: {exc})") from None
    if len(infos) > MAX_PARTS:
        raise InputError(path, f"DOCX refused as a possible zip bomb: {len(infos):,} parts")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        raise InputError(
            path, f"DOCX refused as a zip bomb: unpacks to {total:,} bytes (limit {MAX_UNPACKED:,}) from {len(raw):,}"
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                path,
                f"DOCX refused as a zip bomb: part {info.filename} unpacks {info.file_size // max(info.compress_size, 1):,}"
                f" times its packed size",
            )
    if "word/document.xml" not in {info.filename for info in infos}:
        raise InputError(path, "not a Word document (the archive has no word/document.xml)")


def docx_pieces(path: Path, raw: bytes) -> list[tuple[str, SourceLocation | None]]:
    check_zip(path, raw)
    try:
        import docx

        document = docx.Document(io.BytesIO(raw))
        return _Writer(document).pieces()
    except InputError:
        raise
    except RecursionError:
        raise InputError(path, "corrupt Word file: structure nested too deeply") from None
    except Exception as exc:  # python-docx and lxml raise many types on broken files; all mean the same
        detail = " ".join(str(exc).split())[:120]
        raise InputError(path, f"corrupt Word file ({type(exc).__name__}{': ' + detail if detail else ''})") from None


def _val(element, tag: str) -> str | None:
    child = element.find(_W + tag) if element is not None else None
    return child.get(_W + "val") if child is not None else None


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _Styles:
    """Paragraph properties through the style chain (basedOn) and the document defaults."""

    def __init__(self, document):
        root = document.styles.element
        self.styles = {}
        self.defaults = None
        if root is not None:
            for style in root.findall(_W + "style"):
                self.styles[style.get(_W + "styleId")] = style
            self.defaults = root.find(f"{_W}docDefaults/{_W}pPrDefault/{_W}pPr")

    def chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = _val(style, "basedOn")

    def name(self, style_id: str | None) -> str:
        style = self.styles.get(style_id) if style_id else None
        return (_val(style, "name") or style_id or "") if style is not None else (style_id or "")

    def ppr_lookup(self, ppr, style_id: str | None, find):
        """The first value `find(pPr)` gives: the paragraph, its style chain, the defaults."""
        for candidate in [ppr, *(s.find(_W + "pPr") for s in self.chain(style_id)), self.defaults]:
            if candidate is not None:
                value = find(candidate)
                if value is not None:
                    return value
        return None


class _Numbering:
    """What number or bullet Word shows for a list paragraph."""

    def __init__(self, document):
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.findall(_W + "abstractNum"):
            levels = {}
            for lvl in abstract.findall(_W + "lvl"):
                levels[_int(lvl.get(_W + "ilvl"))] = (
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    _int(_val(lvl, "start"), 1),
                )
            self.abstract[abstract.get(_W + "abstractNumId")] = levels
        for num in root.findall(_W + "num"):
            overrides = {}
            for override in num.findall(_W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start is not None:
                    overrides[_int(override.get(_W + "ilvl"))] = _int(start, 1)
            self.nums[num.get(_W + "numId")] = (_val(num, "abstractNumId") or "", overrides)

    def label(self, num_id: str, level: int) -> str | None:
        """'-' for a bullet, '2.' / 'a)' / '3.1' for numbers; None when the paragraph has none."""
        if num_id in (None, "0") or num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        fmt, text, _ = levels.get(level, ("bullet", "", 1))
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return None
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= level:
            depth = len(counters)
            counters.append(overrides.get(depth, levels.get(depth, ("", "", 1))[2]) - 1)
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = overrides.get(deeper, levels.get(deeper, ("", "", 1))[2]) - 1
        label = re.sub(
            r"%(\d)",
            lambda m: (
                _format(counters[int(m.group(1)) - 1], levels.get(int(m.group(1)) - 1, ("decimal",))[0])
                if int(m.group(1)) - 1 < len(counters)
                else ""
            ),
            text or f"%{level + 1}.",
        )
        return label.strip() or None


def _format(number: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        n = max(number, 1)
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(97 + rest) + letters
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(max(number, 1))
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(number)


def _roman(number: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            out += letters
            number -= value
    return out


_SKIP = {_W + t for t in ("del", "delText", "instrText", "drawing", "pict", "object", "fldChar", "rPr", "pPr")}
_SKIP.add("{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent")


def _run_text(element, footnotes: dict[str, int]) -> str:
    """The visible text of a paragraph's XML: runs, tabs, breaks, footnote markers."""
    out: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP or tag == _W + "p":
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag == _W + "sym":
                out.append("")
            elif tag in (_W + "footnoteReference", _W + "endnoteReference"):
                key = tag.rsplit("}", 1)[1] + ":" + (child.get(_W + "id") or "")
                footnotes.setdefault(key, len(footnotes) + 1)
                out.append(str(footnotes[key]).translate(_SUPERSCRIPT))
            else:
                walk(child)

    walk(element)
    return "".join(out)


class _Writer:
    def __init__(self, document):
        self.document = document
        self.styles = _Styles(document)
        self.numbering = _Numbering(document)
        self.footnotes: dict[str, int] = {}
        self.out: list[tuple[str, SourceLocation | None]] = []
        self.paragraphs = 0
        self.tables = 0

    def pieces(self) -> list[tuple[str, SourceLocation | None]]:
        body = self.document.element.body
        blocks = [child for child in body.iterchildren() if child.tag in (_W + "p", _W + "tbl", _W + "sdt")]
        blocks = self._flatten(blocks)
        for index, block in enumerate(blocks):
            if block.tag == _W + "tbl":
                self.tables += 1
                self._blank()
                self._table(block)
                self._blank()
                continue
            self.paragraphs += 1
            after = blocks[index + 1] if index + 1 < len(blocks) else None
            self._paragraph(block, after)
        self._footnotes()
        while self.out and not self.out[-1][0].strip():
            self.out.pop()
        self.out.append(("\n", None))
        return self.out

    def _flatten(self, blocks: list) -> list:
        """Content controls (w:sdt) hold paragraphs and tables of their own."""
        out = []
        for block in blocks:
            if block.tag == _W + "sdt":
                content = block.find(_W + "sdtContent")
                if content is not None:
                    out.extend(self._flatten([c for c in content if c.tag in (_W + "p", _W + "tbl", _W + "sdt")]))
            else:
                out.append(block)
        return out

    def _style(self, p) -> str | None:
        return _val(p.find(_W + "pPr"), "pStyle")

    def _heading_level(self, p) -> int | None:
        style = self._style(p)
        name = self.styles.name(style)
        if name.casefold() == "title":
            return 1
        m = _HEADING_STYLE.match(name) or _HEADING_STYLE.match(style or "")
        if m:
            return min(max(int(m.group(1)), 1), 6)
        outline = self.styles.ppr_lookup(p.find(_W + "pPr"), style, lambda ppr: _val(ppr, "outlineLvl"))
        if outline is not None and _int(outline, 9) < 6:
            return _int(outline) + 1
        return None

    def _spacing(self, p, which: str) -> int:
        found = self.styles.ppr_lookup(
            p.find(_W + "pPr"),
            self._style(p),
            lambda ppr: (
                ppr.find(_W + "spacing").get(_W + which)
                if ppr.find(_W + "spacing") is not None and ppr.find(_W + "spacing").get(_W + which) is not None
                else None
            ),
        )
        return _int(found)

    def _contextual(self, p) -> bool:
        found = self.styles.ppr_lookup(
            p.find(_W + "pPr"),
            self._style(p),
            lambda ppr: ppr.find(_W + "contextualSpacing") if ppr.find(_W + "contextualSpacing") is not None else None,
        )
        return found is not None and found.get(_W + "val") not in ("0", "false", "off")

    def _list_label(self, p) -> tuple[str, int] | None:
        numpr = self.styles.ppr_lookup(p.find(_W + "pPr"), self._style(p), lambda ppr: ppr.find(_W + "numPr"))
        if numpr is None:
            return None
        ppr_numpr = p.find(f"{_W}pPr/{_W}numPr")
        num_id = _val(ppr_numpr, "numId") if ppr_numpr is not None else None
        num_id = num_id or _val(numpr, "numId")
        level = _int(_val(ppr_numpr, "ilvl") if ppr_numpr is not None else None, _int(_val(numpr, "ilvl")))
        label = self.numbering.label(num_id, min(max(level, 0), 8))
        return (label, level) if label else None

    def _paragraph(self, p, after) -> None:
        loc = SourceLocation(paragraph=self.paragraphs)
        text = _run_text(p, self.footnotes)
        lines = ["\t".join(" ".join(cell.split()) for cell in part.split("\t")).strip() for part in text.split("\n")]
        lines = [line for line in lines if line.strip()]
        if not lines:
            self._blank()
            return
        level = self._heading_level(p)
        if level:
            self._blank()
            self.out.append(("#" * level + " " + " ".join(lines), loc))
            self.out.append(("\n", None))
            self._blank()
            return
        label = self._list_label(p)
        if label:
            marker, depth = label
            lines[0] = "  " * depth + f"{marker} {lines[0]}"
        for line in lines:
            self.out.append((line, loc))
            self.out.append(("\n", None))
        if self._gap_after(p, after):
            self._blank()

    def _gap_after(self, p, after) -> bool:
        """Is there visible space between this paragraph and the next (Word's rules)?"""
        if after is None or after.tag != _W + "p":
            return True
        space = self._spacing(p, "after")
        space = max(space, self._spacing(after, "before"))  # Word shows the larger of the two
        if self._contextual(p) and self._style(p) == self._style(after):
            return False
        return space > _SPACING_BLANK

    def _table(self, tbl) -> None:
        first = True
        for number, tr in enumerate(tbl.findall(_W + "tr"), start=1):
            cells: list[str] = []
            for tc in tr.findall(_W + "tc"):
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                if merge is not None and merge.get(_W + "val") in (None, "continue"):
                    cells.append("")  # a vertically merged cell: its text is in the row above
                    continue
                parts = []
                for p in tc.iter(_W + "p"):
                    text = " ".join(_run_text(p, self.footnotes).split())
                    if text:
                        parts.append(text)
                cells.append(" ".join(parts).replace("|", "/"))
            if not any(cells):
                continue
            self.out.append(("| " + " | ".join(cells) + " |", SourceLocation(table=self.tables, row=number)))
            self.out.append(("\n", None))
            if first:
                self.out.append(("|" + "|".join(" --- " for _ in cells) + "|", None))
                self.out.append(("\n", None))
                first = False

    def _footnotes(self) -> None:
        """Footnote and endnote texts, in the order of their markers, after the body."""
        if not self.footnotes:
            return
        notes = {}
        for rel in self.document.part.rels.values():
            kind = rel.reltype.rsplit("/", 1)[-1]
            if kind not in ("footnotes", "endnotes") or rel.is_external:
                continue
            from lxml import etree

            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(rel.target_part.blob, parser)
            tag = "footnote" if kind == "footnotes" else "endnote"
            for note in root.findall(_W + tag):
                text = " ".join(" ".join(_run_text(p, {}).split()) for p in note.iter(_W + "p")).strip()
                notes[f"{tag}Reference:{note.get(_W + 'id')}"] = text
        self._blank()
        for key, number in self.footnotes.items():
            if notes.get(key):
                loc = SourceLocation(footnote=number)
                self.out.append((str(number).translate(_SUPERSCRIPT) + " " + notes[key], loc))
                self.out.append(("\n", None))

    def _blank(self) -> None:
        end_paragraph(self.out)
