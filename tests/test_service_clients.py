"""Real clients against the real server: `python -m service` (waitress, worker processes) on a
free loopback port, queried by SPARQLWrapper in every result format and by pandas through the
CSV endpoint. The server must stop on SIGTERM and leave no process behind."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pandas
import pyoxigraph as ox
import pytest
from rdflib import Graph
from running_server import serving
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from service import questions

DOCS = "SELECT ?doc WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?doc } ORDER BY ?doc"
CONSTRUCT = (
    "CONSTRUCT { ?d dcterms:identifier ?doc } WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?doc }"
)
ASK = "ASK { ?d a dpag:DataProcessingAgreement }"


@pytest.fixture(scope="module")
def endpoint(sample_store):
    with serving(sample_store) as site:
        yield site + "/sparql"


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
