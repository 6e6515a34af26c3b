"""Fuzzing the readers and the extractor with hypothesis, on a fixed budget (seconds in CI).

The property: whatever the bytes, `read_document` either returns a `Document` or raises the
project's `InputError` naming the file; the extractor never raises on any text, and every quote
it returns is exactly `document.text[start:end]`. Inputs that once broke this are kept in
`tests/data/fuzz/` and replayed on every run.

`DPAGRAPH_FUZZ_EXAMPLES` scales the budget (e.g. 2000 for a long local run).
"""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_formats_fixtures import FONT, SAMPLES, blocks_of, make_docx, make_pdf

from graph.document import Document
from graph.errors import InputError
from graph.model import Span
from graph.readers import read_document

FUZZ_DIR = Path(__file__).resolve().parent / "data" / "fuzz"
EXAMPLES = int(os.environ.get("DPAGRAPH_FUZZ_EXAMPLES", "40"))
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
SLOW_BUDGET = settings(BUDGET, max_examples=max(5, EXAMPLES // 2))  # a whole extraction or PDF layout per example


def read_or_refuse(name: str, data: bytes) -> Document | None:
    """Read bytes as a file called `name`; an `InputError` naming it is a fine answer."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return read_document(path)
        except InputError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc), str(exc)
            return None


def spans(value, seen=None):
    """Every `Span` inside a record (dataclasses, lists, dicts)."""
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from spans(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from spans(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from spans(item)


def extract_checked(text: str) -> None:
    from graph.extract.pipeline import extract_document

    doc = Document(name="fuzz", text=text, media_type="text/plain")
    record = extract_document(doc)
    for span in spans(record):
        assert 0 <= span.start <= span.end <= len(text)
        assert span.text == text[span.start : span.end]


@cache
def sample_text(index: int) -> str:
    return read_document(SAMPLES[index % len(SAMPLES)]).text


@cache
def valid_files() -> dict[str, bytes]:
    """One real PDF and DOCX made from a sample, to mutate."""
    blocks = blocks_of(sample_text(0))[:40]
    with tempfile.TemporaryDirectory() as folder:
        out = {"docx": make_docx(blocks, Path(folder) / "s.docx").read_bytes()}
        if FONT.exists():
            out["pdf"] = make_pdf(blocks, Path(folder) / "s.pdf", title="fuzz").read_bytes()
    return out


SUFFIXES = ["txt", "md", "html", "pdf", "docx"]
PREFIXES = {
    "pdf": [b"", b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"],
    "docx": [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "html": [b"", b"<!doctype html><html><body>", b"<table><tr><td>"],
}


@BUDGET
@given(suffix=st.sampled_from(SUFFIXES), prefix=st.integers(0, 2), data=st.binary(max_size=3000))
def test_random_bytes_never_escape_as_anything_but_input_error(suffix, prefix, data):
    head = PREFIXES.get(suffix, [b""])
    read_or_refuse(f"fuzz.{suffix}", head[prefix % len(head)] + data)


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, delete, insert in edits:
        at = position % (len(out) + 1)
        out[at : at + delete] = insert
    return bytes(out)


EDITS = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 64), st.binary(max_size=16)), min_size=1, max_size=6)


@SLOW_BUDGET
@given(edits=EDITS)
def test_mutated_pdf(edits):
    files = valid_files()
    if "pdf" not in files:
        pytest.skip("the PDF fixture needs DejaVu Sans (fonts-dejavu-core)")
    read_or_refuse("fuzz.pdf", _mutate(files["pdf"], edits))


@BUDGET
@given(edits=EDITS, part=st.sampled_from(["word/document.xml", "word/styles.xml", "word/numbering.xml"]))
def test_mutated_docx_parts(edits, part):
    """Broken XML inside a well-formed ZIP: python-docx and the reader's own walker see it."""
    source = zipfile.ZipFile(io.BytesIO(valid_files()["docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, _mutate(data, edits) if info.filename == part else data)
    read_or_refuse("fuzz.docx", out.getvalue())


@BUDGET
@given(edits=EDITS)
def test_mutated_docx_bytes(edits):
    read_or_refuse("fuzz.docx", _mutate(valid_files()["docx"], edits))


TAGS = st.sampled_from(
    ["<p>", "</p>", "<table>", "<tr>", "<td>", "</td>", "<ul>", "<li>", "<ol>", "<dl>", "<dt>", "<dd>", "<br>"]
    + ["<h2>", "</h2>", "<nav>", "<div class='cookie'>", "</div>", "<script>", "&amp;", "&#0;", "<!--", "-->"]
)


@BUDGET
@given(parts=st.lists(st.one_of(TAGS, st.text(max_size=30)), max_size=60))
def test_tag_soup_html(parts):
    read_or_refuse("fuzz.html", "".join(parts).encode("utf-8", "surrogatepass"))


@BUDGET
@given(text=st.text(max_size=2000))
def test_extractor_on_random_text(text):
    extract_checked(text)


LINE_EDITS = st.lists(
    st.tuples(st.sampled_from(["drop", "dup", "insert", "swap"]), st.integers(0, 10**6), st.text(max_size=40)),
    max_size=12,
)


@SLOW_BUDGET
@given(sample=st.integers(0, 100), edits=LINE_EDITS)
def test_extractor_on_mutated_samples(sample, edits):
    """Real DPAs with lines dropped, repeated, swapped and garbage inserted."""
    lines = sample_text(sample).split("\n")
    for kind, position, text in edits:
        at = position % max(len(lines), 1)
        if kind == "drop" and lines:
            del lines[at]
        elif kind == "dup" and lines:
            lines.insert(at, lines[at])
        elif kind == "insert":
            lines.insert(at, text)
        elif kind == "swap" and len(lines) > 1:
            lines[at], lines[at - 1] = lines[at - 1], lines[at]
    extract_checked("\n".join(lines))


def _regressions() -> list[Path]:
    return sorted(p for p in FUZZ_DIR.iterdir() if p.is_file() and p.name != "README.md") if FUZZ_DIR.is_dir() else []


@pytest.mark.parametrize("path", _regressions(), ids=lambda p: p.name)
def test_fuzz_regressions(path):
    """Each file once broke a reader or the extractor; now it must read (and extract) or be refused."""
    doc = read_or_refuse(path.name, path.read_bytes())
    if doc is not None:
        extract_checked(doc.text)
