"""Result formats: which one a request gets, TSV as the spec writes it, and cut results saying so."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from service import formats, results
from service.description import service_description
from service.safety import Refusal

N = ox.NamedNode
XSD_INTEGER = N("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    g = N("urn:g")
    s.add(ox.Quad(N("http://ex.org/a"), N("http://ex.org/p"), ox.Literal('tab\there, "quoted"\nnewline'), g))
    s.add(ox.Quad(N("http://ex.org/a"), N("http://ex.org/p"), ox.Literal("Straße", language="de"), g))
    s.add(ox.Quad(ox.BlankNode("b1"), N("http://ex.org/p"), ox.Literal("7", datatype=XSD_INTEGER), g))
    return s


def select(store: ox.Store):
    return store.query(
        "SELECT ?s ?o ?missing WHERE { ?s <http://ex.org/p> ?o OPTIONAL { ?s <http://ex.org/q> ?missing } } ORDER BY ?o",
        use_default_graph_as_union=True,
    )


@pytest.mark.parametrize(
    ("kind", "requested", "accept", "expected"),
    [
        ("results", [], None, "json"),
        ("results", [], "*/*", "json"),
        ("results", [], "text/html,application/xhtml+xml,*/*;q=0.8", "json"),
        ("results", [], "text/csv", "csv"),
        ("results", [], "application/sparql-results+xml;q=0.9, text/tab-separated-values", "tsv"),
        ("results", ["json", "json"], "application/sparql-results+json,application/json", "json"),  # SPARQLWrapper
        ("results", ["tsv", "text/tab-separated-values"], "text/tab-separated-values", "tsv"),
        ("results", ["xml"], "text/csv", "xml"),  # an explicit format wins over Accept
        ("results", ["application/sparql-results+json"], None, "json"),
        ("results", ["CSV"], None, "csv"),
        ("graph", [], None, "turtle"),
        ("graph", ["json-ld", "application/ld+json,application/x-json+ld"], None, "jsonld"),
        ("graph", ["json"], None, "jsonld"),
        ("graph", ["xml"], None, "rdfxml"),
        ("graph", ["n3"], None, "turtle"),
        ("graph", [], "application/n-triples", "ntriples"),
        ("graph", [], "application/rdf+xml", "rdfxml"),
    ],
)
def test_format_choice(kind, requested, accept, expected):
    assert formats.choose(kind, requested, accept).name == expected


@pytest.mark.parametrize(
    ("kind", "requested", "accept", "message"),
    [
        ("results", ["turtle"], None, "format 'turtle' is not available here; SELECT and ASK answer in json"),
        ("graph", ["csv"], None, "CONSTRUCT and DESCRIBE answer in turtle"),
        ("results", [], "image/png", "none of the formats in the Accept header"),
    ],
)
def test_unavailable_formats_are_406(kind, requested, accept, message):
    with pytest.raises(Refusal, match=message) as caught:
        formats.choose(kind, requested, accept)
    assert caught.value.status == 406


def test_tsv_follows_the_spec(store):
    """Header of ?variables; terms in N-Triples syntax with tab and newline escaped; unbound empty."""
    body = results.serialize(select(store), formats.by_name("tsv"), 100, {}).body.decode()
    assert body.split("\n") == [
        "?s\t?o\t?missing",
        '_:b1\t"7"^^<http://www.w3.org/2001/XMLSchema#integer>\t',
        '<http://ex.org/a>\t"Straße"@de\t',
        '<http://ex.org/a>\t"tab\\there, \\"quoted\\"\\nnewline"\t',
        "",
    ]


def test_tsv_writes_triple_terms(store):
    triple_term = store.query("SELECT ?t WHERE { BIND(<<( <urn:a> <urn:b> <urn:c> )>> AS ?t) }")
    assert (
        results.serialize(triple_term, formats.by_name("tsv"), 1, {}).body == b"?t\n<<( <urn:a> <urn:b> <urn:c> )>>\n"
    )


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_every_results_format_says_what_pyoxigraph_says(store, name):
    mine = results.serialize(select(store), formats.by_name(name), 100, {})
    assert not mine.truncated
    target = getattr(ox.QueryResultsFormat, name.upper())
    theirs = select(store).serialize(format=target)
    if name == "csv":  # pyoxigraph cannot read CSV back: compare the bytes
        assert mine.body == theirs
    else:
        assert [list(row) for row in ox.parse_query_results(mine.body, target)] == [
            list(row) for row in ox.parse_query_results(theirs, target)
        ]


def test_cut_results_say_so_in_json(store):
    cut = results.serialize(select(store), formats.by_name("json"), 2, {})
    document = json.loads(cut.body)
    assert cut.truncated
    assert len(document["results"]["bindings"]) == 2
    assert document["dpagraph"] == {"truncated": True, "maxRows": 2}
    assert document["head"]["vars"] == ["s", "o", "missing"]


def test_exactly_max_rows_is_not_cut(store):
    assert not results.serialize(select(store), formats.by_name("json"), 3, {}).truncated


def test_cut_graphs(store):
    construct = store.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    cut = results.serialize(construct, formats.by_name("ntriples"), 1, {})
    assert cut.truncated and cut.body.count(b"\n") == 1


def test_ask_in_every_format(store):
    def ask(name):
        return results.serialize(store.query("ASK { }"), formats.by_name(name), 1, {}).body

    assert json.loads(ask("json")) == {"head": {}, "boolean": True}
    assert b"<boolean>true</boolean>" in ask("xml")
    assert ask("csv").strip() == ask("tsv").strip() == b"true"


def test_service_description_lists_endpoint_formats_and_graphs():
    body = service_description("http://127.0.0.1:1/sparql", ["urn:g1", "https://ex.org/g2"], formats.by_name("turtle"))
    graph = ox.Store()
    graph.load(body, format=ox.RdfFormat.TURTLE)
    rows = graph.query(
        """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
           SELECT ?endpoint ?name WHERE { ?s a sd:Service ; sd:endpoint ?endpoint ;
             sd:supportedLanguage sd:SPARQL11Query ; sd:defaultDataset ?d .
             ?d sd:defaultGraph ?dg ; sd:namedGraph [ a sd:NamedGraph ; sd:name ?name ] } ORDER BY ?name"""
    )
    assert [(r["endpoint"].value, r["name"].value) for r in rows] == [
        ("http://127.0.0.1:1/sparql", "https://ex.org/g2"),
        ("http://127.0.0.1:1/sparql", "urn:g1"),
    ]
    formats_listed = graph.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/ns/sparql-service-description#resultFormat> ?f }"
    )
    assert int(next(formats_listed)["n"].value) == len(formats.FORMATS)
