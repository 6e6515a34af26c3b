"""What every benchmark shares: the same-run baseline, the machine line, and the docs writer.

The machine is shared and noisy, so each benchmark times a fixed pure-Python workload in the same
run and reports its figures also as a ratio to it ("× baseline"): compare ratios across runs, not
seconds. Each benchmark owns one `## Section` of docs/benchmarks.md and rewrites only that one.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"


def _workload() -> int:
    """A fixed CPU-bound pure-Python workload (dicts, strings, sorting), ~0.2 s on a 2020s core."""
    acc = 0
    words = [f"w{i * 7919 % 1000:04d}" for i in range(2000)]
    for rep in range(400):
        counts: dict[str, int] = {}
        for w in words:
            counts[w] = counts.get(w, 0) + rep
        acc += sum(len(k) * v for k, v in sorted(counts.items()))
        acc += len(" ".join(sorted(words, key=lambda s: s[::-1])))
    return acc


def baseline(repeats: int = 5) -> float:
    """Seconds of the fixed workload, best of `repeats` (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        _workload()
        best = min(best, time.perf_counter() - t)
    return best


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("pyshacl", "rdflib", "pyoxigraph", "waitress"))
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1e6:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; Python {platform.python_version()}; {versions}"


def ratio(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.2g}" if x < 1 else f"{x:.1f}"


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def write_docs(section: str, body: str, path: Path = DOCS) -> None:
    """Replace (or append) the `## section` of docs/benchmarks.md, keeping every other section."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, x in enumerate(lines) if x.strip() == f"## {section}"), None)
    block = [f"## {section}", "", *body.splitlines(), ""]
    if start is None:
        lines = [*lines, "", *block] if lines and lines[-1].strip() else [*lines, *block]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines = [*lines[:start], *block, *lines[end:]]
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def publish(section: str, body: str, write: bool) -> None:
    """Print a benchmark's report and, when `write`, put it into its docs/benchmarks.md section."""
    print(body)
    if write:
        write_docs(section, body)
        log(f"wrote {DOCS.relative_to(ROOT)}")


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc): a server's query workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(after_name[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
