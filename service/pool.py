"""A fixed number of query worker processes, each used by one request at a time.

The timeout is real: a worker that has not answered in time is killed (SIGKILL, then reaped) and a
fresh one takes its place, so a runaway query stops using CPU the moment the client is told. A
request that finds every worker busy for as long as the timeout gets 503 instead of queueing
forever. Workers are started with `spawn`, never forked from the threaded web server. The store is
a directory or a SPARQL endpoint (`Endpoint`, picklable); the workers open either.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Mapping
from pathlib import Path

from graph.backends.endpoint import Endpoint
from service import worker as worker_module
from service.execute import GraphListRequest, QueryRequest, Reply

STARTUP_SECONDS = 30.0


class PoolError(Exception):
    """A query that got no answer from a worker; `status` is the HTTP status to send."""

    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        """Response headers that go with the status: a 503 tells the client when to come back."""
        return {"Retry-After": "1"} if self.status == 503 else {}


class QueryTimeout(PoolError):
    status = 504


class PoolBusy(PoolError):
    status = 503


class StoreUnavailable(PoolError):
    status = 503


class WorkerDied(PoolError):
    status = 500


class _Worker:
    def __init__(self, context, store: Path | Endpoint, prefixes: dict[str, str]):
        self.conn, child = context.Pipe()
        location = store if isinstance(store, Endpoint) else str(store)
        self.process = context.Process(
            target=worker_module.main, args=(child, location, prefixes), name="dpagraph-query", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def ask(self, request: QueryRequest | GraphListRequest, timeout: float) -> Reply:
        if not self.ready:
            if not self.conn.poll(STARTUP_SECONDS):
                raise StoreUnavailable(f"a query worker did not start within {STARTUP_SECONDS:g} s")
            hello = self._receive()
            if hello.status != 200:
                raise StoreUnavailable(hello.body.decode("utf-8"))
            self.ready = True
        try:
            self.conn.send(request)
        except OSError:
            raise WorkerDied("the query worker stopped unexpectedly") from None
        if not self.conn.poll(timeout):
            raise QueryTimeout(
                f"query stopped after {timeout:g} s (the limit is DPAGRAPH_QUERY_TIMEOUT / --query-timeout); "
                "narrow it down, e.g. with LIMIT or more specific patterns"
            )
        return self._receive()

    def _receive(self) -> Reply:
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            raise WorkerDied("the query worker stopped unexpectedly (out of memory?)") from None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    def __init__(self, store: Path | Endpoint, size: int, timeout: float, prefixes: Mapping[str, str]):
        self.store = store if isinstance(store, Endpoint) else Path(store)
        self.timeout = timeout
        self._prefixes = dict(prefixes)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._closed = False
        self._workers: set[_Worker] = set()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._add_worker()

    def run(self, request: QueryRequest | GraphListRequest) -> Reply:
        """The worker's reply; PoolError when there was none (timeout, busy, dead, no store)."""
        worker = self._acquire()
        try:
            reply = worker.ask(request, self.timeout)
        except BaseException:
            self._replace(worker)
            raise
        self._idle.put(worker)
        return reply

    def named_graphs(self) -> tuple[str, ...]:
        return self.run(GraphListRequest()).graphs

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._workers)

    def close(self) -> None:
        """Kill every worker, busy or idle; requests still waiting get StoreUnavailable or WorkerDied."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for w in workers:
            w.stop()

    def _acquire(self) -> _Worker:
        if self._closed:
            raise StoreUnavailable("the query service is shutting down")
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusy(f"all query workers were busy for {self.timeout:g} s; try again shortly") from None

    def _add_worker(self) -> None:
        with self._lock:
            if self._closed:
                return
            w = _Worker(self._context, self.store, self._prefixes)
            self._workers.add(w)
        self._idle.put(w)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
        self._add_worker()
