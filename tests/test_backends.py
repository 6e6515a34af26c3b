"""One suite, two backends: everything the CLI and the web service do, on the embedded Oxigraph
directory and on a SPARQL endpoint (`oxigraph serve` from the pinned `oxigraph` package of
requirements-dev.txt, on 127.0.0.1), with the directory's answers as the reference.

The endpoint backend is tested against a real server, never a mock: the point is that URLs,
content negotiation, the dataset parameters, GSP and the update fallback all work on the wire.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_records import record_a

from graph import cli
from graph.backends.endpoint import derive, endpoint
from graph.build import ID, build_graph, validation_graph_iri
from graph.store import open_store
from service.app import close_app, create_app
from service.context import of

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "dpas"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
BACKENDS = ("directory", "endpoint")
VENDORS = "SELECT ?vendor WHERE { ?dpa dpag:processorName ?vendor } ORDER BY ?vendor"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- the server ------------------------------------------------------------------------------------


class OxigraphServer:
    """`oxigraph serve` on a free loopback port with its data in a temporary directory."""

    def __init__(self, location: Path, *flags: str):
        if not OXIGRAPH.is_file():
            pytest.fail(f"{OXIGRAPH} is missing: `pip install -r requirements-dev.txt` installs oxigraph==0.5.13")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = location.with_suffix(".log")
        command = [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        # the server's own limit, so a query whose client was killed stops using CPU soon after
        command += ["--timeout-s", "10", *flags]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"oxigraph serve exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                self.query("ASK {}")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"oxigraph serve did not answer within 30 s: {self.log.read_text()}")

    def query(self, text: str) -> bytes:
        data = urllib.parse.urlencode({"query": text}).encode()
        with urllib.request.urlopen(f"{self.url}/query", data=data, timeout=10) as response:
            return response.read()

    def clear(self) -> None:
        data = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
        urllib.request.urlopen(f"{self.url}/update", data=data, timeout=30).close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="session")
def corpus_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    # a default graph that is the union of the graphs, as Virtuoso's, GraphDB's or Neptune's is
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "corpus", "--union-default-graph")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def scratch_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "scratch")
    yield server
    server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, reference, corpus_server) -> str:
    """The sample corpus ingested and validated with the CLI into the backend; its location."""
    if request.param == "directory":
        return reference  # the directory backend is the reference
    corpus_server.clear()
    return ingest_and_validate(corpus_server.url)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> str:
    """The sample corpus in a directory store: what the endpoint's answers must equal."""
    return ingest_and_validate(str(tmp_path_factory.mktemp("reference") / "store"))


def ingest_and_validate(location: str) -> str:
    """Ingested and validated, so every store holds the same graphs whichever test runs first."""
    assert cli.main(["ingest", str(SAMPLES), "--store", location]) == 0
    assert cli.main(["validate", "--store", location, "--no-cache", "--jobs", "1", "--fail-on", "never"]) == 0
    return location


@pytest.fixture(params=BACKENDS)
def empty(request, tmp_path, scratch_server) -> str:
    """An empty store of each backend."""
    if request.param == "directory":
        return str(tmp_path / "store")
    scratch_server.clear()
    return scratch_server.url


def run(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def without_timestamps(report: str) -> dict:
    document = json.loads(report)
    document.pop("generated", None)
    return document


# --- CLI: ingest, query, ask, stats, validate -------------------------------------------------------


def facts(location: str) -> tuple[dict, list, str]:
    """Stats, documents and (for an endpoint) the union mode in use; one store open at a time."""
    with open_store(location) as store:
        return store.stats(), store.documents(), getattr(store.store, "union", "directory")


def test_query_ask_and_stats_answer_as_on_the_directory(corpus, reference, capsys):
    for argv in (
        ["ask", "usa-transfers", "--format", "csv"],
        ["query", VENDORS, "--format", "csv"],
        ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json"],  # the union
        ["query", "ASK { GRAPH ?g { ?d a dpag:DataProcessingAgreement } }", "--format", "json"],
    ):
        assert run(capsys, *argv, "--store", corpus) == run(capsys, *argv, "--store", reference), argv
    answers = [
        json.loads(run(capsys, "ask", "--all", "--format", "json", "--store", s)[1]) for s in (corpus, reference)
    ]
    assert answers[0] == answers[1]
    (stats, documents, union), (ref_stats, ref_documents, _) = facts(corpus), facts(reference)
    assert union in ("directory", "native")  # found out on the server, not told
    assert stats == ref_stats and documents == ref_documents
    assert stats["documents"] == len(list(SAMPLES.iterdir()))
    code, out = run(capsys, "ask", "usa-transfers", "--format", "csv", "--store", corpus)
    assert "Quillstack, Inc." in out and "Twilio Inc." in out


def test_validate_store_finds_what_the_directory_finds(corpus, reference, capsys):
    argv = ["validate", "--format", "json", "--no-cache", "--jobs", "1", "--fail-on", "never"]
    code, report = run(capsys, *argv, "--force", "--store", corpus)
    _, expected = run(capsys, *argv, "--force", "--store", reference)
    assert code == 0 and without_timestamps(report) == without_timestamps(expected)
    assert report.count('"rule"') > 10
    again_code, again = run(capsys, *argv, "--store", corpus)  # unchanged: read back from the results graphs
    assert again_code == 0 and without_timestamps(again) == without_timestamps(expected)
    code, out = run(capsys, "ask", "failing-rule", "--param", "rule=E02", "--format", "csv", "--store", corpus)
    assert out == run(capsys, "ask", "failing-rule", "--param", "rule=E02", "--format", "csv", "--store", reference)[1]


def test_reingest_replaces_a_document_and_a_broken_file_loses_nothing(empty, tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    original = (SAMPLES / "108_tallyfox_short_dpa.md").read_text(encoding="utf-8")
    doc = folder / "108_tallyfox_short_dpa.md"
    doc.write_text(original, encoding="utf-8")
    assert cli.main(["ingest", str(folder), "--store", empty]) == 0
    assert cli.main(["validate", "--store", empty, "--no-cache", "--fail-on", "never"]) == 0
    results = f"ASK {{ GRAPH <{validation_graph_iri('108_tallyfox_short_dpa')}> {{ ?s ?p ?o }} }}"
    assert run(capsys, "query", results, "--format", "csv", "--store", empty)[1].strip() == "true"

    doc.write_text(original.replace("Tallyfox GmbH", "Foxtally AG"), encoding="utf-8")
    code, out = run(capsys, "ingest", str(folder), "--store", empty)
    assert code == 0 and "replaced" in out
    vendors = run(capsys, "query", VENDORS, "--format", "csv", "--store", empty)[1]
    assert "Foxtally AG" in vendors and "Tallyfox GmbH" not in vendors  # the old version is gone, wholly
    assert run(capsys, "query", results, "--format", "csv", "--store", empty)[1].strip() == "false"
    assert run(capsys, "ingest", str(folder), "--store", empty)[1].count("unchanged") >= 1

    with open_store(empty) as store:
        before = store.document("108_tallyfox_short_dpa")
        size = len(store.store)
    doc.write_bytes(b"")  # a broken version of the same document
    assert cli.main(["ingest", str(folder), "--store", empty]) == 1
    with open_store(empty) as store:
        assert store.document("108_tallyfox_short_dpa") == before and len(store.store) == size


def test_put_and_remove_through_the_api(empty):
    record, text = record_a()
    with open_store(empty) as store:
        assert store.put(record, build_graph(record, text, extractor_version="t")).status == "ingested"
        assert store.put(record, build_graph(record, text, extractor_version="t")).status == "unchanged"
        assert store.put(record, build_graph(record, text, extractor_version="t"), force=True).status == "replaced"
        assert [d.stem for d in store.documents()] == [record.document]
        assert store.summary(record.document)["subprocessors"] == len(record.subprocessors)
        assert store.remove(record.document) and not store.remove(record.document)
        assert store.documents() == []
        graphs = {g.value for g in store.store.named_graphs()}
        assert graphs == {f"{ID}graph/reference"}  # no staging graph left behind
        assert getattr(store.store, "union", "oxigraph") == "oxigraph"  # found out: Oxigraph's own parameter


# --- the web service -------------------------------------------------------------------------------


def settings(store: str, **overrides) -> dict:
    """Every setting given, so nothing comes from the developer's environment."""
    return {
        "store": store,
        "host": "127.0.0.1",
        "port": 0,
        "workers": 1,
        "query_timeout": 30.0,
        "max_rows": 10_000,
        "max_request_bytes": 65_536,
        **overrides,
    }


@pytest.fixture(scope="module")
def reference_app(reference):
    app = create_app(settings(reference))
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def corpus_app(corpus):
    app = create_app(settings(corpus))
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def limited_app(corpus):
    app = create_app(settings(corpus, max_rows=4, query_timeout=1.0))
    yield app
    close_app(app)


SELECT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "nt", "json-ld", "xml")


def test_sparql_answers_in_every_format_as_on_the_directory(corpus_app, reference_app):
    client, ref = corpus_app.test_client(), reference_app.test_client()
    small = VENDORS + " LIMIT 4"
    for fmt in SELECT_FORMATS:
        got = client.get("/sparql", query_string={"query": small, "format": fmt})
        want = ref.get("/sparql", query_string={"query": small, "format": fmt})
        assert got.status_code == 200 and got.data == want.data and got.content_type == want.content_type, fmt
        assert "X-DPAGraph-Truncated" not in got.headers
    ask = client.post("/sparql", data={"query": "ASK { ?d a dpag:DataProcessingAgreement }"})
    assert ask.get_json(force=True)["boolean"] is True
    construct = "CONSTRUCT { ?d dpag:processorName ?n } WHERE { ?d dpag:processorName ?n } ORDER BY ?n LIMIT 3"
    for fmt in GRAPH_FORMATS:
        got = client.get("/sparql", query_string={"query": construct, "format": fmt})
        assert got.status_code == 200, fmt
        assert "X-DPAGraph-Truncated" not in got.headers
    nt = client.get("/sparql", query_string={"query": construct, "format": "nt"}).data
    assert sorted(nt.splitlines()) == sorted(
        ref.get("/sparql", query_string={"query": construct, "format": "nt"}).data.splitlines()
    )


def test_cut_results_are_marked_on_every_backend(limited_app):
    client = limited_app.test_client()
    as_json = client.get("/sparql", query_string={"query": VENDORS})
    assert as_json.headers["X-DPAGraph-Truncated"] == "true" and as_json.headers["X-DPAGraph-Max-Rows"] == "4"
    body = as_json.get_json(force=True)
    assert body["dpagraph"] == {"truncated": True, "maxRows": 4} and len(body["results"]["bindings"]) == 4
    for fmt in ("csv", "tsv", "xml"):
        assert client.get("/sparql", query_string={"query": VENDORS, "format": fmt}).headers["X-DPAGraph-Truncated"]
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert graph.headers["X-DPAGraph-Truncated"] == "true" and graph.data.count(b"\n") == 4


def test_default_graph_dataset_and_refusals(corpus_app, reference_app):
    client, ref = corpus_app.test_client(), reference_app.test_client()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert (
        client.get("/sparql", query_string={"query": count}).data
        == ref.get("/sparql", query_string={"query": count}).data
    )
    one = f"{ID}graph/103_quillstack_dpa"
    for query in (f"SELECT (COUNT(*) AS ?n) FROM <{one}> WHERE {{ ?s ?p ?o }}",):
        assert (
            client.get("/sparql", query_string={"query": query}).data
            == ref.get("/sparql", query_string={"query": query}).data
        )
    by_protocol = {"query": count, "default-graph-uri": one}
    assert client.get("/sparql", query_string=by_protocol).data == ref.get("/sparql", query_string=by_protocol).data
    for query, status in (
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400),
        ("SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }", 400),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 400),
    ):
        got = client.post("/sparql", data={"query": query})
        assert got.status_code == status and got.data == ref.post("/sparql", data={"query": query}).data, query
    assert sorted(of(corpus_app).pool.named_graphs()) == sorted(of(reference_app).pool.named_graphs())


def test_pages_show_what_they_show_on_the_directory(corpus_app, reference_app):
    client, ref = corpus_app.test_client(), reference_app.test_client()
    got = client.get("/questions/usa-transfers.json").get_json()
    want = ref.get("/questions/usa-transfers.json").get_json()
    assert got["columns"] == want["columns"]
    vendors = sorted({row["vendor"] for row in got["rows"]})
    assert vendors == sorted({row["vendor"] for row in want["rows"]}) and "Quillstack, Inc." in vendors
    assert client.get("/").status_code == 200


def test_a_query_over_the_timeout_is_stopped_with_its_worker(limited_app):
    client = limited_app.test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    [before] = of(limited_app).pool.pids()
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": SLOW})
    assert response.status_code == 504 and time.monotonic() - started < 8
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # killed and reaped: the HTTP request to the endpoint dies with it
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


# --- endpoint specifics ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h:7878", ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store")),
        ("http://h:7878/query", ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store")),
        ("http://h:3030/ds", ("http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data")),
        ("http://h:3030/ds/sparql", ("http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data")),
        (
            "http://h:7200/repositories/dpa",
            (
                "http://h:7200/repositories/dpa",
                "http://h:7200/repositories/dpa/statements",
                "http://h:7200/repositories/dpa/rdf-graphs/service",
            ),
        ),
        ("http://h:8890/sparql", ("http://h:8890/sparql", "http://h:8890/sparql", None)),
        ("https://n.neptune.amazonaws.com:8182/sparql", (*["https://n.neptune.amazonaws.com:8182/sparql"] * 2, None)),
    ],
)
def test_urls_are_derived_for_the_common_servers(url, expected):
    assert derive(url) == expected


def test_settings_beat_the_environment_which_beats_derivation():
    environ = {"DPAGRAPH_STORE_GSP_URL": "none", "DPAGRAPH_STORE_USER": "u", "DPAGRAPH_STORE_PASSWORD": "secret"}
    e = endpoint("http://h:8890/sparql", update_url="http://h:8890/sparql-auth", environ=environ)
    assert (e.update_url, e.gsp_url, e.user, e.union) == ("http://h:8890/sparql-auth", None, "u", "auto")
    assert "secret" not in repr(e)
    with pytest.raises(ValueError, match="not one of"):
        endpoint("http://h/sparql", union="sometimes", environ={})
    with pytest.raises(ValueError, match="holds a password"):
        endpoint("http://u:secret@h/sparql", environ={})


def test_an_unreachable_endpoint_is_one_line_and_the_usual_exit_code(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens once the socket closes
    for argv, code in ((["stats"], 1), (["query", "ASK {}"], 1), (["ingest", str(SAMPLES)], 1), (["validate"], 2)):
        assert cli.main([*argv, "--store", url]) == code
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and url in err and "cannot connect" in err, err
    assert cli.main(["serve", "--store", url, "--port", "0", "--workers", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert url in err and "cannot connect" in err


def test_the_portable_dataset_and_the_update_fallback_give_the_same_answers(scratch_server, capsys, monkeypatch):
    """Every graph listed as `default-graph-uri`, documents written by SPARQL Update alone: what a
    server with neither a union default graph nor the Graph Store Protocol gets."""
    scratch_server.clear()
    monkeypatch.setenv("DPAGRAPH_STORE_GSP_URL", "none")
    monkeypatch.setenv("DPAGRAPH_STORE_UNION", "dataset")
    url = scratch_server.url
    assert cli.main(["ingest", str(SAMPLES / "103_quillstack_dpa.txt"), "--store", url]) == 0
    code, vendors = run(capsys, "query", VENDORS, "--format", "csv", "--store", url)
    assert code == 0 and vendors.splitlines() == ["vendor", '"Quillstack, Inc."']
    code, answer = run(capsys, "ask", "usa-transfers", "--format", "csv", "--store", url)
    assert code == 0 and answer.count("103_quillstack_dpa") == 5
    with open_store(url) as store:
        assert store.store.union == "dataset" and store.endpoint.gsp_url is None
        assert store.remove("103_quillstack_dpa") and store.documents() == []
