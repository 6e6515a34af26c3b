"""Competency-question benchmark: every question on the embedded Oxigraph store and on rdflib's
in-memory store, same graph, same query text, at 1,000 and 10,000 synthetic DPAs.

    python -m bench.queries --sizes 1000 10000
    python -m bench.queries --sizes 1000 --rdflib-limit 600 --no-write

For each size it builds a store of synthetic DPAs (bench/synth_store.py; setup is timed but is not
part of the figures), dumps it as N-Quads, and runs each engine in its own process so that peak
memory is per engine and a run past `--rdflib-limit` seconds can be stopped (an rdflib query cannot
be interrupted): Oxigraph reads the store directory read-only, rdflib parses the dump into a
`Dataset` with the union of all graphs as default graph, which is how the service queries.
Each question runs once to warm up, then `--repeats` times (rdflib: `--rdflib-repeats`).

Figures are also given as ratios to a fixed pure-Python workload timed in the same run
(bench/common.py). The table goes to stdout and, unless `--no-write`, into the "Competency
questions" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/queries.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, baseline, log, machine, publish, ratio  # noqa: E402
from service import questions  # noqa: E402

SECTION = "Competency questions"
AIM_P95_MS, AIM_SPEEDUP, AIM_N = 100.0, 20.0, 10_000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- the engines, each in a child process ------------------------------------------------------------


def _oxigraph_runner(store_dir: str):
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    return lambda text: sum(1 for _ in store.query(text, use_default_graph_as_union=True))


def _rdflib_runner(dump: str):
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    return lambda text: len(list(dataset.query(text)))


class _Overrun(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Overrun


def _child(engine: str, source: str, repeats: int, limit: float | None) -> int:
    """Load the engine, then print one JSON line per question: rows and latencies (seconds). A
    question still running after `limit` seconds is stopped (SIGALRM interrupts rdflib, which is
    pure Python) and reported with `overrun` instead."""
    signal.signal(signal.SIGALRM, _on_alarm)
    t = time.perf_counter()
    run = _oxigraph_runner(source) if engine == "oxigraph" else _rdflib_runner(source)
    print("loaded " + json.dumps({"seconds": time.perf_counter() - t}), flush=True)
    for question in questions.catalogue().values():
        text = question.render()
        latencies: list[float] = []
        rows = None
        if limit:
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            for _ in range(repeats + 1):  # the first run warms up
                t = time.perf_counter()
                rows = run(text)
                latencies.append(time.perf_counter() - t)
            outcome = {"name": question.name, "rows": rows, "latencies": latencies[1:]}
        except _Overrun:
            outcome = {"name": question.name, "rows": rows, "latencies": latencies[1:], "overrun": limit}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        print("question " + json.dumps(outcome), flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("done " + json.dumps({"rss_mb": rss}), flush=True)
    return 0


def run_engine(engine: str, source: Path, repeats: int, limit: float | None) -> dict:
    """Run `_child` in a fresh process; each question gets at most `limit` seconds there."""
    command = [sys.executable, "-m", "bench.queries", "--child", engine, str(source), "--child-repeats", str(repeats)]
    if limit:
        command += ["--child-limit", str(limit)]
    result: dict = {"questions": {}}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    for line in process.stdout:  # type: ignore[union-attr]
        kind, _, payload = line.partition(" ")
        data = json.loads(payload)
        if kind == "loaded":
            result["load_s"] = data["seconds"]
        elif kind == "question":
            result["questions"][data["name"]] = data
        elif kind == "done":
            result["rss_mb"] = data["rss_mb"]
    if process.wait() != 0:
        raise RuntimeError(f"{engine} child failed with exit code {process.returncode}")
    return result


# --- the run -----------------------------------------------------------------------------------------


def synthetic_store(store_dir: Path, n: int, seed: int) -> dict:
    """A store of N synthetic DPAs at `store_dir`, reused when an earlier run kept it (`--keep`)."""
    from bench.synth_store import setup

    recorded = store_dir / "bench-info.json"
    if recorded.exists():
        info = json.loads(recorded.read_text())
        if info.get("n") == n and info.get("seed") == seed:
            log(f"N={n}: reusing the store at {store_dir}")
            return info
    shutil.rmtree(store_dir, ignore_errors=True)
    log(f"N={n}: building the store")
    store, info = setup(store_dir, n, seed, 2)
    store.close()
    info.update(n=n, seed=seed)
    recorded.write_text(json.dumps(info))
    return info


def run_size(
    n: int,
    seed: int,
    workdir: Path,
    repeats: int,
    rdflib_repeats: int,
    limit: float | None,
    with_rdflib: bool,
    keep: Path | None,
) -> dict:
    import pyoxigraph as ox

    store_dir = (keep or workdir) / f"store-{n}"
    info = synthetic_store(store_dir, n, seed)
    dump = workdir / f"dump-{n}.nq"
    t = time.perf_counter()
    if with_rdflib:
        ox.Store.read_only(str(store_dir)).dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    info["dump_s"] = time.perf_counter() - t
    info["dump_mb"] = dump.stat().st_size / 1e6 if with_rdflib else 0.0
    try:
        log(f"N={n}: Oxigraph")
        oxigraph = run_engine("oxigraph", store_dir, repeats, None)
        rdflib: dict = {"questions": {}, "skipped": True}
        if with_rdflib:
            log(f"N={n}: rdflib (limit {limit or 'none'} s per question)")
            rdflib = run_engine("rdflib", dump, rdflib_repeats, limit)
    finally:
        if keep is None:
            shutil.rmtree(store_dir, ignore_errors=True)
        dump.unlink(missing_ok=True)
        shutil.rmtree(workdir / "nq", ignore_errors=True)
    return {"n": n, "setup": info, "oxigraph": oxigraph, "rdflib": rdflib}


def table(results: list[dict], base: float) -> str:
    lines = [
        "| DPAs | question | rows | Oxigraph p50 ms | Oxigraph p95 ms | rdflib p50 ms | rdflib p95 ms"
        " | rdflib ÷ Oxigraph (p50) | Oxigraph p95 × baseline |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for question in questions.catalogue().values():
            ox_run = r["oxigraph"]["questions"][question.name]
            rd_run = r["rdflib"]["questions"].get(question.name)
            ox50, ox95 = statistics.median(ox_run["latencies"]), percentile(ox_run["latencies"], 95)
            if rd_run and "overrun" in rd_run:
                rd = f"> {rd_run['overrun'] * 1000:,.0f} (stopped) | | > {rd_run['overrun'] / ox50:,.0f}×"
            elif rd_run and rd_run["latencies"]:
                rd50, rd95 = statistics.median(rd_run["latencies"]), percentile(rd_run["latencies"], 95)
                rd = f"{rd50 * 1000:,.0f} | {rd95 * 1000:,.0f} | {rd50 / ox50:,.0f}×"
                if rd_run["rows"] != ox_run["rows"]:
                    rd += f" (**{rd_run['rows']} rows**)"
            else:
                rd = "not run | | "
            lines.append(
                f"| {r['n']:,} | `{question.name}` | {ox_run['rows']:,} | {ox50 * 1000:,.1f} | {ox95 * 1000:,.1f}"
                f" | {rd} | {ratio(ox95 / base)} |"
            )
    return "\n".join(lines)


def summary(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        s, ox_run, rd_run = r["setup"], r["oxigraph"], r["rdflib"]
        worst = max(percentile(q["latencies"], 95) for q in ox_run["questions"].values())
        slowest = max(ox_run["questions"].values(), key=lambda q: statistics.median(q["latencies"]))
        dumped = f", N-Quads dump {s['dump_mb']:,.0f} MB" if s["dump_mb"] else ""
        line = (
            f"{r['n']:,} DPAs ({s['quads']:,} quads{dumped}): Oxigraph opens the store"
            f" in {ox_run['load_s']:.2f} s, peak RSS {ox_run.get('rss_mb', 0):,.0f} MB, slowest p95"
            f" {worst * 1000:,.1f} ms"
        )
        if r["n"] >= AIM_N:
            line += f" (aim ≤ {AIM_P95_MS:.0f} ms: {'met' if worst * 1000 <= AIM_P95_MS else 'missed'})"
        if rd_run.get("skipped"):
            line += "; rdflib not run at this size (`--rdflib-sizes`)"
        if rd_run.get("load_s") is not None:
            line += f"; rdflib parses the dump in {rd_run['load_s']:.1f} s"
        if "rss_mb" in rd_run:
            line += f", peak RSS {rd_run['rss_mb']:,.0f} MB"
        rd_slowest = rd_run["questions"].get(slowest["name"])
        if rd_slowest:
            overrun = "overrun" in rd_slowest
            rd_time = rd_slowest["overrun"] if overrun else statistics.median(rd_slowest["latencies"])
            speedup = rd_time / statistics.median(slowest["latencies"])
            line += (
                f"; on the slowest question (`{slowest['name']}`) Oxigraph is {'more than ' if overrun else ''}"
                f"{speedup:,.0f}× faster"
            )
            if r["n"] >= AIM_N:
                line += f" (aim ≥ {AIM_SPEEDUP:.0f}×: {'met' if speedup >= AIM_SPEEDUP else 'missed'})"
        stopped = [name for name, q in rd_run["questions"].items() if "overrun" in q]
        if stopped:
            line += f"; rdflib stopped at the per-question limit on {len(stopped)} of {len(rd_run['questions'])}"
        out.append(line + ".")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per question on Oxigraph (default 20)")
    parser.add_argument("--rdflib-repeats", type=int, default=3, help="timed runs per question on rdflib (default 3)")
    parser.add_argument(
        "--rdflib-limit", type=float, default=120, help="stop an rdflib question after this many seconds (default 120)"
    )
    parser.add_argument(
        "--rdflib-sizes", type=int, nargs="*", default=[1000], help="sizes at which rdflib runs too (default 1000)"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where the stores go (default: a temp dir)")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the stores in DIR and reuse them (bench.serve --store DIR/...)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "SOURCE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-repeats", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child-limit", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child[0], args.child[1], args.child_repeats, args.child_limit)

    started = datetime.datetime.now()
    base_before = baseline()
    log(f"baseline {base_before:.3f}s")
    with tempfile.TemporaryDirectory(prefix="dpag-bench-queries-", dir=args.workdir) as tmp:
        results = [
            run_size(
                n,
                args.seed,
                Path(tmp),
                args.repeats,
                args.rdflib_repeats,
                args.rdflib_limit or None,
                n in args.rdflib_sizes,
                args.keep,
            )
            for n in args.sizes
        ]
    base_after = baseline()
    base = (base_before + base_after) / 2
    body = "\n".join(
        [
            f"Run {started:%Y-%m-%d %H:%M} with `python -m bench.queries {' '.join(argv or sys.argv[1:])}` on"
            f" {machine()}.",
            "",
            "Synthetic DPAs (bench/synth.py records built into graphs as `ingest` builds them), one named graph"
            " each plus the reference data; every question with its default parameters, the default graph"
            f" being the union of all graphs. Oxigraph: {args.repeats} timed runs per question after one"
            f" warm-up; rdflib (in-memory `Dataset`, parsed from the store's N-Quads dump):"
            f" {args.rdflib_repeats}. Baseline: before {base_before:.3f} s, after {base_after:.3f} s.",
            "",
            table(results, base),
            "",
            *summary(results),
        ]
    )
    publish(SECTION, body, not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
