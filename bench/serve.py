"""Service benchmark: `dpagraph serve` measured from a second process over loopback.

    python -m bench.serve                       # the sample corpus (examples/dpas), ingested and validated
    python -m bench.serve --store var/store     # an existing store
    python -m bench.serve --synthetic 10000     # N synthetic DPAs (bench/synth.py records), bulk-loaded

It starts the server as `python -m service` in its own process and measures, from this one:

* cold start: from process start until the first query is answered;
* each competency question, one client at a time: median and p95 latency of the question as
  `/sparql` answers it (SPARQL JSON) and of its page (`/questions/<name>.json`, what the web page's
  click runs);
* load: requests per second, median and p95 latency at `--clients` concurrent clients (threads with
  keep-alive connections) for a simple `/sparql` lookup, the USA question, the search page and, as
  the ceiling of the HTTP stack itself, a static file;
* peak memory (VmHWM) of the server process and of its query workers.

Every figure is also given as a ratio to a fixed pure-Python workload timed in the same run
(bench/common.py): compare ratios across runs, not seconds. The table goes to stdout and, unless
`--no-write`, into the "Service" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

if __package__ in (None, ""):  # `python bench/serve.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, baseline, children, log, machine, peak_rss_mb, publish, ratio  # noqa: E402
from service import questions  # noqa: E402

SECTION = "Service"
SAMPLES = ROOT / "examples" / "dpas"
AIM_RPS = 300  # issue 5: /sparql at 16 concurrent clients on a simple lookup
AIM_COLD_S = 3.0  # issue 5: serve cold start on 10k DPAs
JSON_RESULTS = "application/sparql-results+json"


@dataclass
class Sample:
    """Latencies (seconds) of one measured request kind, and how many answers were not 200."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else float("nan")


# --- the server ------------------------------------------------------------------------------------


class Server:
    """`python -m service` on a free port; `cold_start` is the time until it first answered."""

    def __init__(self, store: Path, workers: int, log_file: Path):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("DPAGRAPH_")}
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "--store", str(store), "--port", "0", "--workers", str(workers)],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=log_file.open("w"),  # a pipe nobody reads would fill up and block the server
            text=True,
        )
        self.log_file = log_file
        ready, _, _ = select.select([self.process.stdout], [], [], 120)
        line = self.process.stdout.readline() if ready else ""  # type: ignore[union-attr]
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"server did not start: {line!r} {log_file.read_text()}")
        self.port = int(match.group(1))
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        status, _ = request(connection, "/sparql?" + urlencode({"query": "ASK {}"}), JSON_RESULTS)
        self.cold_start = time.perf_counter() - started
        connection.close()
        if status != 200:
            raise RuntimeError(f"the first query was answered with {status}")

    def peak_memory_mb(self) -> tuple[float, float]:
        """Peak RSS of the server process and the largest of its query workers, in MB."""
        workers = [peak_rss_mb(pid) for pid in children(self.process.pid)]
        return peak_rss_mb(self.process.pid), max(workers, default=0.0)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# --- the client --------------------------------------------------------------------------------------


def request(connection: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    return response.status, response.read()


def sequential(port: int, path: str, accept: str, repeats: int, warmup: int = 2) -> Sample:
    """One client, one request after the other (after `warmup` unmeasured ones)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sample = Sample()
    for i in range(warmup + repeats):
        t = time.perf_counter()
        status, _ = request(connection, path, accept)
        if i >= warmup:
            sample.latencies.append(time.perf_counter() - t)
            sample.errors += status != 200
    connection.close()
    return sample


def concurrent(port: int, path: str, accept: str, clients: int, seconds: float) -> Sample:
    """`clients` threads, each with its own keep-alive connection, for `seconds`."""
    sample = Sample()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, errors = [], 0
        start.wait()
        while (t := time.perf_counter()) < deadline:
            try:
                status, _ = request(connection, path, accept)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            latencies.append(time.perf_counter() - t)
            errors += status != 200
        connection.close()
        with lock:
            sample.latencies.extend(latencies)
            sample.errors += errors

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    sample.seconds = time.perf_counter() - began
    return sample


# --- the store ---------------------------------------------------------------------------------------


def sample_store(workdir: Path) -> tuple[Path, str]:
    """The sample corpus, ingested and validated as `make demo` does."""
    store = workdir / "store"
    for command in (["ingest", str(SAMPLES)], ["validate", "--fail-on", "never"]):
        subprocess.run(
            [sys.executable, "-m", "graph.cli", *command, "--store", str(store)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return store, f"the sample corpus ({len(list(SAMPLES.iterdir()))} DPAs, validated)"


def synthetic_store(workdir: Path, n: int, seed: int) -> tuple[Path, str]:
    from bench.synth_store import setup

    store, info = setup(workdir / "store", n, seed, os.cpu_count() or 1)
    store.close()
    return workdir / "store", f"{n:,} synthetic DPAs (bench/synth.py, {info['quads']:,} quads, not validated)"


def lookup_document(port: int) -> str:
    """A document identifier of the store, for the simple lookup."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    query = "SELECT ?id WHERE { ?d a dpag:DataProcessingAgreement ; dcterms:identifier ?id } ORDER BY ?id LIMIT 1"
    _, body = request(connection, "/sparql?" + urlencode({"query": query, "format": "csv"}), "text/csv")
    connection.close()
    return body.decode().split()[-1]


# --- the run -----------------------------------------------------------------------------------------


def measure(server: Server, repeats: int, clients: int, seconds: float, ask_questions: bool = True) -> dict:
    port = server.port
    results: dict = {"questions": [], "load": []}
    for question in questions.catalogue().values() if ask_questions else ():
        log(f"question {question.name}")
        by_sparql = sequential(port, "/sparql?" + urlencode({"query": question.render()}), JSON_RESULTS, repeats)
        by_page = sequential(port, f"/questions/{quote(question.name)}.json", "application/json", repeats)
        results["questions"].append((question, by_sparql, by_page))
    document = lookup_document(port)
    lookup = f'SELECT ?vendor WHERE {{ ?d dcterms:identifier "{document}" ; dpag:processorName ?vendor }}'
    scenarios = [
        ("`/sparql`, simple lookup (one vendor by document id)", "/sparql?" + urlencode({"query": lookup}), True),
        (
            "`/sparql`, the USA question",
            "/sparql?" + urlencode({"query": questions.get("usa-transfers").render()}),
            False,
        ),
        ("search page, `/search.json?q=stripe`", "/search.json?q=stripe", False),
        ("search page, HTML `/?q=stripe`", "/?q=stripe", False),
        ("static file (the HTTP stack alone, no query)", "/static/style.css", False),
    ]
    for title, path, aimed in scenarios:
        log(f"load: {title}")
        accept = JSON_RESULTS if path.startswith("/sparql") else "*/*"
        results["load"].append((title, concurrent(port, path, accept, clients, seconds), aimed))
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(results: dict, base: float, clients: int) -> str:
    lines = []
    if results["questions"]:
        lines += [
            "| competency question | `/sparql` median ms | `/sparql` p95 ms | page median ms | page p95 ms"
            " | p95 × baseline (page) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
    for question, by_sparql, by_page in results["questions"]:
        errors = by_sparql.errors + by_page.errors
        flag = f" ({errors} errors)" if errors else ""
        lines.append(
            f"| {question.title} (`{question.name}`){flag} | {_ms(by_sparql.median)} | {_ms(by_sparql.percentile(95))}"
            f" | {_ms(by_page.median)} | {_ms(by_page.percentile(95))} | {ratio(by_page.percentile(95) / base)} |"
        )
    lines += [""] if lines else ["(Per-question latencies skipped with `--no-questions`: see bench.queries.)", ""]
    lines += [
        f"| {clients} concurrent clients | requests/s | median ms | p95 ms | errors | requests/s × baseline | aim |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for title, sample, aimed in results["load"]:
        aim = f"≥ {AIM_RPS}: {'met' if sample.rate >= AIM_RPS else 'missed'}" if aimed else ""
        lines.append(
            f"| {title} | {sample.rate:,.0f} | {_ms(sample.median)} | {_ms(sample.percentile(95))} | {sample.errors}"
            f" | {ratio(sample.rate * base)} | {aim} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--store", type=Path, help="serve this existing store (default: the sample corpus)")
    source.add_argument("--synthetic", type=int, metavar="N", help="serve N synthetic DPAs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic DPAs")
    parser.add_argument("--workers", type=int, default=2, help="query worker processes of the server (default 2)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients in the load runs (default 16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load run (default 10)")
    parser.add_argument("--repeats", type=int, default=30, help="requests per question and path (default 30)")
    parser.add_argument("--workdir", type=Path, default=None, help="where a built store goes (default: a temp dir)")
    parser.add_argument(
        "--no-questions", action="store_true", help="skip the per-question latencies (bench.queries has them)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)

    started = datetime.datetime.now()
    base_before = baseline()
    log(f"baseline {base_before:.3f}s")
    with tempfile.TemporaryDirectory(prefix="dpag-bench-serve-", dir=args.workdir) as tmp:
        if args.store:
            store, described = args.store, f"the store at `{args.store}`"
        elif args.synthetic:
            log(f"building {args.synthetic:,} synthetic DPAs")
            store, described = synthetic_store(Path(tmp), args.synthetic, args.seed)
        else:
            store, described = sample_store(Path(tmp))
        log(f"starting the server on {described}")
        server = Server(store, args.workers, Path(tmp) / "server.log")
        try:
            results = measure(server, args.repeats, args.clients, args.seconds, not args.no_questions)
            peak_server, peak_worker = server.peak_memory_mb()
        finally:
            server.stop()
    base_after = baseline()
    base = (base_before + base_after) / 2
    cold = server.cold_start
    cold_aim = f" (aim ≤ {AIM_COLD_S:.0f} s on 10,000 DPAs: {'met' if cold <= AIM_COLD_S else 'missed'})"
    body = "\n".join(
        [
            f"Run {started:%Y-%m-%d %H:%M} with `python -m bench.serve {' '.join(argv or sys.argv[1:])}` on"
            f" {machine()}.",
            "",
            f"Served: {described}, by `python -m service` with {args.workers} query workers (waitress)."
            f" The client is this benchmark, a second process on the same machine (loopback, keep-alive"
            f" connections, Python threads), so client and server share the two cores. Latencies are"
            f" {args.repeats} sequential requests per row after 2 warm-up ones; load runs last {args.seconds:g} s."
            f" Baseline (fixed pure-Python workload, bench/common.py): before {base_before:.3f} s, after"
            f" {base_after:.3f} s; *× baseline* = p95 / baseline, or requests/s × baseline.",
            "",
            table(results, base, args.clients),
            "",
            f"Cold start (process start to first answered query): {cold:.2f} s ({ratio(cold / base)} × baseline)"
            + (cold_aim if args.synthetic and args.synthetic >= 10_000 else "")
            + f". Peak RSS: server process {peak_server:,.0f} MB, largest query worker {peak_worker:,.0f} MB.",
        ]
    )
    publish(SECTION if not args.synthetic else f"{SECTION}: {args.synthetic:,} DPAs", body, not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
