"""The SPARQL Service Description that `GET /sparql` without a query returns: where the endpoint
is, what it speaks, in which formats it answers, and which graphs make up its dataset, so a client
can find the named graphs without knowing the IRI scheme."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from service import results
from service.formats import FORMATS, ResultFormat

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
SUMMARY = (
    "Read-only SPARQL 1.1 query endpoint of DPA Graph. The default graph is the union of all named "
    "graphs (one per data processing agreement, plus the reference data). SERVICE, FROM that names "
    "no graph of this store, and SPARQL Update are refused."
)
PREFIXES = {"sd": SD, "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(endpoint: str, graphs: Iterable[str], fmt: ResultFormat) -> bytes:
    service, dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, DESCRIPTION, ox.Literal(SUMMARY, language="en")),
        *(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.iri)) for f in FORMATS),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
    ]
    nodes = [(ox.BlankNode(f"graph{number}"), name) for number, name in enumerate(graphs, start=1)]
    triples += [ox.Triple(dataset, _sd("namedGraph"), node) for node, _name in nodes]
    triples.append(ox.Triple(default_graph, RDF_TYPE, _sd("Graph")))
    for node, name in nodes:
        triples += [ox.Triple(node, RDF_TYPE, _sd("NamedGraph")), ox.Triple(node, _sd("name"), ox.NamedNode(name))]
    return results.graph(triples, fmt, PREFIXES)
