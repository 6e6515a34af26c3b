"""A store of N synthetic DPAs (bench/synth.py records), built in worker processes and bulk-loaded,
for the benchmarks that need a big store but not the extractor (validation, queries, serving).
Document i of seed s is the same whatever N."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox

from bench.synth import EXTRACTOR_VERSION, make_record
from graph.build import build_graph, graph_iri
from graph.store import DPAStore, nt_term

CHUNK = 250  # documents per setup work unit


def _build_chunk(task: tuple[int, int, int, str]) -> tuple[str, int, int]:
    """Build documents [start, stop) and write them as N-Quads to a file; (path, docs, quads)."""
    start, stop, seed, outdir = task
    path = Path(outdir) / f"chunk-{start:07d}.nq"
    quads = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(start, stop):
            record, text = make_record(i, seed)
            g = build_graph(record, text, media_type="text/markdown", extractor_version=EXTRACTOR_VERSION)
            name = str(ox.NamedNode(str(graph_iri(record.document))))
            bnodes: dict = {}
            out.write(
                "".join(f"{nt_term(s, bnodes)} {nt_term(p, bnodes)} {nt_term(o, bnodes)} {name} .\n" for s, p, o in g)
            )
            quads += len(g)
    return str(path), stop - start, quads


def setup(store_dir: Path, n: int, seed: int, jobs: int) -> tuple[DPAStore, dict]:
    """A fresh store with N synthetic documents: built in `jobs` processes, bulk-loaded as N-Quads
    into the documents' graph IRIs; the reference data is loaded by DPAStore itself."""
    info: dict = {}
    t0 = time.perf_counter()
    store = DPAStore(store_dir)  # loads the reference graph, as ingest does
    info["reference_s"] = time.perf_counter() - t0
    nq_dir = store_dir.parent / "nq"
    nq_dir.mkdir(exist_ok=True)
    tasks = [(s, min(s + CHUNK, n), seed, str(nq_dir)) for s in range(0, n, CHUNK)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        chunks = list(pool.map(_build_chunk, tasks))
    info["build_s"] = time.perf_counter() - t0
    info["quads"] = sum(q for _, _, q in chunks)
    t0 = time.perf_counter()
    for path, _, _ in chunks:
        store.store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        os.unlink(path)
    store.store.flush()
    info["load_s"] = time.perf_counter() - t0
    info["store_mb"] = sum(f.stat().st_size for f in store_dir.rglob("*") if f.is_file()) / 1e6
    return store, info
