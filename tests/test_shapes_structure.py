"""The graph builder honours the structural shapes in shapes/graph-structure.ttl on real documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, SEEDS
from pyshacl import validate
from rdflib import Graph, Literal, URIRef

from graph.build import build_graph
from graph.extract.pipeline import extract_path

SHAPES = Path(__file__).resolve().parent.parent / "shapes" / "graph-structure.ttl"
DOCUMENTS = sorted(SEEDS.glob("*.txt")) + sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".html"})


def check(graph: Graph, shapes: Graph):
    """pyshacl wants a context-aware store; the builder's graph is a plain one (faster to fill)."""
    data = Graph()
    data += graph
    return validate(data, shacl_graph=shapes, inference="none")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_built_graph_conforms_to_structure_shapes(path, shapes):
    record, doc = extract_path(path)
    graph = build_graph(record, doc.text)
    conforms, _, report = check(graph, shapes)
    assert conforms, report


def test_structure_shapes_catch_a_broken_engagement(shapes):
    record, doc = extract_path(DOCUMENTS[0])
    graph = build_graph(record, doc.text)
    engagement = next(graph.subjects(URIRef("https://w3id.org/dpagraph/ns#nameAsWritten"), None))
    graph.add((engagement, URIRef("https://w3id.org/dpagraph/ns#nameAsWritten"), Literal("second name")))
    graph.add((engagement, URIRef("https://w3id.org/dpagraph/ns#seatCountry"), URIRef("https://w3id.org/dpv/loc#usa")))
    conforms, _, report = check(graph, shapes)
    assert not conforms
    assert "nameAsWritten" in report and "seatCountry" in report
