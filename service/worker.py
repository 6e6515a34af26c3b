"""A query worker process: opens the store read-only and answers requests from its pipe.

Oxigraph evaluates in Rust and cannot be interrupted from Python, so a query that runs too long
is stopped by killing the process that runs it (service/pool.py). The store is reopened when its
directory changed (an ingest flushed new files), so new documents show up without a restart: a
read-only RocksDB instance otherwise keeps seeing the files it was opened on. An ingest running
beside the server may also compact away a file this instance still lists; the query then fails
with an IO error, and the worker reopens the store and runs it once more (tests/test_service_serve.py
ingests while clients query). A SPARQL endpoint store needs none of that: the worker sends each
query to the server (graph/backends/remote.py) and is killed on timeout just the same.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from graph.backends.client import EndpointError
from graph.backends.endpoint import Endpoint
from graph.backends.remote import RemoteDataset
from service.execute import Reply, execute

RETRIES = 5


class StoreView:
    """The store, read-only, reopened when its directory's modification time changes."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp = -1
        self._store: ox.Store | None = None
        self.current()

    def current(self, reopen: bool = False) -> ox.Store:
        stamp = os.stat(self.path).st_mtime_ns
        if reopen or self._store is None or stamp != self._stamp:
            self._store = ox.Store.read_only(str(self.path))
            self._stamp = stamp
        return self._store


class EndpointView:
    """A SPARQL endpoint store: always current, nothing to reopen."""

    def __init__(self, endpoint: Endpoint):
        self.dataset = RemoteDataset(endpoint)
        self.dataset.check()

    def current(self, reopen: bool = False) -> RemoteDataset:
        return self.dataset


def _stale_files(exc: Exception) -> bool:
    """RocksDB's error for a file a concurrent writer has compacted away since the store was opened."""
    if isinstance(exc, EndpointError):  # a remote server's message, whatever it says
        return False
    return isinstance(exc, (OSError, RuntimeError)) and ("IO error" in str(exc) or "Corruption" in str(exc))


def _execute(view: StoreView | EndpointView, request, prefixes: Mapping[str, str]) -> Reply:
    """Run the request; on a file compacted away meanwhile, reopen and retry (the writer may still be
    swapping files, so a few times, a little apart)."""
    for attempt in range(RETRIES):
        try:
            return execute(view.current(reopen=attempt > 0), request, prefixes)
        except Exception as exc:
            if not _stale_files(exc) or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def main(conn: Connection, store: str | Endpoint, prefixes: Mapping[str, str]) -> None:
    """Send one ready (or failure) reply, then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    try:
        view = EndpointView(store) if isinstance(store, Endpoint) else StoreView(Path(store))
    except EndpointError as exc:  # "the store at URL: problem"
        conn.send(Reply(status=503, body=f"cannot open {exc}".encode()))
        return
    except OSError as exc:
        conn.send(Reply(status=503, body=f"cannot open the store at {store}: {exc}".encode()))
        return
    conn.send(Reply())
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _execute(view, request, prefixes)
        except Exception as exc:  # anything else Oxigraph raises: the client gets it, the worker lives on
            reply = Reply(status=500, body=f"query failed: {type(exc).__name__}: {exc}".encode())
        conn.send(reply)
