"""The `dpagraph` command with a stand-in extractor: the real readers (so real errors for empty,
binary and undecodable files), a tiny line parser instead of the rule-based extractor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph import cli
from graph.errors import NoDPAStructure
from graph.model import ExtractionRecord, Processor, Span, SubprocessorEntry
from graph.readers import read_document
from graph.store import DPAStore

LINE = re.compile(r"^(Processor|Sub): (.+?) \| ([A-Z]{2})$", re.MULTILINE)


def fake_extract(path):
    """'Processor: NAME | CC' and 'Sub: NAME | CC' lines; no Processor line → not a DPA."""
    doc = read_document(path)
    record = ExtractionRecord(document=doc.name, language="en", source=doc.source, sha256=doc.sha256)
    for m in LINE.finditer(doc.text):
        kind, name, country = m.groups()
        ev = Span(m.start(), m.end(), m.group())
        if kind == "Processor":
            record.processor = Processor(name=name, country=country, evidence=ev)
        else:
            record.subprocessors.append(SubprocessorEntry(name=name, seat_country=country, evidence=ev))
    if record.processor.name is None:
        raise NoDPAStructure(path, "no DPA structure found")
    return record, doc


@pytest.fixture(autouse=True)
def stand_in_extractor(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "_extractor", lambda: fake_extract)
    monkeypatch.setattr(cli, "_extractor_version", lambda: "test-1")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("DPAGRAPH_STORE", raising=False)
    monkeypatch.chdir(tmp_path)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


GOOD_1 = "Vertrag\nProcessor: Inexdu GmbH | DE\nSub: Stripe, Inc. | US\nSub: Hetzner Online GmbH | DE\n"
GOOD_2 = "# DPA\n\nProcessor: Beta Corp | US\n\nSub: Supabase Inc. | SG\n"
NO_SUBS = "Agreement\nProcessor: Delta Care GmbH | DE\nNo sub-processors are engaged.\n"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "good1.txt", GOOD_1)
    write(folder, "nested/good2.md", GOOD_2)
    write(folder, "nosubs.txt", NO_SUBS)
    write(folder, "empty.txt", b"")
    write(folder, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(folder, "undecodable.txt", b"Processor: X | DE\n\x81\x8d\x8f\x90\x9d broken")
    write(folder, "notes.odt", b"PK\x03\x04 OpenDocument: not supported and not picked up from folders")
    return folder


BAD = ("empty.txt", "binary.txt", "undecodable.txt")


def lines(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


# --- extract -------------------------------------------------------------------------------------


def test_extract_writes_one_record_per_document(tmp_path, capsys):
    folder = tmp_path / "docs"
    write(folder, "good1.txt", GOOD_1)
    write(folder, "nested/good2.md", GOOD_2)
    assert cli.main(["extract", str(folder), "--json", str(tmp_path / "out")]) == 0
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert out == ["good1.json", "good2.json"]
    data = json.loads((tmp_path / "out" / "good1.json").read_text(encoding="utf-8"))
    assert data["processor"] == {
        "name": "Inexdu GmbH",
        "country": "DE",
        "service": None,
        "evidence": data["processor"]["evidence"],
    }
    assert [s["name"] for s in data["subprocessors"]] == ["Stripe, Inc.", "Hetzner Online GmbH"]
    assert capsys.readouterr().err == ""


def test_extract_names_each_bad_file_on_one_line_and_goes_on(corpus, tmp_path, capsys):
    code = cli.main(["extract", str(corpus), "--json", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    errors = lines(err, "error:")
    assert len(errors) == len(BAD), "\n".join(errors)
    for name in BAD:
        assert len([e for e in errors if name in e]) == 1, (name, errors)
    assert any("empty file" in e for e in errors)
    assert any("binary" in e for e in errors)
    assert any("undecodable" in e for e in errors)
    assert lines(err, "warning:") == [
        f"warning: {corpus / 'notes.odt'}: skipped, unsupported file type .odt",
        f"warning: {corpus / 'nosubs.txt'}: no sub-processor list found",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good1.json", "good2.json", "nosubs.json"]


def test_extract_reports_missing_paths_and_not_a_dpa(tmp_path, capsys):
    write(tmp_path, "letter.txt", "Dear Sir, nothing here.\n")
    code = cli.main(
        ["extract", str(tmp_path / "missing.txt"), str(tmp_path / "letter.txt"), "--json", str(tmp_path / "out")]
    )
    errors = lines(capsys.readouterr().err, "error:")
    assert code == 1
    assert len(errors) == 2
    assert "missing.txt: no such file or directory" in errors[0]
    assert "letter.txt: no DPA structure found" in errors[1]


def test_unsupported_file_given_explicitly_is_an_error(corpus, tmp_path, capsys):
    assert cli.main(["extract", str(corpus / "notes.odt"), "--json", str(tmp_path / "out")]) == 1
    [error] = lines(capsys.readouterr().err, "error:")
    assert "notes.odt" in error and "unsupported file type" in error


# --- ingest --------------------------------------------------------------------------------------


def test_ingest_mixed_batch(corpus, tmp_path, capsys):
    store = tmp_path / "store"
    code = cli.main(["ingest", str(corpus), "--store", str(store)])
    captured = capsys.readouterr()
    assert code == 1
    errors = lines(captured.err, "error:")
    assert len(errors) == len(BAD), "\n".join(errors)
    for name in BAD:
        assert len([e for e in errors if name in e]) == 1, (name, errors)
    skipped, warning = lines(captured.err, "warning:")
    assert "notes.odt" in skipped and "unsupported file type" in skipped
    assert "nosubs.txt" in warning and "no sub-processor list" in warning
    table = captured.out
    row = next(line for line in table.splitlines() if "good1" in line)
    assert "Inexdu GmbH" in row and "ingested" in row
    assert re.search(r"│\s*2\s*│\s*1\s*│", row), row  # 2 sub-processors, 1 third-country (Stripe, US)
    row2 = next(line for line in table.splitlines() if "good2" in line)
    assert re.search(r"│\s*1\s*│\s*1\s*│", row2), row2
    assert "error" in next(line for line in table.splitlines() if "binary" in line)
    assert "3 ingested" in table and "3 failed" in table
    with DPAStore(store) as s:
        assert [d.stem for d in s.documents()] == ["good1", "good2", "nosubs"]


def test_ingest_twice_reports_unchanged_and_succeeds_without_bad_files(filled, tmp_path, capsys):
    folder, store = tmp_path / "docs", filled
    assert cli.main(["ingest", str(folder), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "2 unchanged" in out
    row = next(line for line in out.splitlines() if "good1" in line)
    assert "unchanged" in row and "Inexdu GmbH" in row and re.search(r"│\s*2\s*│\s*1\s*│", row)
    write(folder, "good1.txt", GOOD_1 + "Sub: OpenAI, LLC | US\n")
    assert cli.main(["ingest", str(folder), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "replaced" in next(line for line in out.splitlines() if "good1" in line)
    assert cli.main(["ingest", str(folder), "--store", str(store), "--force"]) == 0
    assert "2 replaced" in capsys.readouterr().out


def test_bad_file_does_not_touch_existing_data(tmp_path, capsys):
    folder = tmp_path / "docs"
    path = write(folder, "good1.txt", GOOD_1)
    store = tmp_path / "store"
    assert cli.main(["ingest", str(path), "--store", str(store)]) == 0
    with DPAStore(store) as s:
        before = s.document("good1")
    path.write_bytes(b"\x00\x00 now a binary file")
    capsys.readouterr()
    assert cli.main(["ingest", str(path), "--store", str(store)]) == 1
    [error] = lines(capsys.readouterr().err, "error:")
    assert "good1.txt" in error
    with DPAStore(store) as s:
        assert s.document("good1") == before
        assert s.summary("good1")["subprocessors"] == 2


def test_same_document_name_twice_is_refused(tmp_path, capsys):
    a = write(tmp_path / "x", "same.txt", GOOD_1)
    b = write(tmp_path / "y", "same.md", GOOD_2)
    assert cli.main(["ingest", str(a), str(b), "--store", str(tmp_path / "store")]) == 1
    [error] = lines(capsys.readouterr().err, "error:")
    assert "same.md" in error and "same document name" in error


def test_default_store_comes_from_the_environment(tmp_path, monkeypatch, capsys):
    write(tmp_path, "good1.txt", GOOD_1)
    monkeypatch.setenv("DPAGRAPH_STORE", str(tmp_path / "envstore"))
    assert cli.main(["ingest", str(tmp_path / "good1.txt")]) == 0
    assert (tmp_path / "envstore").is_dir()
    monkeypatch.delenv("DPAGRAPH_STORE")
    assert cli.default_store() == Path("var/store")


# --- query, stats, ask ---------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path, capsys) -> Path:
    folder = tmp_path / "docs"
    write(folder, "good1.txt", GOOD_1)
    write(folder, "good2.md", GOOD_2)
    store = tmp_path / "store"
    assert cli.main(["ingest", str(folder), "--store", str(store)]) == 0
    capsys.readouterr()
    return store


Q = "SELECT ?name WHERE { ?e dpag:nameAsWritten ?name } ORDER BY ?name"


def test_query_formats(filled, tmp_path, capsys):
    assert cli.main(["query", Q, "--store", str(filled), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name", "Hetzner Online GmbH", '"Stripe, Inc."', "Supabase Inc."]
    assert cli.main(["query", Q, "--store", str(filled), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["head"]["vars"] == ["name"]
    assert [b["name"]["value"] for b in data["results"]["bindings"]] == [
        "Hetzner Online GmbH",
        "Stripe, Inc.",
        "Supabase Inc.",
    ]
    rq = write(tmp_path, "q.rq", Q)
    assert cli.main(["query", str(rq), "--store", str(filled)]) == 0
    out = capsys.readouterr().out
    assert "Supabase Inc." in out and "3 rows" in out
    assert cli.main(["query", "ASK { ?s a dpag:DataProcessingAgreement }", "--store", str(filled)]) == 0
    assert capsys.readouterr().out.strip() == "true"


def test_query_errors(filled, tmp_path, capsys):
    assert cli.main(["query", "SELECT WHERE {", "--store", str(filled)]) == 1
    [error] = lines(capsys.readouterr().err, "error:")
    assert "query failed" in error
    assert cli.main(["query", Q, "--store", str(tmp_path / "nowhere")]) == 1
    [error] = lines(capsys.readouterr().err, "error:")
    assert "no store at" in error
    assert not (tmp_path / "nowhere").exists()


def test_stats(filled, capsys):
    assert cli.main(["stats", "--store", str(filled)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"documents\s*│\s*2", out)
    assert re.search(r"sub-processor engagements\s*│\s*3", out)
    assert re.search(r"third-country engagements\s*│\s*2", out)
    assert re.search(r"organisations\s*│\s*5", out)


def test_ask_lists_questions_and_answers_them(filled, capsys):
    assert cli.main(["ask"]) == 0
    listing = capsys.readouterr().out
    assert "usa-transfers" in listing and "organisation=Stripe" in listing
    assert cli.main(["ask", "usa-transfers", "--store", str(filled)]) == 0
    out = capsys.readouterr().out
    assert "Vendors that send personal data to the USA" in out
    assert "Inexdu GmbH" in out and "Stripe, Inc." in out and "Beta Corp" in out
    argv = ["ask", "vendors-using-organisation", "--param", "organisation=hetzner", "--format", "csv"]
    assert cli.main([*argv, "--store", str(filled)]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0] == "vendor,subprocessor,purpose,document"
    assert len(csv_lines) == 2 and "Inexdu GmbH" in csv_lines[1]


def test_ask_all(filled, capsys):
    from service.questions import catalogue

    assert cli.main(["ask", "--all", "--store", str(filled)]) == 0
    out = capsys.readouterr().out
    for q in catalogue().values():
        assert q.title in out
    assert cli.main(["ask", "--all", "--store", str(filled), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == set(catalogue())
    vendors = {b["vendor"]["value"] for b in data["usa-transfers"]["results"]["bindings"]}
    assert vendors == {"Inexdu GmbH", "Beta Corp"}


def test_ask_usage_errors(filled, capsys):
    assert cli.main(["ask", "no-such-question", "--store", str(filled)]) == 2
    assert "no question" in capsys.readouterr().err
    assert cli.main(["ask", "usa-transfers", "--param", "country=US", "--store", str(filled)]) == 2
    assert "no parameter" in capsys.readouterr().err
    assert cli.main(["ask", "--all", "--param", "nonsense", "--store", str(filled)]) == 2
    assert "key=value" in capsys.readouterr().err


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "dpagraph"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    done = subprocess.run([str(script), "ask"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usa-transfers" in done.stdout


def test_a_store_in_use_is_reported_on_one_line(filled, capsys):
    with DPAStore(filled):  # holds the directory lock like a running ingest would
        assert cli.main(["query", Q, "--store", str(filled)]) == 1
        [error] = lines(capsys.readouterr().err, "error:")
        assert "in use by another dpagraph process" in error
