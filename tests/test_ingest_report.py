"""`dpagraph ingest` ends with the list of failures: the per-file error lines scroll away in a long
run, so they are repeated after the summary table, and the exit code is 1 when there are any."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from graph import cli
from graph.errors import NoDPAStructure
from graph.model import ExtractionRecord, Processor, Span
from graph.readers import read_document
from graph.store import DPAStore

PROCESSOR = re.compile(r"^Processor: (.+)$", re.MULTILINE)


def stand_in_extract(path: Path):
    """The real readers (so real errors for bad files), a one-line parser instead of the extractor."""
    doc = read_document(path)
    match = PROCESSOR.search(doc.text)
    if match is None:
        raise NoDPAStructure(path, "no DPA structure found")
    record = ExtractionRecord(document=doc.name, language="en", source=doc.source, sha256=doc.sha256)
    record.processor = Processor(name=match.group(1), evidence=Span(match.start(), match.end(), match.group()))
    return record, doc


@pytest.fixture(autouse=True)
def stand_in_extractor(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "_extractor", lambda: stand_in_extract)
    monkeypatch.setattr(cli, "_extractor_version", lambda: "test-1")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("DPAGRAPH_STORE", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*argv: str) -> tuple[int, list[str]]:
    """`dpagraph ARGV`: exit code and the lines of stdout and stderr in one stream, as on a
    terminal, to see what comes after what."""
    stream = io.StringIO()
    with redirect_stdout(stream), redirect_stderr(stream):
        code = cli.main(list(argv))
    return code, stream.getvalue().splitlines()


def test_failures_are_listed_again_after_the_table_and_the_exit_code_is_1(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a_good.txt").write_text("Processor: Alpha GmbH\n", encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_letter.txt").write_text("Dear Sir, nothing here.\n", encoding="utf-8")
    (folder / "d_good.txt").write_text("Processor: Delta GmbH\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    store = tmp_path / "store"

    code, out = run("ingest", str(folder), str(missing), "--store", str(store))

    assert code == 1
    per_file = [line.removeprefix("error: ") for line in out if line.startswith("error: ")]
    assert len(per_file) == 3, out  # printed as they happen, before the table
    heading = out.index("3 files failed:")
    assert heading > out.index("2 ingested, 2 failed"), "the list comes after the summary table"
    assert out[heading + 1 :] == ["  " + message for message in per_file], "one line each, nothing after it"
    assert per_file[0] == f"{missing}: no such file or directory"  # the inputs first, then the files in order
    assert per_file[1].startswith(f"{folder / 'b_empty.txt'}: ") and "empty file" in per_file[1]
    assert per_file[2].startswith(f"{folder / 'c_letter.txt'}: ") and "no DPA structure" in per_file[2]
    with DPAStore(store) as s:
        assert [d.stem for d in s.documents()] == ["a_good", "d_good"], "every other file was processed"


def test_no_failure_list_and_exit_code_0_when_all_went_well(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a_good.txt").write_text("Processor: Alpha GmbH\n", encoding="utf-8")
    assert run("ingest", str(folder), "--store", str(tmp_path / "store"))[0] == 0
    code, out = run("ingest", str(folder), "--store", str(tmp_path / "store"))
    assert code == 0
    assert not any("failed" in line or "error" in line for line in out)
    assert out[-1] == "1 unchanged"


def test_a_single_failure_is_one_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out = run("ingest", str(tmp_path / "empty.txt"), "--store", str(tmp_path / "store"))
    assert code == 1
    assert out[-2:] == ["1 file failed:", f"  {tmp_path / 'empty.txt'}: empty file"]
