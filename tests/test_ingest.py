"""Parallel ingest (graph/ingest.py): worker processes give the same store as one process, batches
are written in one transaction each, and a document the store refuses costs only itself."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.dpagen import generate
from graph.build import graph_iri
from graph.extract.pipeline import EXTRACTOR_VERSION
from graph.ingest import BATCH, ingest
from graph.store import DPAStore


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Enough generated DPAs for two workers (ingest starts one per BATCH files)."""
    folder = tmp_path_factory.mktemp("generated")
    paths = []
    for i in range(2 * BATCH + 6):
        doc = generate(i, seed=3)
        path = folder / doc.filename
        path.write_text(doc.text, encoding="utf-8")
        paths.append(path)
    return paths


def stored(store: DPAStore) -> dict[str, tuple]:
    """Per document: hash and size of its graph (what must not depend on the number of workers)."""
    return {
        d.stem: (d.sha256, len(list(store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(d.stem))))))
        for d in store.documents()
    }


def test_two_workers_store_what_one_process_stores(corpus, tmp_path):
    with DPAStore(tmp_path / "one") as one, DPAStore(tmp_path / "two") as two:
        alone = list(ingest(one, corpus, EXTRACTOR_VERSION, jobs=1))
        parallel = list(ingest(two, corpus, EXTRACTOR_VERSION, jobs=2))
        assert [o.path for o in parallel] == corpus, "outcomes come back in input order"
        assert [(o.status, o.summary) for o in parallel] == [(o.status, o.summary) for o in alone]
        assert {o.status for o in parallel} == {"ingested"}
        assert stored(two) == stored(one) and len(stored(one)) == len(corpus)
        again = list(ingest(two, corpus, EXTRACTOR_VERSION, jobs=2))
        assert {o.status for o in again} == {"unchanged"}


class RefusesOne(DPAStore):
    """A store whose transaction fails whenever one given document is in it."""

    refused = ""
    transactions = 0

    def put_prepared(self, docs, force=False):
        docs = list(docs)
        self.transactions += 1
        if any(d.stem == self.refused for d in docs):
            raise RuntimeError("refused")
        return super().put_prepared(docs, force)


def test_a_refused_document_costs_only_itself(corpus, tmp_path):
    with RefusesOne(tmp_path / "store") as store:
        store.refused = corpus[3].stem
        outcomes = list(ingest(store, corpus[:10], EXTRACTOR_VERSION))
        assert [o.failed for o in outcomes] == [i == 3 for i in range(10)]
        assert "the store refused the graph" in outcomes[3].error
        assert {d.stem for d in store.documents()} == {p.stem for i, p in enumerate(corpus[:10]) if i != 3}


def test_a_batch_is_one_transaction(corpus, tmp_path):
    with RefusesOne(tmp_path / "store") as store:
        list(ingest(store, corpus[:BATCH], EXTRACTOR_VERSION))
        assert store.transactions == 1
