"""The Oxigraph store: skip unchanged, atomic replace, persistence, union default graph, escaping."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from sample_records import record_a, record_b, record_c, record_d
from test_build import NASTY

from graph.build import REFERENCE_GRAPH, build_graph, graph_iri
from graph.model import ExtractionRecord, Processor, Span, SubprocessorEntry
from graph.store import DPAStore

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"


def put(store: DPAStore, factory, version: str = "v1", **changes):
    record, text = factory()
    record = dataclasses.replace(record, **changes)
    return store.put(record, build_graph(record, text, extractor_version=version))


def graph_triples(store: DPAStore, stem: str) -> set:
    return {
        (q.subject, q.predicate, q.object)
        for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri(stem))))
    }


def select(store: DPAStore, sparql: str) -> list[dict]:
    result = store.query(sparql)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


@pytest.fixture
def store():
    s = DPAStore(None)
    yield s
    s.close()


def test_put_then_unchanged_then_replaced(store):
    assert put(store, record_a).status == "ingested"
    again = put(store, record_a)
    assert again.status == "unchanged"
    assert "nothing to do" in again.message
    assert put(store, record_a, version="v2").status == "replaced"  # new extractor version
    assert put(store, record_a, version="v2", sha256="f" * 64).status == "replaced"  # new content
    [doc] = store.documents()
    assert (doc.stem, doc.sha256, doc.extractor_version, doc.processor) == ("a_inexdu", "f" * 64, "v2", "Inexdu GmbH")
    assert store.is_current("a_inexdu", "f" * 64, "v2")
    assert not store.is_current("a_inexdu", "a" * 64, "v2")


def test_force_replaces_an_unchanged_document(store):
    record, text = record_a()
    graph = build_graph(record, text, extractor_version="v1")
    assert store.put(record, graph).status == "ingested"
    assert store.put(record, graph).status == "unchanged"
    assert store.put(record, graph, force=True).status == "replaced"


def test_replace_leaves_no_stale_triples(store):
    put(store, record_a)
    record, text = record_a()
    record = dataclasses.replace(record, sha256="9" * 64, subprocessors=record.subprocessors[:1])
    store.put(record, build_graph(record, text, extractor_version="v1"))
    assert select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a dpag:SubprocessorEngagement }") == [{"n": "1"}]
    assert graph_triples(store, "a_inexdu") == {
        (ox.NamedNode(str(s)), ox.NamedNode(str(p)), _ox(o))
        for s, p, o in build_graph(record, text, extractor_version="v1")
    }


def _ox(term):
    from rdflib import Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return (
            ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))
        )
    return ox.NamedNode(str(term))


def test_failed_replace_keeps_the_old_graph_intact(store, monkeypatch):
    put(store, record_a)
    put(store, record_b)
    before_a, before_b = graph_triples(store, "a_inexdu"), graph_triples(store, "b_beta")
    original = DPAStore._replace_update

    def failing_update(g, triples, stale=None):
        # the drops and the whole insert run, then the same request fails at its last operation
        return original(g, triples, stale) + " ;\nDROP GRAPH <urn:dpagraph:test:no-such-graph>"

    monkeypatch.setattr(DPAStore, "_replace_update", staticmethod(failing_update))
    with pytest.raises(Exception, match="does not exist"):
        put(store, record_a, sha256="1" * 64, subprocessors=[])
    assert graph_triples(store, "a_inexdu") == before_a
    assert graph_triples(store, "b_beta") == before_b
    assert store.document("a_inexdu").sha256 == "a" * 64


def test_failure_while_serialising_the_new_graph_keeps_the_old_one(store):
    put(store, record_a)
    before = graph_triples(store, "a_inexdu")
    record, text = record_a()
    good = build_graph(record, text, extractor_version="v9")

    class Exploding(Graph):
        def __iter__(self):
            for n, triple in enumerate(good):
                if n == len(good) // 2:
                    raise RuntimeError("disk on fire halfway through")
                yield triple

    broken = Exploding()
    for triple in good:
        broken.add(triple)
    with pytest.raises(RuntimeError, match="halfway"):
        store.put(record, broken)
    assert graph_triples(store, "a_inexdu") == before


def test_put_refuses_a_graph_about_another_document(store):
    record_1, text = record_a()
    record_2, _ = record_b()
    with pytest.raises(ValueError, match="b_beta"):
        store.put(record_2, build_graph(record_1, text))


def test_union_default_graph_and_named_graphs(store):
    for factory in (record_a, record_b, record_c):
        put(store, factory)
    rows = select(
        store, "SELECT ?stem WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?stem } ORDER BY ?stem"
    )
    assert [r["stem"] for r in rows] == ["a_inexdu", "b_beta", "c_gamma"]
    assert list(store.query("SELECT ?d WHERE { ?d a dpag:DataProcessingAgreement }", default_union=False)) == []
    graphs = select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert {r["g"] for r in graphs} == {str(graph_iri(s)) for s in ("a_inexdu", "b_beta", "c_gamma")} | {
        str(REFERENCE_GRAPH)
    }


def test_shared_organisation_node_across_documents(store):
    put(store, record_a)
    put(store, record_b)
    rows = select(
        store,
        """SELECT ?org (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(DISTINCT ?name) AS ?names) WHERE {
             GRAPH ?g { ?e dpag:subprocessor ?org ; dpag:nameAsWritten ?name FILTER(CONTAINS(?name, "Stripe")) }
           } GROUP BY ?org""",
    )
    assert rows == [{"org": "https://w3id.org/dpagraph/id/org/stripe-inc", "graphs": "2", "names": "2"}]
    assert store.stats()["organisations"] == 6  # Inexdu, Stripe, Hetzner, Google, Beta, Supabase


def test_remove_drops_only_that_document(store):
    put(store, record_a)
    put(store, record_b)
    assert store.remove("b_beta") is True
    assert store.remove("b_beta") is False
    assert [d.stem for d in store.documents()] == ["a_inexdu"]
    rows = select(
        store,
        "SELECT ?name WHERE { ?e dpag:subprocessor <https://w3id.org/dpagraph/id/org/stripe-inc> ; dpag:nameAsWritten ?name }",
    )
    assert rows == [{"name": "Stripe, Inc."}]  # the shared node lives on through document A


def test_nasty_literals_round_trip_through_the_store(store):
    text = f"Vertrag mit {NASTY}.\n"
    start = text.index(NASTY)
    record = ExtractionRecord(
        document="nasty",
        language="de",
        sha256="e" * 64,
        processor=Processor(name=NASTY),
        subprocessors=[SubprocessorEntry(name=NASTY, purpose=NASTY, evidence=Span(start, start + len(NASTY), NASTY))],
    )
    store.put(record, build_graph(record, text))
    rows = select(
        store,
        "SELECT ?n ?p ?q ?t WHERE { ?e dpag:nameAsWritten ?n ; dpag:purpose ?p ; dpag:evidence/oa:hasSelector/oa:exact ?q . ?d dpag:text ?t }",
    )
    assert rows == [{"n": NASTY, "p": NASTY, "q": NASTY, "t": text}]


def test_stats_and_summary(store):
    for factory in (record_a, record_b, record_c, record_d):
        put(store, factory)
    stats = store.stats()
    assert stats["documents"] == 4
    assert stats["engagements"] == 6
    assert stats["third_country_engagements"] == 4  # Stripe (A), Google (A, via US), Stripe (B), Supabase (B)
    assert stats["mechanisms"] == {"DPF": 1, "SCC": 4}
    assert stats["triples"] > stats["reference_triples"] > 0
    assert store.summary("a_inexdu") == {"processor": "Inexdu GmbH", "subprocessors": 3, "third_country": 2}
    assert store.summary("d_delta") == {"processor": "Delta Care GmbH", "subprocessors": 0, "third_country": 0}
    assert store.summary("nope")["subprocessors"] == 0


def test_persisted_store_reopens_and_loads_reference_once(tmp_path):
    path = tmp_path / "store"
    with DPAStore(path) as s:
        assert s.reference_loaded is True
        put(s, record_a)
    with DPAStore(path) as s:
        assert s.reference_loaded is False  # unchanged ontology: not loaded again
        assert [d.stem for d in s.documents()] == ["a_inexdu"]
        assert put(s, record_a).status == "unchanged"
        assert s.stats()["reference_triples"] > 0


def test_reference_graph_reloads_when_the_ontology_changes(tmp_path):
    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, onto, ignore=shutil.ignore_patterns("queries"))
    with DPAStore(tmp_path / "store", ontology=onto) as s:
        size = s.stats()["reference_triples"]
    extra = '\n<urn:x:test> <http://www.w3.org/2000/01/rdf-schema#label> "added" .\n'
    (onto / "dpagraph.ttl").write_text((onto / "dpagraph.ttl").read_text(encoding="utf-8") + extra, encoding="utf-8")
    with DPAStore(tmp_path / "store", ontology=onto) as s:
        assert s.reference_loaded is True
        assert s.stats()["reference_triples"] == size + 1


def test_closed_store_refuses_work_and_lock_is_released(tmp_path):
    s = DPAStore(tmp_path / "store")
    s.close()
    with pytest.raises(RuntimeError, match="closed"):
        s.documents()
    DPAStore(tmp_path / "store").close()  # would raise OSError if the lock were still held


def test_a_record_without_content_hash_is_always_replaced(store):
    assert put(store, record_a, sha256="").status == "ingested"
    assert put(store, record_a, sha256="").status == "replaced"
