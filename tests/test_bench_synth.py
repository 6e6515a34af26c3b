"""The benchmark's synthetic records are repeatable and build clean graphs (bench/ is not timed here)."""

from __future__ import annotations

from bench.synth import make_record
from graph.build import DPAG, build_graph, doc_iri


def test_the_same_seed_gives_the_same_document():
    assert make_record(3, seed=1) == make_record(3, seed=1)
    assert make_record(3, seed=1) != make_record(3, seed=2)


def test_synthetic_records_build_graphs_whose_evidence_matches_the_text():
    for i in range(25):
        record, text = make_record(i)
        g = build_graph(record, text)
        assert not list(g.objects(doc_iri(record.document), DPAG.warning)), i
