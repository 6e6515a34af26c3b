"""Ingesting into the store while `dpagraph serve` answers from it: the clients see the old
documents, then the new ones, and never an error (the workers reopen the store when a concurrent
ingest has compacted files away under them; see service/worker.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode

from conftest import SAMPLES
from running_server import ROOT, serving

from graph import cli

COUNT = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dpag:DataProcessingAgreement }"


def count(site: str) -> int:
    request = urllib.request.Request(f"{site}/sparql?{urlencode({'query': COUNT})}", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.read().decode().split()[-1])


def test_clients_see_a_concurrent_ingest_without_errors(tmp_path, seeds_dir):
    store = tmp_path / "store"
    assert cli.main(["ingest", str(SAMPLES), "--store", str(store)]) == 0
    samples = len(list(SAMPLES.glob("*.*")))
    seen: list[int] = []
    errors: list[str] = []
    done = threading.Event()

    def client(site: str) -> None:
        while not done.is_set():
            try:
                seen.append(count(site))
            except urllib.error.HTTPError as exc:
                errors.append(exc.read().decode())
            except OSError as exc:
                errors.append(str(exc))

    with serving(store) as site:
        assert count(site) == samples
        clients = [threading.Thread(target=client, args=(site,)) for _ in range(3)]
        for thread in clients:
            thread.start()
        try:
            ingest = subprocess.run(
                [sys.executable, "-m", "graph.cli", "ingest", str(seeds_dir), "--store", str(store)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
        finally:
            done.set()
            for thread in clients:
                thread.join()
        assert ingest.returncode == 0, ingest.stderr
        assert errors == []
        assert seen and min(seen) >= samples
        assert count(site) == samples + len(list(seeds_dir.glob("*.*")))
