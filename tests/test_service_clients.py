"""Real clients against the real server: `python -m service` (waitress, worker processes) on a
free loopback port, queried by SPARQLWrapper in every result format and by pandas through the
CSV endpoint. The server must stop on SIGTERM and leave no process behind."""

from __future__ import annotations

import csv
import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pandas
import pyoxigraph as ox
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from service import questions

ROOT = Path(__file__).resolve().parent.parent
DOCS = "SELECT ?doc WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?doc } ORDER BY ?doc"
CONSTRUCT = (
    "CONSTRUCT { ?d dcterms:identifier ?doc } WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?doc }"
)
ASK = "ASK { ?d a dpag:DataProcessingAgreement }"
STARTUP_SECONDS = 30


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(after_name[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def endpoint(sample_store):
    """The server as `dpagraph serve` runs it; the store comes from $DPAGRAPH_STORE, the port from a flag."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DPAGRAPH_")}
    environ["DPAGRAPH_STORE"] = str(sample_store)
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "--port", "0", "--workers", "2"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([server.stdout], [], [], STARTUP_SECONDS)
        line = server.stdout.readline() if ready else ""
        match = re.search(r"http://127\.0\.0\.1:\d+/sparql", line)
        assert match, f"server did not start: {line!r} {server.stderr.read() if server.poll() is not None else ''}"
        workers = children(server.pid)
        assert workers, "the server runs its queries in child processes"
        yield match.group()
    finally:
        server.terminate()
        returncode = server.wait(timeout=15)
    assert returncode == 0, server.stderr.read()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)], "worker processes left behind"


def run(endpoint: str, query: str, fmt: str, **calls: tuple):
    """SPARQLWrapper's query result; `calls` are further setter calls, e.g. setMethod=(POST,)."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    for method, args in calls.items():
        getattr(client, method)(*args)
    return client.query()


def test_sparqlwrapper_select_in_every_format(endpoint):
    expected = [f"10{i}" for i in range(1, 9)]

    as_json = run(endpoint, DOCS, JSON).convert()
    assert [b["doc"]["value"][:3] for b in as_json["results"]["bindings"]] == expected

    as_xml = run(endpoint, DOCS, XML).convert()
    assert [n.firstChild.data[:3] for n in as_xml.getElementsByTagName("literal")] == expected

    as_csv = list(csv.reader(io.StringIO(run(endpoint, DOCS, CSV).convert().decode())))
    assert as_csv[0] == ["doc"] and [row[0][:3] for row in as_csv[1:]] == expected

    as_tsv = run(endpoint, DOCS, TSV).convert().decode().splitlines()
    assert as_tsv[0] == "?doc" and [line.strip('"')[:3] for line in as_tsv[1:]] == expected


@pytest.mark.parametrize(
    "options",
    [{"setMethod": (POST,)}, {"setMethod": (POST,), "setRequestMethod": (POSTDIRECTLY,)}],
    ids=["post-form", "post-direct"],
)
def test_sparqlwrapper_posts(endpoint, options):
    result = run(endpoint, DOCS, JSON, **options).convert()
    assert len(result["results"]["bindings"]) == 8


def test_sparqlwrapper_ask(endpoint):
    assert run(endpoint, ASK, JSON).convert() == {"head": {}, "boolean": True}
    assert run(endpoint, ASK, XML).convert().getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
def test_sparqlwrapper_construct_in_every_format(endpoint):
    turtle = run(endpoint, CONSTRUCT, TURTLE)
    assert turtle.info()["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.convert(), format="turtle")) == 8

    ntriples = run(
        endpoint, CONSTRUCT, N3, setOnlyConneg=(True,), addCustomHttpHeader=("Accept", "application/n-triples")
    )
    assert ntriples.info()["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=ntriples.convert(), format="nt")) == 8

    jsonld = run(endpoint, CONSTRUCT, JSONLD)
    assert jsonld.info()["content-type"].startswith("application/ld+json")
    assert len(jsonld.convert()) == 8

    rdfxml = run(endpoint, CONSTRUCT, XML)  # SPARQLWrapper's default for CONSTRUCT
    assert len(rdfxml.convert()) == 8


def test_sparqlwrapper_sees_refusals_as_bad_queries(endpoint):
    with pytest.raises(QueryBadFormed, match="SERVICE is refused"):
        run(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", JSON)


def test_pandas_reads_the_usa_question_as_csv(endpoint, sample_store):
    question = questions.get("usa-transfers")
    frame = pandas.read_csv(
        f"{endpoint}?{urlencode({'query': question.render(), 'format': 'csv'})}", dtype=str, keep_default_na=False
    )
    store = ox.Store.read_only(str(sample_store))
    expected = [
        {name: row[name].value if row[name] is not None else "" for name in ("vendor", "via", "basis", "document")}
        for row in store.query(question.render(), use_default_graph_as_union=True)
    ]
    assert frame.to_dict("records") == expected
    assert "Quillstack, Inc." in set(frame["vendor"])  # seated in the USA itself
    assert "106_wohnwerk_hausverwaltung" not in set(frame["document"])  # no third country at all
