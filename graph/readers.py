"""Readers turn a file into a `Document`: one line-structured text the extractor understands.

Markup is normalised to a small markdown subset, whatever the input format:
headings become `# Title`, list items `- item`, table rows `| a | b |`. A reader is registered
per file suffix with `@reader(".ext")`, so new formats plug in without touching the extractor.

A reader returns either the text, or the text as pieces `(text, SourceLocation | None)` that are
concatenated as they are; the second form also gives the document its source map (where each
piece came from in the file). Every problem is an `InputError` naming the file: the readers
catch whatever a parsing library raises on a broken file, so nothing else escapes.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from graph.document import Document, SourceLocation
from graph.errors import InputError

Pieces = list[tuple[str, SourceLocation | None]]
Reader = Callable[[Path, bytes], tuple[str | Pieces, str]]  # -> (text or pieces, media type)
_READERS: dict[str, Reader] = {}

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_BYTES = DEFAULT_MAX_BYTES  # kept for callers that read the default


def _max_bytes_from_environment() -> int:
    value = os.environ.get("DPAGRAPH_MAX_BYTES", "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    try:
        limit = int(value)
    except ValueError:
        return DEFAULT_MAX_BYTES
    return limit if limit > 0 else DEFAULT_MAX_BYTES


_max_bytes = _max_bytes_from_environment()


def set_max_bytes(limit: int | None) -> None:
    """Set the size limit for files read without an explicit `max_bytes` (None: back to the
    default, or `$DPAGRAPH_MAX_BYTES`). `dpagraph ingest --max-bytes` calls this."""
    global _max_bytes
    if limit is not None and limit <= 0:
        raise ValueError("the size limit must be a positive number of bytes")
    _max_bytes = limit if limit is not None else _max_bytes_from_environment()


def max_bytes() -> int:
    return _max_bytes


_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2}
_UNITS |= {"g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(text: str) -> int:
    """A size such as 20MB, 512KiB or 1048576 in bytes (for `--max-bytes`); ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", text.lower())
    if not m or m.group(2) not in _UNITS:
        raise ValueError(f"not a size: {text!r} (try 20MB or 1048576)")
    size = int(float(m.group(1)) * _UNITS[m.group(2)])
    if size <= 0:
        raise ValueError("the size limit must be positive")
    return size


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    def register(func: Reader) -> Reader:
        for suffix in suffixes:
            _READERS[suffix.lower()] = func
        return func

    return register


def supported_suffixes() -> list[str]:
    return sorted(_READERS)


def content_hash(path: str | Path) -> str:
    """sha256 of the raw bytes, read in chunks (the same hash `Document.sha256` holds)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_document(path: str | Path, max_bytes: int | None = None) -> Document:
    """Read one file. Raises `InputError` naming the file for anything unreadable."""
    path = Path(path)
    limit = _max_bytes if max_bytes is None else max_bytes
    func = _READERS.get(path.suffix.lower())
    if func is None:
        raise InputError(
            path, f"unsupported file type {path.suffix or '(none)'}; supported: {', '.join(supported_suffixes())}"
        )
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(path, f"file is {size:,} bytes, over the limit of {limit:,} bytes (see --max-bytes)")
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        raise InputError(path, f"file is over the limit of {limit:,} bytes (see --max-bytes)")
    if not raw.strip():
        raise InputError(path, "empty file")
    try:
        output, media_type = func(path, raw)
    except InputError:
        raise
    except RecursionError:
        raise InputError(path, "cannot read file: structure nested too deeply") from None
    except MemoryError:
        raise InputError(path, "cannot read file: it needs more memory than is available") from None
    text, source_map = _assemble(output)
    if not text.strip():
        raise InputError(path, "no text found in the file")
    return Document(
        name=path.stem,
        text=text,
        source=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        media_type=media_type,
        source_map=source_map,
    )


def _assemble(output: str | Pieces) -> tuple[str, list[tuple[int, SourceLocation]]]:
    """Normalise the reader's text; for pieces, piece by piece, so the map's offsets stay true."""
    if isinstance(output, str):
        return normalise_text(output), []
    parts: list[str] = []
    source_map: list[tuple[int, SourceLocation]] = []
    offset = 0
    for piece, location in output:
        piece = normalise_text(piece)
        if location is not None and (not source_map or source_map[-1][1] != location):
            if source_map and source_map[-1][0] == offset:
                source_map[-1] = (offset, location)
            else:
                source_map.append((offset, location))
        parts.append(piece)
        offset += len(piece)
    return "".join(parts), source_map


def normalise_text(text: str) -> str:
    """Unify line ends, non-breaking and zero-width spaces; keep everything else as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", " ")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    return unicodedata.normalize("NFC", text)


# --- what a file really is -----------------------------------------------------------------------

_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (e.g. a Word .docx file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE file (an old .doc, or a password-protected Office file)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", None),  # too short a signature to name: plain text can start with "BM"
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", None),
)


def sniff(raw: bytes) -> str | None:
    """What kind of file the bytes are, by their signature, when it is clear ("a PNG image")."""
    head = raw[:16]
    for magic, kind in _MAGIC:
        if kind and head.startswith(magic):
            return kind
    if raw[:12].startswith(b"RIFF") and raw[8:12] == b"WEBP":
        return "a WebP image"
    return None


def _binary(path: Path, raw: bytes, reason: str, expected: str = "text") -> InputError:
    kind = sniff(raw)
    if kind:
        return InputError(path, f"binary file ({kind}), not {expected}")
    return InputError(path, f"binary file ({reason}), not {expected}")


# --- text and Markdown ---------------------------------------------------------------------------


def decode_text(path: Path, raw: bytes) -> str:
    """UTF-16 with BOM, UTF-8 (with or without BOM), else Windows-1252; refuse binary data.

    Windows-1252 is the superset of Latin-1 that Windows editors write; every byte but five
    decodes, so the result is checked for control characters, which real text does not have.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(path, "undecodable text: starts with a UTF-16 byte-order mark but is not UTF-16") from None
    if b"\x00" in raw[:8192]:
        raise _binary(path, raw, "contains NUL bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if sniff(raw):
        raise _binary(path, raw, "not UTF-8")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            path, f"undecodable text: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not Windows-1252"
        ) from None
    return text


def _check_printable(path: Path, raw: bytes, text: str) -> str:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 200):
        raise _binary(path, raw, "control characters")
    return text


@reader(".txt", ".text")
def read_plain(path: Path, raw: bytes) -> tuple[str, str]:
    return _check_printable(path, raw, decode_text(path, raw)), "text/plain"


@reader(".md", ".markdown")
def read_markdown(path: Path, raw: bytes) -> tuple[str, str]:
    return _check_printable(path, raw, decode_text(path, raw)), "text/markdown"


@reader(".html", ".htm", ".xhtml")
def read_html(path: Path, raw: bytes) -> tuple[str, str]:
    from graph.html_text import html_to_text

    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _binary(path, raw, "contains NUL bytes", "HTML")
    if sniff(raw):
        raise _binary(path, raw, "not markup", "HTML")
    try:
        text = html_to_text(raw)
    except (ValueError, TypeError, AssertionError, LookupError) as exc:  # the parser's view of broken input
        raise InputError(path, f"unreadable HTML: {type(exc).__name__}: {exc}") from None
    return _check_printable(path, raw, text), "text/html"


@reader(".pdf")
def read_pdf(path: Path, raw: bytes) -> tuple[Pieces, str]:
    from graph.readers_pdf import pdf_pieces

    return pdf_pieces(path, raw), "application/pdf"


@reader(".docx")
def read_docx(path: Path, raw: bytes) -> tuple[Pieces, str]:
    from graph.readers_docx import docx_pieces

    return docx_pieces(path, raw), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
