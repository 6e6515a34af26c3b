"""Validate many documents: files (`validate PATH…`) or a store (`validate --store DIR`).

* Work is split into batches of documents and spread over processes (`jobs`). Workers are spawned,
  not forked (a forked child would inherit the parent's open RocksDB handle). Files: each worker
  extracts into and validates in its own in-memory store. Store: this process prepares each batch's
  view (a few hundred triples per document), workers run the shapes, this process describes the
  findings and writes them.
* Every document gets a key: its content hash, the extractor version, the fingerprints of the
  shapes and the reference data, and the reference epoch (how many adequacy/lapse dates have passed;
  undated documents are judged at today's date). Same key, same findings: files are looked up in
  the cache, stored documents are compared with the key in their validation graph.
* Store mode writes each document's results into its own named graph, so the findings can be
  queried with SPARQL and shown by the web service. On a SPARQL endpoint store the view and the
  passages are read from the store's working copy (each batch's graphs fetched into memory; the
  embedded store is its own), the results are written back to the endpoint.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox

from graph.build import build_graph
from graph.errors import InputError
from graph.store import DPAStore
from graph.validation import results_graph
from graph.validation.batch import check_triples, prepare, validate_batch
from graph.validation.cache import ValidationCache
from graph.validation.describe import Describer
from graph.validation.engine import RawResult
from graph.validation.findings import DocumentReport, Finding
from graph.validation.reference import load_reference
from graph.validation.rules import load_rules

BATCH_SIZE = 100
Progress = Callable[[int], None]  # called with the number of documents just finished


@dataclass(frozen=True)
class Options:
    jobs: int = os.cpu_count() or 1
    today: datetime.date = field(default_factory=datetime.date.today)
    batch_size: int = BATCH_SIZE
    force: bool = False  # ignore cached / stored results
    # starting workers costs seconds: below this many batches one process is faster (measured: at
    # 1,000 DPAs, ten batches, two workers took 17 s and one 13 s)
    min_parallel_batches: int = 20


def validation_key(content_hash: str, extractor_version: str, today: datetime.date) -> str:
    return hashlib.sha256(f"{content_hash}|{extractor_version}|{_rules_state(today)}".encode()).hexdigest()


@lru_cache(maxsize=4)
def _rules_state(today: datetime.date) -> str:
    """What every key shares: the shapes, the reference data and the reference epoch."""
    ruleset, reference = load_rules(), load_reference()
    return f"{ruleset.fingerprint}|{reference.fingerprint}|{reference.epoch(today)}"


def _batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _run(tasks: Iterable, work: Callable, jobs: int, worker_state: bool = True) -> Iterator:
    """Results of `work(task)`, in order. With one job the work runs in this process; otherwise in
    spawned workers, at most 2 × jobs tasks in flight so that lazily built tasks never pile up in
    memory. `worker_state`: each worker needs its own in-memory store (file mode)."""
    init = _init_worker if worker_state else None
    if jobs <= 1:
        if init:
            init()
        yield from map(work, tasks)
        return
    ctx = get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=init) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.submit(work, task))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_worker_store: DPAStore | None = None


def _init_worker() -> None:
    """Each worker keeps one in-memory store (with the reference data, for labels) for its life."""
    global _worker_store
    if _worker_store is None:
        _worker_store = DPAStore(None)


def _validate_loaded(store: DPAStore, stems: list[str], today: datetime.date) -> dict[str, list[Finding]]:
    """Validate documents already in the worker's store, then drop them from it."""
    try:
        return validate_batch(store.store, stems, load_rules(), load_reference(), today) if stems else {}
    finally:
        for stem in stems:
            store.remove(stem)


# --- files -----------------------------------------------------------------------------------------


def _validate_files(task: tuple[list[tuple[str, str]], datetime.date]) -> list[DocumentReport]:
    """Extract, build and validate a batch of files (stems are unique within a batch)."""
    from graph.extract.pipeline import EXTRACTOR_VERSION, extract_path

    files, today = task
    store = _worker_store
    assert store is not None
    reports: dict[str, DocumentReport] = {}
    stems = []
    for source, key in files:
        path = Path(source)
        report = reports[path.stem] = DocumentReport(document=path.stem, source=source, key=key)
        try:
            record, doc = extract_path(path)
            graph = build_graph(record, doc.text, media_type=doc.media_type, extractor_version=EXTRACTOR_VERSION)
            store.put(record, graph, force=True)
            report.language = record.language
            stems.append(path.stem)
        except InputError as exc:
            report.error = str(exc)
        except Exception as exc:  # a bug on one file must not cost the batch
            report.error = f"{source}: internal error: {type(exc).__name__}: {exc}"
    try:
        found = _validate_loaded(store, stems, today)
    except Exception as exc:  # a bug in validation must not cost the other files' reports
        found = {}
        for stem in stems:
            reports[stem].error = f"{reports[stem].source}: validation failed: {type(exc).__name__}: {exc}"
    for stem, findings in found.items():
        reports[stem].findings = findings
    return list(reports.values())


def validate_paths(
    paths: list[Path],
    options: Options,
    cache: ValidationCache | None,
    progress: Progress | None = None,
) -> list[DocumentReport]:
    """One report per file, in the order given. Unreadable files get a report with an error."""
    from graph.extract.pipeline import EXTRACTOR_VERSION

    reports: dict[str, DocumentReport] = {}
    todo: list[tuple[str, str]] = []
    for path in paths:
        source = str(path)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            reports[source] = DocumentReport(
                path.stem, source, error=f"{path}: cannot read file: {exc.strerror or exc}"
            )
            continue
        reports[source] = DocumentReport(
            path.stem, source, key=validation_key(digest, EXTRACTOR_VERSION, options.today)
        )
    keyed = [r for r in reports.values() if r.key]
    cached = cache.get_many([r.key for r in keyed]) if cache is not None and not options.force else {}
    for report in keyed:
        if report.key in cached:
            report.language, report.findings = cached[report.key]
            report.cached = True
        else:
            todo.append((report.source, report.key))
    if progress:
        progress(len(reports) - len(todo))
    tasks = [(batch, options.today) for batch in _stem_unique_batches(todo, options.batch_size)]
    fresh: list[DocumentReport] = []
    for done in _run(tasks, _validate_files, min(options.jobs, len(tasks))):
        for report in done:
            reports[report.source] = report
            fresh.append(report)
        if progress:
            progress(len(done))
    if cache is not None:
        cache.put_many([(r.key, r.language, r.findings) for r in fresh if not r.error])
    return [reports[str(p)] for p in paths]


def _stem_unique_batches(files: list[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    """Batches of at most `size` files, never two with one stem (they would share a graph)."""
    batches: list[list[tuple[str, str]]] = []
    for item in files:
        stem = Path(item[0]).stem
        for batch in batches:
            if len(batch) < size and all(Path(s).stem != stem for s, _ in batch):
                batch.append(item)
                break
        else:
            batches.append([item])
    return batches


# --- the store -------------------------------------------------------------------------------------


def _check_prepared(task: tuple[bytes, datetime.date]) -> list[RawResult]:
    """Worker side of store mode: only the shapes run here. The view and the derived triples are
    prepared by the owner of the store (a worker cannot open it while its owner has it open:
    RocksDB allows one writer, and read-only opens race with its compactions) and sent as N-Triples
    (fifty times cheaper to send than pickled terms); the owner turns the raw results into findings,
    reading just the passages they need."""
    ntriples, today = task
    triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    return check_triples(triples, load_rules(), load_reference(), today)


def _shipped(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def validate_store(
    store: DPAStore,
    options: Options,
    progress: Progress | None = None,
    cache: ValidationCache | None = None,
    total: Progress | None = None,
) -> list[DocumentReport]:
    """Validate every stored document whose key changed; write and return all reports.

    The store holds the results (as RDF, for SPARQL); the cache, when given, holds the same findings
    by key as JSON, which reads back ten times faster than the RDF for a corpus of thousands."""
    docs = store.documents()
    if total:
        total(len(docs))  # for a progress bar, without asking the store twice
    keys = {d.stem: validation_key(d.sha256, d.extractor_version, options.today) for d in docs}
    stored = results_graph.stored_keys(store.store)
    stale = [stem for stem, key in keys.items() if options.force or stored.get(stem) != key]
    for orphan in set(stored) - set(keys):  # results of documents no longer in the store
        store.store.update(f"DROP SILENT GRAPH <{results_graph.validation_graph(orphan)}>")
    if progress:
        progress(len(keys) - len(stale))
    findings: dict[str, list[Finding]] = {}
    if stale:
        batches = _batches(stale, options.batch_size)
        jobs = options.jobs if len(batches) >= options.min_parallel_batches else 1
        rules = load_rules()
        copy = store.working_copy()
        tasks = ((_shipped(prepare(copy.load(batch), batch, rules, options.today)), options.today) for batch in batches)
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        for batch, results in zip(batches, _run(tasks, _check_prepared, jobs, worker_state=False), strict=True):
            done = Describer(copy.load(batch), batch, rules, options.today.isoformat()).findings(results)
            copy.release(batch)
            reports = {stem: (keys[stem], found) for stem, found in done.items()}
            results_graph.write(store.store, reports, now, existing=stored.keys())
            findings.update(done)
            if progress:
                progress(len(done))
    unchanged = [s for s in keys if s not in findings]
    if cache is not None:
        cache.put_many([(keys[stem], None, found) for stem, found in findings.items()])
        cached = cache.get_many([keys[s] for s in unchanged])
        findings.update({s: cached[keys[s]][1] for s in unchanged if keys[s] in cached})
    findings.update(results_graph.read(store.store, [s for s in unchanged if s not in findings]))
    return [
        DocumentReport(
            document=d.stem,
            source=d.source_file or d.stem,
            key=keys[d.stem],
            findings=findings.get(d.stem, []),
            cached=d.stem not in stale,
        )
        for d in docs
    ]


def fails(reports: Iterable[DocumentReport], threshold: str) -> bool:
    return any(r.fails(threshold) for r in reports)
