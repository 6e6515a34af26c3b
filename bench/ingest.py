"""Ingest benchmark: `dpagraph ingest` on generated DPAs (bench/dpagen), with 1 and 2 processes.

    python -m bench.ingest --sizes 1000 10000
    python -m bench.ingest --sizes 300 --jobs 1 2 --no-write

For each size it writes the documents once (bench/dpagen, seeded; not part of the figures), then
runs `dpagraph ingest DIR --store NEW --jobs J` as a fresh process per J: read, extract, build,
load, everything a user waits for. It reports DPAs and MB of input per second, and the peak RSS
of the largest process of the run (the owner or one of its workers).

Figures are also given as ratios to a fixed pure-Python workload timed in the same run
(bench/common.py). The table goes to stdout and, unless `--no-write`, into the "Ingest" section
of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/ingest.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, baseline, log, machine, publish, ratio  # noqa: E402

SECTION = "Ingest"
AIM_S, AIM_N = 120.0, 10_000


def write_corpus(folder: Path, n: int, seed: int) -> float:
    """N generated DPAs in `folder`; their total size in MB."""
    subprocess.run(
        [sys.executable, "-m", "bench.dpagen", "--count", str(n), "--seed", str(seed), "--out", str(folder)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return sum(f.stat().st_size for f in (folder / "dpas").iterdir()) / 1e6


# Runs a command and prints the peak RSS (KB) of its largest process: a fresh wrapper per run, so
# RUSAGE_CHILDREN covers exactly that run (the ingest and its workers).
_PEAK = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print('peak_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def timed_ingest(documents: Path, store: Path, jobs: int) -> dict:
    """One `dpagraph ingest` run in a fresh process: seconds, exit code, peak RSS (MB)."""
    command = [sys.executable, "-m", "graph.cli", "ingest", str(documents), "--store", str(store), "--jobs", str(jobs)]
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", _PEAK, *command], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    peak_kb = int(run.stderr.rsplit("peak_kb", 1)[1].split()[0]) if "peak_kb" in run.stderr else 0
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-300:]
    return {"seconds": seconds, "code": run.returncode, "summary": summary, "rss_mb": peak_kb / 1024}


def table(results: list[dict], base: float) -> str:
    lines = [
        "| DPAs | input MB | processes | seconds | DPAs/s | MB/s | × baseline | peak RSS MB | result | aim |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        for jobs, run in r["runs"].items():
            aim = ""
            if r["n"] >= AIM_N and jobs == max(r["runs"]):
                scaled = run["seconds"] * AIM_N / r["n"]
                aim = f"≤ {AIM_S:.0f} s for 10,000: {'met' if scaled <= AIM_S else 'missed'}"
            rss = f"{run['rss_mb']:,.0f}"
            lines.append(
                f"| {r['n']:,} | {r['mb']:,.1f} | {jobs} | {run['seconds']:,.1f} | {r['n'] / run['seconds']:,.1f}"
                f" | {r['mb'] / run['seconds']:,.2f} | {ratio(run['seconds'] / base)} | {rss} | {run['summary']}"
                f" (exit {run['code']}) | {aim} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="processes to compare (default 1 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora and stores go (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)

    started = datetime.datetime.now()
    base_before = baseline()
    log(f"baseline {base_before:.3f}s")
    results = []
    with tempfile.TemporaryDirectory(prefix="dpag-bench-ingest-", dir=args.workdir) as tmp:
        for n in args.sizes:
            corpus = Path(tmp) / f"corpus-{n}"
            log(f"N={n}: generating")
            mb = write_corpus(corpus, n, args.seed)
            runs = {}
            for jobs in args.jobs:
                log(f"N={n}: ingest with {jobs} process(es)")
                store = Path(tmp) / f"store-{n}-{jobs}"
                runs[jobs] = timed_ingest(corpus / "dpas", store, jobs)
                log(f"N={n}: jobs={jobs}: {runs[jobs]['seconds']:.1f}s, {runs[jobs]['summary']}")
                shutil.rmtree(store, ignore_errors=True)
            shutil.rmtree(corpus, ignore_errors=True)
            results.append({"n": n, "mb": mb, "runs": runs})
    base_after = baseline()
    base = (base_before + base_after) / 2
    body = "\n".join(
        [
            f"Run {started:%Y-%m-%d %H:%M} with `python -m bench.ingest {' '.join(argv or sys.argv[1:])}` on"
            f" {machine()}.",
            "",
            f"Generated DPAs (bench/dpagen, seed {args.seed}: German and English, txt/md/HTML, every annex layout),"
            " each run `dpagraph ingest` into a new store as a fresh process: reading, extraction, graph"
            " building and loading, start-up included. Baseline (fixed pure-Python workload): before"
            f" {base_before:.3f} s, after {base_after:.3f} s.",
            "",
            table(results, base),
        ]
    )
    publish(SECTION, body, not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
