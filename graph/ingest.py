"""Ingest many files: read, extract and build in worker processes, write to the store in batches.

Extraction is pure Python and per document, so `jobs` processes share it; each worker returns the
document's graph as N-Triples text (`PreparedGraph`), which the owning process writes with
`DPAStore.put_prepared`, many documents per transaction. Only the owner touches the store, so the
store needs no locking, and a document is always wholly old or wholly new in it. Files whose
content hash and extractor version are already stored are skipped before any work is sent out.

Results come back in input order as `Outcome`s: the CLI prints each problem as it arrives and a
summary table at the end; one bad file never stops the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from graph.build import build_graph, third_countries
from graph.errors import InputError
from graph.readers import set_max_bytes
from graph.store import DPAStore, PreparedGraph, ntriples

Extract = Callable[[Path], tuple]  # path -> (ExtractionRecord, Document); module-level, so workers can use it
BATCH = 32  # documents per store transaction
AHEAD = 4  # batches in flight per worker: enough to keep the workers busy while the owner writes


@dataclass(frozen=True)
class Summary:
    """What the ingest table shows of a document."""

    processor: str = ""
    subprocessors: int | None = None
    third_country: int | None = None


@dataclass(frozen=True)
class Prepared:
    """A worker's result: the graph to store and its summary, or the one-line error."""

    graph: PreparedGraph | None = None
    summary: Summary = Summary()
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str  # ingested | replaced | unchanged | error
    summary: Summary = Summary()
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


def extract_path(path: Path):
    """The extractor (imported when first used: loading its vocabularies takes a while)."""
    from graph.extract.pipeline import extract_path as extract

    return extract(path)


def prepare(
    path: Path, sha256: str, version: str, extract: Extract = extract_path, max_bytes: int | None = None
) -> Prepared:
    """Read, extract and build one document (in a worker). Errors come back as text: a worker's
    exception may not survive pickling, and a bug on one file must not stop the others."""
    if max_bytes is not None:
        set_max_bytes(max_bytes)
    try:
        record, document = extract(path)
        graph = build_graph(record, document.text, media_type=document.media_type, extractor_version=version)
        body = ntriples(graph)
    except InputError as exc:
        return Prepared(error=str(exc))
    except Exception as exc:  # noqa: BLE001  (reported per file; the batch goes on)
        return Prepared(error=f"{path}: internal error: {type(exc).__name__}: {exc}")
    summary = Summary(
        processor=record.processor.name or "",
        subprocessors=len(record.subprocessors),
        third_country=sum(1 for entry in record.subprocessors if third_countries(entry)),
    )
    return Prepared(PreparedGraph(path.stem, record.sha256 or sha256, version, body, len(graph)), summary)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc


def ingest(
    store: DPAStore,
    paths: Sequence[Path],
    version: str,
    *,
    jobs: int = 1,
    extract: Extract = extract_path,
    force: bool = False,
    max_bytes: int | None = None,
    precheck: Callable[[Path], str | None] | None = None,
) -> Iterator[Outcome]:
    """Ingest `paths` into `store`, yielding one Outcome per path in input order. `precheck` may
    refuse a path before any work (duplicates); its message becomes the outcome's error. Worker
    processes are started only for enough files to repay their start-up (about a second each)."""
    jobs = min(jobs, len(paths) // BATCH)
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) if jobs > 1 else None
    pending: list[tuple[Path, Future | Prepared | Outcome]] = []
    try:
        for path in paths:
            pending.append((path, _start(store, path, version, extract, force, max_bytes, precheck, pool)))
            if len(pending) >= BATCH * (AHEAD * jobs if pool else 1):
                yield from _finish(store, pending[:BATCH], force)
                del pending[:BATCH]
        while pending:
            yield from _finish(store, pending[:BATCH], force)
            del pending[:BATCH]
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _start(store, path, version, extract, force, max_bytes, precheck, pool) -> Future | Prepared | Outcome:
    """The work for one path: an Outcome when it is decided here, else the (future) Prepared."""
    message = precheck(path) if precheck else None
    if message is not None:
        return Outcome(path, "error", error=message)
    try:
        sha = _sha256(path)
    except InputError as exc:
        return Outcome(path, "error", error=str(exc))
    if not force and store.is_current(path.stem, sha, version):
        info = store.summary(path.stem)
        summary = Summary(info["processor"] or "", info["subprocessors"], info["third_country"])
        return Outcome(path, "unchanged", summary)
    if pool is None:
        return prepare(path, sha, version, extract)
    return pool.submit(prepare, path, sha, version, extract, max_bytes)


def _finish(store: DPAStore, batch: list[tuple[Path, Future | Prepared | Outcome]], force: bool) -> Iterator[Outcome]:
    """Wait for a batch, write its graphs in one transaction, and yield its outcomes in order."""
    outcomes: list[Outcome | None] = []
    prepared: list[tuple[int, Path, Prepared]] = []
    for path, work in batch:
        if isinstance(work, Outcome):
            outcomes.append(work)
            continue
        result = work.result() if isinstance(work, Future) else work
        if result.error is not None or result.graph is None:
            outcomes.append(Outcome(path, "error", error=result.error or f"{path}: nothing extracted"))
            continue
        prepared.append((len(outcomes), path, result))
        outcomes.append(None)
    if prepared:
        try:
            puts: list = store.put_prepared([p.graph for _, _, p in prepared if p.graph is not None], force=force)
        except Exception:  # noqa: BLE001  one document the store refuses must not cost the batch
            puts = [_put_alone(store, p.graph, force) for _, _, p in prepared]
        for (index, path, result), put in zip(prepared, puts, strict=True):
            if isinstance(put, str):
                outcomes[index] = Outcome(path, "error", error=f"{path}: the store refused the graph: {put}")
            else:
                outcomes[index] = Outcome(path, put.status, result.summary)
    yield from (o for o in outcomes if o is not None)


def _put_alone(store: DPAStore, graph: PreparedGraph | None, force: bool):
    """One document in its own transaction: its PutResult, or the store's error as text."""
    try:
        return store.put_prepared([graph] if graph else [], force=force)[0]
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
