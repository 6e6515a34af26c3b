"""/sparql through Flask's test client on the sample corpus: the SPARQL 1.1 Protocol, result
formats, the service description, CORS, and every refusal, with a listener on 127.0.0.1 that
records that no refused request ever made the server connect anywhere."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest
from sample_records import record_a, record_b

from graph.build import ID, build_graph
from graph.store import DPAStore
from service.app import close_app, create_app
from service.context import of

DOCS = "SELECT ?doc WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?doc } ORDER BY ?doc"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GRAPH = f"{ID}graph/"
SPARQL_JSON = "application/sparql-results+json"


def settings(store, **overrides) -> dict:
    """Every setting given, so nothing comes from the developer's environment."""
    return {
        "store": store,
        "host": "127.0.0.1",
        "port": 0,
        "workers": 2,
        "query_timeout": 30.0,
        "max_rows": 10_000,
        "max_request_bytes": 16_384,
        **overrides,
    }


@pytest.fixture(scope="module")
def app(sample_store):
    app = create_app(settings(sample_store))
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def limited_app(sample_store):
    app = create_app(settings(sample_store, workers=1, query_timeout=2.0, max_rows=3))
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Listener:
    port: int
    connections: list = field(default_factory=list)


@pytest.fixture
def listener():
    """A plain TCP listener on 127.0.0.1 that records (and closes) every connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    record = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            record.connections.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield record
    stop.set()
    thread.join()
    server.close()


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in row.items()} for row in response.get_json(force=True)["results"]["bindings"]]


def docs(response) -> list[str]:
    return [row["doc"] for row in bindings(response)]


# --- the protocol --------------------------------------------------------------------------------


def test_get_post_form_and_post_direct_answer_alike(client):
    by_get = client.get("/sparql", query_string={"query": DOCS})
    by_form = client.post("/sparql", data={"query": DOCS})
    by_body = client.post("/sparql", data=DOCS.encode(), content_type="application/sparql-query")
    assert by_get.content_type == "application/sparql-results+json; charset=utf-8"
    assert docs(by_get) == docs(by_form) == docs(by_body)
    assert len(docs(by_get)) == 8 and docs(by_get)[0] == "101_kartenwerk_ticketing"


def test_default_graph_is_the_union_and_named_graphs_are_addressable(client):
    per_graph = client.get(
        "/sparql",
        query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a dpag:DataProcessingAgreement } }"},
    )
    assert len(bindings(per_graph)) == 8
    from_one = client.get(
        "/sparql", query_string={"query": DOCS.replace("WHERE", f"FROM <{GRAPH}102_carenord_pflege> WHERE")}
    )
    assert docs(from_one) == ["102_carenord_pflege"]
    protocol_default = client.get(
        "/sparql",
        query_string={
            "query": DOCS,
            "default-graph-uri": [f"{GRAPH}103_quillstack_dpa", f"{GRAPH}108_tallyfox_short_dpa"],
        },
    )
    assert docs(protocol_default) == ["103_quillstack_dpa", "108_tallyfox_short_dpa"]
    named = "SELECT ?g ?doc WHERE { GRAPH ?g { ?d dcterms:identifier ?doc } }"
    protocol_named = client.post(
        "/sparql", data={"query": named, "named-graph-uri": f"{GRAPH}104_kestrel_feedback_dpa"}
    )
    assert bindings(protocol_named) == [{"g": f"{GRAPH}104_kestrel_feedback_dpa", "doc": "104_kestrel_feedback_dpa"}]
    assert (
        docs(client.post("/sparql", data={"query": DOCS, "named-graph-uri": f"{GRAPH}104_kestrel_feedback_dpa"})) == []
    )


@pytest.mark.parametrize(
    ("query", "params", "headers", "content_type", "starts"),
    [
        (DOCS, {}, {"Accept": "text/csv"}, "text/csv", "doc\r\n101_kartenwerk_ticketing"),
        (DOCS, {"format": "tsv"}, {}, "text/tab-separated-values", '?doc\n"101_kartenwerk_ticketing"'),
        (DOCS, {"output": "xml"}, {}, "application/sparql-results+xml", "<?xml"),
        (DOCS, {"results": "csv"}, {"Accept": SPARQL_JSON}, "text/csv", "doc\r\n"),
        ("ASK { ?s a dpag:DataProcessingAgreement }", {}, {}, SPARQL_JSON, '{"head":{},"boolean":true}'),
        ("CONSTRUCT WHERE { ?d a dpag:DataProcessingAgreement }", {}, {}, "text/turtle", "@prefix"),
        (
            "CONSTRUCT WHERE { ?d a dpag:DataProcessingAgreement }",
            {},
            {"Accept": "application/n-triples"},
            "application/n-triples",
            "<https://w3id.org/",
        ),
        (
            "DESCRIBE <https://w3id.org/dpagraph/id/doc/108_tallyfox_short_dpa>",
            {"format": "json-ld"},
            {},
            "application/ld+json",
            "[",
        ),
        (
            "CONSTRUCT WHERE { ?d a dpag:DataProcessingAgreement }",
            {"format": "xml"},
            {},
            "application/rdf+xml",
            "<?xml",
        ),
    ],
)
def test_formats_by_negotiation_and_parameters(client, query, params, headers, content_type, starts):
    response = client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == content_type
    assert response.get_data(as_text=True).startswith(starts)
    assert "Accept" in response.headers["Vary"]


def test_unavailable_format_is_406(client):
    response = client.get("/sparql", query_string={"query": DOCS, "format": "turtle"})
    assert response.status_code == 406
    assert "SELECT and ASK answer in json" in response.get_data(as_text=True)


def test_service_description(client):
    response = client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    text = response.get_data(as_text=True)
    assert "sd:endpoint <http://localhost/sparql>" in text
    assert "sd:supportedLanguage sd:SPARQL11Query" in text
    assert f"sd:name <{GRAPH}101_kartenwerk_ticketing>" in text and f"<{GRAPH}reference>" in text
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert as_jsonld.mimetype == "application/ld+json"
    assert any(
        "http://www.w3.org/ns/sparql-service-description#endpoint" in node for node in json.loads(as_jsonld.data)
    )


def test_cors(client):
    assert client.get("/sparql", query_string={"query": DOCS}).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://notebook.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# --- refusals ------------------------------------------------------------------------------------


def outbound_requests(port: int) -> list[tuple[str, dict, str]]:
    """(how, request arguments, expected message) for every way of asking the server to connect."""
    url = f"http://127.0.0.1:{port}"
    service = f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"
    return [
        ("GET SERVICE", {"method": "GET", "query_string": {"query": service}}, "SERVICE is refused"),
        (
            "form SERVICE nested",
            {
                "method": "POST",
                "data": {
                    "query": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {{ SELECT * WHERE {{ sErViCe SILENT <{url}/> {{ ?s ?p ?o }} }} }} }} }}"
                },
            },
            "SERVICE is refused",
        ),
        (
            "direct SERVICE after a CR comment",
            {
                "method": "POST",
                "data": f"SELECT * WHERE {{ # x\rSERVICE <{url}/> {{ ?s ?p ?o }}\n}}",
                "content_type": "application/sparql-query",
            },
            "SERVICE is refused",
        ),
        (
            "FROM",
            {"method": "GET", "query_string": {"query": f"SELECT * FROM <{url}/x.ttl> WHERE {{ ?s ?p ?o }}"}},
            "names no graph of this store",
        ),
        (
            "FROM NAMED",
            {
                "method": "GET",
                "query_string": {"query": f"SELECT * FROM NAMED <{url}/x.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            },
            "names no graph",
        ),
        (
            "default-graph-uri",
            {"method": "GET", "query_string": {"query": DOCS, "default-graph-uri": f"{url}/x.ttl"}},
            "default-graph-uri <",
        ),
        (
            "named-graph-uri",
            {"method": "POST", "data": {"query": DOCS, "named-graph-uri": f"{url}/x.ttl"}},
            "named-graph-uri <",
        ),
        (
            "LOAD as a query",
            {"method": "GET", "query_string": {"query": f"LOAD <{url}/x.ttl>"}},
            "SPARQL Update (LOAD) is refused",
        ),
        ("LOAD as update=", {"method": "POST", "data": {"update": f"LOAD <{url}/x.ttl>"}}, "SPARQL Update is refused"),
        (
            "LOAD as sparql-update",
            {"method": "POST", "data": f"LOAD <{url}/x.ttl>", "content_type": "application/sparql-update"},
            "SPARQL Update is refused",
        ),
        (
            "update= on GET",
            {"method": "GET", "query_string": {"update": f"LOAD <{url}/x.ttl>"}},
            "SPARQL Update is refused",
        ),
        (
            "file FROM",
            {"method": "GET", "query_string": {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}},
            "file: IRIs are never read",
        ),
    ]


def test_nothing_refused_ever_connects_out(client, listener):
    for how, kwargs, message in outbound_requests(listener.port):
        response = client.open("/sparql", **kwargs)
        assert response.status_code == 400, how
        assert response.mimetype == "text/plain", how
        assert message in response.get_data(as_text=True), how
    assert listener.connections == []


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"query_string": {"query": "SELECT * WHERE {\n  ?s ?p \n}"}}, 400, "malformed query at line 2, column 3"),
        (
            {"query_string": {"query": "SELECT * WHERE { ?s undeclared:p ?o }"}},
            400,
            "malformed query at line 1, column",
        ),
        ({"query_string": {"query": ["ASK {}", "ASK {}"]}}, 400, "exactly one query"),
        ({"method": "POST", "data": {}}, 400, "missing query"),
        ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415, "application/sparql-query"),
        ({"method": "PUT"}, 405, "Method Not Allowed"),
        ({"method": "POST", "data": b"ASK {\xff}", "content_type": "application/sparql-query"}, 400, "not valid utf-8"),
    ],
)
def test_bad_requests(client, kwargs, status, message):
    response = client.open("/sparql", **kwargs)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "POST", "data": "ASK {}" + " " * 20_000, "content_type": "application/sparql-query"},
        {"method": "POST", "data": {"query": "ASK {}" + " " * 20_000}},
        {"method": "GET", "query_string": {"query": "ASK {}" + " " * 20_000}},
    ],
)
def test_requests_over_the_size_cap_are_413(client, kwargs):
    response = client.open("/sparql", **kwargs)
    assert response.status_code == 413
    assert "limit is 16384 bytes" in response.get_data(as_text=True)


# --- limits: rows and time -----------------------------------------------------------------------


def test_cut_results_are_marked(limited_app):
    client = limited_app.test_client()
    as_json = client.get("/sparql", query_string={"query": DOCS})
    assert as_json.headers["X-DPAGraph-Truncated"] == "true" and as_json.headers["X-DPAGraph-Max-Rows"] == "3"
    body = as_json.get_json(force=True)
    assert body["dpagraph"] == {"truncated": True, "maxRows": 3} and len(body["results"]["bindings"]) == 3
    as_csv = client.get("/sparql", query_string={"query": DOCS, "format": "csv"})
    assert as_csv.headers["X-DPAGraph-Truncated"] == "true"
    assert len(as_csv.get_data(as_text=True).splitlines()) == 1 + 3
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert graph.headers["X-DPAGraph-Truncated"] == "true" and graph.data.count(b"\n") == 3
    whole = client.get("/sparql", query_string={"query": DOCS + " LIMIT 3"})
    assert "X-DPAGraph-Truncated" not in whole.headers and "dpagraph" not in whole.get_json(force=True)


def test_a_query_over_the_timeout_is_stopped_with_its_process(limited_app):
    client = limited_app.test_client()
    pool = of(limited_app).pool
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200  # worker is up
    [before] = pool.pids()
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": SLOW})
    assert response.status_code == 504
    assert "query stopped after 2 s" in response.get_data(as_text=True)
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # killed and reaped, not left running
    [after] = pool.pids()
    assert after != before
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200  # a fresh worker answers


def test_the_listener_sees_what_oxigraph_does_unguarded(listener):
    """The control for the test above: run directly, Oxigraph does connect to a SERVICE."""
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"))
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(listener.connections) == 1


def test_an_ingest_while_serving_shows_up_without_a_restart(tmp_path):
    """Workers hold the store read-only and reopen it when its directory changes."""

    def ingest(factory) -> None:
        record, text = factory()
        with DPAStore(tmp_path / "store", reference=False) as store:
            store.put(record, build_graph(record, text, extractor_version="t"))

    ingest(record_a)
    app = create_app(settings(tmp_path / "store", workers=1))
    try:
        client = app.test_client()
        assert docs(client.get("/sparql", query_string={"query": DOCS})) == ["a_inexdu"]
        ingest(record_b)
        assert docs(client.get("/sparql", query_string={"query": DOCS})) == ["a_inexdu", "b_beta"]
    finally:
        close_app(app)
