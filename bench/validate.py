"""Validation benchmark: `dpagraph validate --store` on 1,000 and 10,000 synthetic DPAs.

    python -m bench.validate --sizes 1000 10000
    python bench/validate.py --sizes 1000 --no-write

For each size it builds a fresh store in a temporary directory (setup, timed but not part of the
figures), then times `validate_store` with a findings cache, as `dpagraph validate --store` runs it:

* full validation of every document with jobs=1 and jobs=2 (`force=True`);
* a second run with nothing changed;
* one document changed (re-put with a new breach deadline and one more sub-processor), then
  re-validated.

Each timed run is a fresh process (`--child`), so a run still going after `--limit` seconds can be
stopped (a long Oxigraph query cannot be interrupted from Python) and peak RSS is per run.

The machine is shared and noisy, so a fixed pure-Python workload is timed before and after the run,
and every figure is also printed as a ratio to it ("× baseline"): compare ratios across runs, not
seconds. The aims of issue 3 (10,000 DPAs in ≤ 60 s, one changed DPA in ≤ 2 s) are checked in
seconds, on this machine. The table goes to stdout and, unless `--no-write`, into the "Validation"
section of docs/benchmarks.md (other sections are kept).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/validate.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.common import DOCS, ROOT, baseline, log, machine, publish, ratio  # noqa: E402
from bench.synth import EXTRACTOR_VERSION, make_record  # noqa: E402
from bench.synth_store import setup  # noqa: E402
from graph.build import build_graph  # noqa: E402
from graph.store import DPAStore  # noqa: E402
from graph.validation.cache import ValidationCache  # noqa: E402
from graph.validation.runner import Options, validate_store  # noqa: E402

SECTION = "Validation"
AIM_FULL_S, AIM_FULL_N, AIM_ONE_S = 60.0, 10_000, 2.0


# --- measurements --------------------------------------------------------------------------------


def _child(store_dir: str, jobs: int, force: bool, cache_path: str | None) -> int:
    """`--child`: one timed `validate_store` run, in its own process so that the parent can stop it
    at the time limit (a long Oxigraph query cannot be interrupted from Python). Prints progress
    lines and, at the end, one JSON line with the figures."""
    store = DPAStore(store_dir)
    cache = ValidationCache(Path(cache_path)) if cache_path else None  # as `dpagraph validate --store`
    done = 0

    def progress(k: int) -> None:
        nonlocal done
        done += k
        print(f"progress {done}", flush=True)

    t = time.perf_counter()
    reports = validate_store(store, Options(jobs=jobs, force=force), progress, cache)
    secs = time.perf_counter() - t
    store.close()
    if cache is not None:
        cache.close()
    fresh = [r.document for r in reports if not r.cached]
    result = {
        "seconds": secs,
        "reports": len(reports),
        "findings": sum(len(r.findings) for r in reports),
        "fresh": len(fresh),
        "fresh_sample": fresh[:5],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    print("result " + json.dumps(result), flush=True)
    return 0


def _timed(store_dir: Path, jobs: int, force: bool, limit: float | None, cache: Path | None) -> dict:
    """Run `validate_store` in a child process (the store must be closed here); stop it after
    `limit` seconds. The dict has the child's figures, or `stopped` and how many were done."""
    cmd = [sys.executable, "-m", "bench.validate", "--child", str(store_dir), "--child-jobs", str(jobs)]
    if force:
        cmd.append("--child-force")
    if cache is not None:
        cmd += ["--child-cache", str(cache)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    lines: queue.Queue = queue.Queue()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env, start_new_session=True)
    reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    done, result = 0, None
    deadline = t0 + limit if limit else None
    while result is None:
        timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
        try:
            line = lines.get(timeout=timeout if timeout is None else min(timeout, 5.0))
        except queue.Empty:
            if deadline is not None and time.perf_counter() >= deadline:
                os.killpg(proc.pid, signal.SIGKILL)  # the child and its pool workers, nothing else
                proc.wait()
                return {"stopped": True, "seconds": time.perf_counter() - t0, "done": done}
            if proc.poll() is not None and not reader.is_alive() and lines.empty():
                break
            continue
        if line.startswith("progress "):
            done = int(line.split()[1])
        elif line.startswith("result "):
            result = json.loads(line[len("result ") :])
    proc.wait()
    if result is None:
        raise RuntimeError(f"validation child failed with exit code {proc.returncode}")
    return result


def run_size(n: int, seed: int, jobs_list: list[int], workdir: Path, limit: float | None, use_cache: bool) -> dict:
    store_dir = workdir / f"store-{n}"
    cache = workdir / f"cache-{n}.sqlite" if use_cache else None
    log(f"N={n}: setup (build in {max(jobs_list)} processes, bulk load)")
    store, info = setup(store_dir, n, seed, max(jobs_list))
    store.close()
    log(f"N={n}: built {info['build_s']:.1f}s, loaded {info['load_s']:.1f}s, {info['quads']} quads")
    rows: dict = {"n": n, "setup": info, "full": {}, "partial": {}, "rss": [], "rss_workers": []}

    def measure(jobs: int, force: bool, lim: float | None) -> dict:
        r = _timed(store_dir, jobs, force, lim, cache)
        if "rss_mb" in r:
            rows["rss"].append(r["rss_mb"])
            rows["rss_workers"].append(r["rss_workers_mb"])
        return r

    try:
        for jobs in jobs_list:
            log(f"N={n}: full validation, jobs={jobs}")
            r = measure(jobs, True, limit)
            rows["full"][jobs] = r["seconds"]
            if r.get("stopped"):
                rows["partial"][jobs] = r["done"]
                log(f"N={n}: jobs={jobs}: stopped after {r['seconds']:.0f}s with {r['done']} of {n} done")
                continue
            assert r["reports"] == n and r["fresh"] == n, r
            rows["findings"] = r["findings"]
            log(f"N={n}: jobs={jobs}: {r['seconds']:.1f}s, {n / r['seconds']:.1f} DPAs/s, {r['findings']} findings")
        jobs = max(jobs_list)
        if jobs_list[-1] in rows["partial"]:  # results incomplete: finish, untimed
            log(f"N={n}: completing the interrupted run (not timed)")
            measure(jobs, False, None)
        r = measure(jobs, False, limit)
        assert r.get("fresh") == 0, r
        rows["unchanged"] = r["seconds"]
        log(f"N={n}: unchanged re-run {r['seconds']:.2f}s")
        k = n // 2
        record, text = make_record(k, seed, variant=1)
        store = DPAStore(store_dir)
        t = time.perf_counter()
        g = build_graph(record, text, media_type="text/markdown", extractor_version=EXTRACTOR_VERSION)
        result = store.put(record, g)
        rows["put"] = time.perf_counter() - t
        store.close()
        assert result.status == "replaced", result
        r = measure(jobs, False, limit)
        assert r.get("fresh") == 1 and r["fresh_sample"] == [record.document], r
        rows["one_changed"] = r["seconds"]
        log(f"N={n}: one changed: put {rows['put']:.2f}s, validate {r['seconds']:.2f}s")
    finally:
        shutil.rmtree(store_dir.parent / "nq", ignore_errors=True)
        shutil.rmtree(store_dir, ignore_errors=True)
        if cache is not None:
            cache.unlink(missing_ok=True)
    return rows


# --- report ----------------------------------------------------------------------------------------


def code_fingerprint() -> str:
    """What was measured: a digest of the validation code and shapes (they change often)."""
    digest = hashlib.sha256()
    for f in sorted([*(ROOT / "graph" / "validation").glob("*.py"), *(ROOT / "shapes").glob("*.ttl")]):
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:12]


def table(results: list[dict], base: float, jobs_list: list[int]) -> str:
    lines = [
        "| DPAs | measurement | seconds | DPAs/s | × baseline | aim |",
        "|---:|---|---:|---:|---:|---|",
    ]

    def row(n: int, what: str, secs: float, per_sec: bool = True, aim: str = "") -> None:
        rate = f"{n / secs:,.1f}" if per_sec else ""
        lines.append(f"| {n:,} | {what} | {secs:.2f} | {rate} | {ratio(secs / base)} | {aim} |")

    for r in results:
        n, s = r["n"], r["setup"]
        row(n, f"setup: build {s['quads']:,} quads ({max(jobs_list)} worker processes)", s["build_s"])
        row(n, f"setup: bulk load ({s['store_mb']:,.0f} MB on disk)", s["load_s"])
        for jobs, secs in r["full"].items():
            if jobs in r["partial"]:
                done = r["partial"][jobs]
                rate = f"{done / secs:,.1f}" if done else "< " + f"{1 / secs:.2g}"
                lines.append(
                    f"| {n:,} | full validation, jobs={jobs}: **stopped** after {secs:.0f} s, {done:,} done"
                    f" | > {secs:.0f} | {rate} | > {ratio(secs / base)} | |"
                )
                continue
            aim = ""
            if jobs == max(jobs_list) and n >= AIM_FULL_N:
                ok = secs * AIM_FULL_N / n <= AIM_FULL_S
                aim = f"≤ {AIM_FULL_S:.0f} s for 10,000: {'met' if ok else 'missed'}"
            row(n, f"full validation, jobs={jobs}", secs, aim=aim)
        row(n, "second run, nothing changed", r["unchanged"], per_sec=False)
        row(n, "one document changed: store.put", r["put"], per_sec=False)
        ok = r["one_changed"] <= AIM_ONE_S
        aim = f"≤ {AIM_ONE_S:.0f} s: {'met' if ok else 'missed'}" if n >= AIM_FULL_N else ""
        row(n, "one document changed: re-validate", r["one_changed"], per_sec=False, aim=aim)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.validate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="jobs for the full runs (default 1 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--limit",
        type=float,
        default=600,
        help="stop a full run after this many seconds, report its rate (0: no limit)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where the stores go (default: a temp dir)")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {DOCS.relative_to(ROOT)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child-force", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-cache", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-cache", action="store_true", help="run without the JSON findings cache (`validate --store --no-cache`)"
    )
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.child_jobs, args.child_force, args.child_cache)

    started = datetime.datetime.now()
    code_before = code_fingerprint()
    base_before = baseline()
    log(f"baseline {base_before:.3f}s")
    results = []
    with tempfile.TemporaryDirectory(prefix="dpag-bench-", dir=args.workdir) as tmp:
        for n in args.sizes:
            results.append(run_size(n, args.seed, args.jobs, Path(tmp), args.limit or None, not args.no_cache))
    base_after = baseline()
    base = (base_before + base_after) / 2
    rss_self = max((x for r in results for x in r["rss"]), default=0.0)
    rss_workers = max((x for r in results for x in r["rss_workers"]), default=0.0)

    body = "\n".join(
        [
            f"Run {started:%Y-%m-%d %H:%M} with `python -m bench.validate {' '.join(argv or sys.argv[1:])}`"
            f" (seed {args.seed}, limit {args.limit:.0f} s per full run) on {machine()}.",
            "",
            "Synthetic extraction records (`bench/synth.py`), not text: what is measured is"
            " `validate_store` (`dpagraph validate --store`). Setup is timed but is not part of the"
            " figures. Compare the *× baseline* column across runs, not seconds: it divides by a fixed"
            f" pure-Python workload timed in the same run (before {base_before:.3f} s, after"
            f" {base_after:.3f} s, mean {base:.3f} s).",
            "",
            table(results, base, args.jobs),
            "",
            f"Peak RSS of the completed runs: `validate_store` process {rss_self:,.0f} MB, largest worker"
            f" {rss_workers:,.0f} MB (each run is a fresh process; setup not included).",
            f"Code measured: graph/validation/*.py and shapes/*.ttl, sha256 prefix {code_before}"
            + ("" if code_fingerprint() == code_before else f" (**changed during the run**, now {code_fingerprint()})")
            + ". Findings"
            " of the full run: " + ", ".join(f"{r['n']:,} DPAs → {r.get('findings', 0):,}" for r in results) + ".",
        ]
    )
    publish(SECTION, body, not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
