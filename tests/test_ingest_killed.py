"""An ingest killed mid-way (SIGKILL, no chance to clean up) leaves every document wholly in its old
version or wholly in its new one, with the old version's validation graph only beside the old
version, and a re-run completes the job (issue 6, "Nothing lost").

The ingest runs as `python -m graph.cli ingest` in a subprocess and is killed once a read-only
look at the store shows some but not all documents new, so the kill lands after at least one
batch transaction was committed and before the last one. Every graph is then compared triple for
triple with the old store and with a store that ingested the new versions undisturbed. A second
test kills a process inside the store's write of a batch, where a torn transaction would show.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.dpagen import generate
from graph.build import DPAG, REFERENCE_GRAPH, doc_iri, graph_iri, validation_graph_iri
from graph.extract.pipeline import EXTRACTOR_VERSION
from graph.ingest import BATCH, ingest
from graph.store import DPAStore

ROOT = Path(__file__).resolve().parent.parent
N = 2 * BATCH  # two batch transactions, and enough files for two worker processes
OLD_SEED, NEW_SEED = 3, 41
HASH = ox.NamedNode(str(DPAG.contentHash))
REFERENCE = str(REFERENCE_GRAPH)
STALE = ox.NamedNode("urn:test:validated-version")  # stands in for `dpagraph validate --store` results
ATTEMPTS = 3  # kill points tried before giving up: a fast machine may finish between two looks
DEADLINE = 240  # seconds for one ingest, however loaded the machine


def write_versions(folder: Path, seed: int, names: list[str] | None = None) -> list[Path]:
    """N generated DPAs; with `names`, other texts (of the same format) under the same names, so
    every document keeps its stem and changes all its facts."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(N):
        if names is None:
            doc = generate(i, seed=seed)
            name, text = doc.filename, doc.text
        else:
            name = names[i]
            text = generate(i, seed=seed, formats=(Path(name).suffix[1:],)).text
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return sorted(paths)


Snapshot = dict[str, Counter]  # graph name → its triples (N-Triples text, blank nodes as "_:")


def snapshot(store: ox.Store) -> Snapshot:
    """Every named graph, triple for triple (blank node labels differ between stores, so they are
    compared by position only; the document graphs have none today)."""
    graphs: dict[str, Counter] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        terms = (q.subject, q.predicate, q.object)
        line = " ".join("_:" if isinstance(t, ox.BlankNode) else str(t) for t in terms)
        graphs.setdefault(q.graph_name.value, Counter())[line] += 1
    return graphs


def read(directory: Path) -> Snapshot:
    """The store as a fresh process sees it (opening it recovers whatever a kill left)."""
    with DPAStore(directory, reference=False) as store:
        return snapshot(store.store)


def stored_hashes(directory: Path) -> dict[str, str]:
    """Document → the content hash its graph states."""
    with DPAStore(directory, reference=False) as store:
        return {d.stem: d.sha256 for d in store.documents()}


def new_documents(directory: Path, hashes: set[str]) -> int | None:
    """How many documents carry a new content hash, read without disturbing the running ingest
    (a read-only open takes no lock); None when the store cannot be read at this moment."""
    try:
        store = ox.Store.read_only(str(directory))
        return sum(1 for q in store.quads_for_pattern(None, HASH, None, None) if q.object.value in hashes)
    except (OSError, RuntimeError):  # mid-compaction, say: look again later
        return None


def add_validation_graphs(directory: Path, stems: list[str]) -> None:
    """A validation graph beside every document, as `dpagraph validate --store` leaves: replacing
    a document must drop it in the same transaction (it describes the old version)."""
    with DPAStore(directory, reference=False) as store:
        for stem in stems:
            v, doc = validation_graph_iri(stem), doc_iri(stem)
            store.store.update(f'INSERT DATA {{ GRAPH <{v}> {{ <{doc}> {STALE} "old" }} }}')


def dpagraph_ingest(folder: Path, store: Path, jobs: int, **popen) -> subprocess.Popen:
    """`dpagraph ingest` in its own process group, so a kill takes its workers too."""
    command = [sys.executable, "-m", "graph.cli", "ingest", str(folder), "--store", str(store), "--jobs", str(jobs)]
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    env.pop("DPAGRAPH_STORE", None)
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **popen)


def kill_mid_way(folder: Path, store: Path, jobs: int, hashes: set[str]) -> int | None:
    """Start the ingest and SIGKILL it once some but not all documents are new; the number of new
    documents seen before the kill, or None when the ingest finished before a kill point came."""
    process = dpagraph_ingest(folder, store, jobs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + DEADLINE
    try:
        while process.poll() is None:
            seen = new_documents(store, hashes)
            if seen is not None and 0 < seen < N:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return seen
            assert time.monotonic() < deadline, "the ingest did not get anywhere"
            time.sleep(0.15)  # a look costs ~40 ms of a core: leave the cores to the ingest
        return None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict:
    """The old version of N documents ingested (with validation graphs), and the new version of
    the first batch ingested undisturbed into another store: the two states a document may be in.
    (With two batches, the first is the one a kill mid-way leaves new; the re-run writes the
    second, and its graphs are checked by their content hash.)"""
    root = tmp_path_factory.mktemp("killed")
    old_files = write_versions(root / "old", OLD_SEED)
    names = [p.name for p in old_files]
    new_files = write_versions(root / "new", NEW_SEED, names)
    stems = [p.stem for p in old_files]
    for directory, files in (("old-store", old_files), ("new-store", new_files[:BATCH])):
        with DPAStore(root / directory, reference=directory == "old-store") as store:
            assert {o.status for o in ingest(store, files, EXTRACTOR_VERSION, jobs=2)} == {"ingested"}
    add_validation_graphs(root / "old-store", stems)
    old, new = read(root / "old-store"), read(root / "new-store")
    for stem in stems[:BATCH]:
        g = str(graph_iri(stem))
        assert old[g] != new[g], f"{stem}: the new version must change the graph"
    return {
        "root": root,
        "stems": stems,
        "old": old,
        "new": new,
        "hashes": {hashlib.sha256(p.read_bytes()).hexdigest() for p in new_files},
    }


@pytest.mark.parametrize("jobs", [2, 1])
def test_a_killed_ingest_leaves_each_document_old_or_new_and_a_rerun_completes_it(versions, tmp_path, jobs):
    old, new, stems, new_hashes = versions["old"], versions["new"], versions["stems"], versions["hashes"]
    folder, store = tmp_path / "docs", tmp_path / "store"
    shutil.copytree(versions["root"] / "new", folder)
    for _attempt in range(ATTEMPTS):
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(versions["root"] / "old-store", store)
        seen = kill_mid_way(folder, store, jobs, new_hashes)
        if seen is None:
            continue  # it finished between two looks: again, from the old store
        after = read(store)
        fresh = [stem for stem, sha in stored_hashes(store).items() if sha in new_hashes]
        if len(fresh) < N:
            break
    else:
        pytest.fail(f"the ingest was never caught half-way in {ATTEMPTS} attempts")

    assert len(fresh) >= seen, f"{seen} documents were committed before the kill, {len(fresh)} survived it"
    assert fresh == stems[:BATCH], "a batch is committed whole: the first one before the kill, the second not"
    for stem in stems:
        g, v = str(graph_iri(stem)), str(validation_graph_iri(stem))
        if stem in fresh:
            assert after[g] == new[g], f"{stem}: new content hash, but not the new graph"
            assert v not in after, f"{stem}: the new version kept the old version's validation graph"
        else:
            assert after.get(g) == old[g], f"{stem}: neither the old graph nor the new one"
            assert after.get(v) == old[v], f"{stem}: the old version lost its validation graph"
    assert set(after) == set(old) - {str(validation_graph_iri(s)) for s in fresh}, "no graph appeared or vanished"
    assert after[REFERENCE] == old[REFERENCE], "the reference graph is intact"

    rerun = dpagraph_ingest(folder, store, jobs, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = rerun.communicate(timeout=DEADLINE)
    assert rerun.returncode == 0, err
    totals = out.strip().splitlines()[-1]
    assert {kind: int(n) for n, kind in re.findall(r"(\d+) (\w+)", totals)} == {
        "unchanged": BATCH,
        "replaced": N - BATCH,
    }, totals
    final, hashes = read(store), stored_hashes(store)
    assert sorted(hashes) == stems and set(hashes.values()) == new_hashes, "every document is new"
    assert all(final[g] == new[g] for g in new), "the first batch untouched by the re-run"
    assert set(final) == {str(graph_iri(s)) for s in stems} | {REFERENCE}, "no validation graph left"
    assert final[REFERENCE] == old[REFERENCE]


# --- a kill inside the transaction ---------------------------------------------------------------
# The kill above lands while the ingest extracts (most of its time); this one lands while the
# store writes: a child process rewrites the same documents in batches, and is killed part-way
# through a write whose length it has just shown.

WRITER = """
import sys
from graph.build import doc_iri
from graph.store import DPAStore, PreparedGraph

directory, first, docs, facts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
store = DPAStore(directory, reference=False)
for version in range(first, first + 1000):
    graphs = []
    for i in range(docs):
        doc = doc_iri(f"doc{i}")
        body = "\\n".join(f'<{doc}> <urn:test:fact{j}> "{version} {j:0200}" .' for j in range(facts))
        graphs.append(PreparedGraph(f"doc{i}", f"sha-{version}", "test", body, facts))
    print("begin", version, flush=True)
    store.put_prepared(graphs)
    print("done", version, flush=True)
"""
DOCS, FACTS = BATCH, 400


def versions_stored(directory: Path) -> dict[str, Counter]:
    """Per document graph: how many of its triples belong to each version."""
    with DPAStore(directory, reference=False) as store:
        found: dict[str, Counter] = {}
        for q in store.store.quads_for_pattern(None, None, None, None):
            found.setdefault(q.graph_name.value, Counter())[int(q.object.value.split()[0])] += 1
        return found


def test_a_kill_inside_a_batch_transaction_keeps_the_batch_whole(tmp_path):
    """Three kills at 20, 50 and 80 % of a write: the batch is all old or all new, and a write
    that returned is never lost."""
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run, fraction in enumerate((0.2, 0.5, 0.8)):
        first = 100 * (run + 1)
        command = [sys.executable, "-c", WRITER, str(store), str(first), str(DOCS), str(FACTS)]
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().split() == ["begin", str(first)]
            started = time.monotonic()
            assert child.stdout.readline().split() == ["done", str(first)]
            took = time.monotonic() - started
            assert child.stdout.readline().split() == ["begin", str(first + 1)]
            time.sleep(fraction * took)
        finally:
            child.kill()
            child.wait()
        rest = child.stdout.read().split()
        child.stdout.close()
        done = first + 1 if rest[:2] == ["done", str(first + 1)] else first
        found = versions_stored(store)
        assert len(found) == DOCS, "no document lost or added"
        kinds = {v for counts in found.values() for v in counts}
        assert len(kinds) == 1, f"run {run}: versions {sorted(kinds)} in one batch"
        [stored] = kinds
        assert all(counts == Counter({stored: FACTS}) for counts in found.values()), f"run {run}: a half document"
        assert stored in (done, first + 1), f"run {run}: version {done} was written, {stored} is stored"
