"""Readers turn a file into a `Document`: one line-structured text the extractor understands.

Markup is normalised to a small markdown subset, whatever the input format:
headings become `# Title`, list items `- item`, table rows `| a | b |`. A reader is registered
per file suffix with `@reader(".ext")`, so new formats (PDF, Word) plug in without touching
the extractor.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from graph.document import Document
from graph.errors import InputError

Reader = Callable[[Path, bytes], tuple[str, str]]  # -> (text, media type)
_READERS: dict[str, Reader] = {}

MAX_BYTES = 50 * 1024 * 1024


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    def register(func: Reader) -> Reader:
        for suffix in suffixes:
            _READERS[suffix.lower()] = func
        return func

    return register


def supported_suffixes() -> list[str]:
    return sorted(_READERS)


def read_document(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read one file. Raises `InputError` naming the file for anything unreadable."""
    path = Path(path)
    func = _READERS.get(path.suffix.lower())
    if func is None:
        raise InputError(
            path, f"unsupported file type {path.suffix or '(none)'}; supported: {', '.join(supported_suffixes())}"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise InputError(path, "empty file")
    text, media_type = func(path, raw)
    text = normalise_text(text)
    if not text.strip():
        raise InputError(path, "no text found in the file")
    return Document(
        name=path.stem, text=text, source=str(path), sha256=hashlib.sha256(raw).hexdigest(), media_type=media_type
    )


def normalise_text(text: str) -> str:
    """Unify line ends, non-breaking and zero-width spaces; keep everything else as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", " ")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return unicodedata.normalize("NFC", text)


def decode_text(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; refuse binary data."""
    if b"\x00" in raw[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            path, f"undecodable text: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not Windows-1252"
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 200):
        raise InputError(path, "binary file (control characters), not text")
    return text


@reader(".txt", ".text")
def read_plain(path: Path, raw: bytes) -> tuple[str, str]:
    return _check_printable(path, decode_text(path, raw)), "text/plain"


@reader(".md", ".markdown")
def read_markdown(path: Path, raw: bytes) -> tuple[str, str]:
    return _check_printable(path, decode_text(path, raw)), "text/markdown"


def _check_printable(path: Path, text: str) -> str:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 200):
        raise InputError(path, "binary file (control characters), not text")
    return text


@reader(".html", ".htm", ".xhtml")
def read_html(path: Path, raw: bytes) -> tuple[str, str]:
    from graph.html_text import html_to_text

    if b"\x00" in raw[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not HTML")
    return html_to_text(raw), "text/html"
