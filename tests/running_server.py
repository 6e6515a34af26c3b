"""The server as `dpagraph serve` runs it, in its own process, for tests with real clients.

`serving(store)` starts `python -m service` on a free port (the store from $DPAGRAPH_STORE, so the
environment path is exercised too), yields the site's base URL, and on exit checks that the server
stopped cleanly and left no query worker behind.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import children

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def serving(store: Path, workers: int = 2) -> Iterator[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DPAGRAPH_")}
    environ["DPAGRAPH_STORE"] = str(store)
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "--port", "0", "--workers", str(workers)],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([server.stdout], [], [], STARTUP_SECONDS)
        line = server.stdout.readline() if ready else ""
        match = re.search(r"http://127\.0\.0\.1:\d+/sparql", line)
        assert match, f"server did not start: {line!r} {server.stderr.read() if server.poll() is not None else ''}"
        pids = children(server.pid)
        assert pids, "the server runs its queries in child processes"
        yield match.group().removesuffix("/sparql")
    finally:
        server.terminate()
        returncode = server.wait(timeout=15)
    assert returncode == 0, server.stderr.read()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)], "worker processes left behind"
