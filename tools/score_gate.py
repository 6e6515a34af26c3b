"""Extraction quality gate: extract a corpus, score it with the shared scorer, fail below the bar.

    python tools/score_gate.py CORPUS_DIR GOLD_DIR [--name NAME]

Runs `dpagraph extract CORPUS_DIR --json TMP`, then `shared/eval/score.py --json` and compares
each figure with the thresholds the project committed to (issue #2). Prints the figures either
way, so CI logs show them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score.py"

THRESHOLDS = {
    "subprocessor_f1": 0.95,
    "country_f1": 0.90,
    "mechanism_f1": 0.85,
    "data_category_recall": 0.90,
    "data_subject_recall": 0.90,
    "clause_accuracy": 0.90,
    "processor_accuracy": 1.0,
}


def score(corpus: Path, gold: Path) -> tuple[dict, str]:
    with tempfile.TemporaryDirectory() as out:
        extract = subprocess.run(
            [str(Path(sys.executable).parent / "dpagraph"), "extract", str(corpus), "--json", out],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if extract.returncode not in (0, 1):
            raise SystemExit(f"extract failed on {corpus}:\n{extract.stderr}")
        scored = subprocess.run(
            [sys.executable, str(SCORER), "--gold", str(gold), "--pred", out, "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
    lines = scored.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("{"))
    return json.loads("\n".join(lines[start:])), "\n".join(lines[:start])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--name", default=None)
    ap.add_argument("--report-only", action="store_true", help="print the figures, never fail (held-out sets)")
    args = ap.parse_args(argv)
    if not SCORER.exists():
        print(f"scorer not found at {SCORER}: keep ../shared beside the clone", file=sys.stderr)
        return 2
    summary, misses = score(args.corpus, args.gold)
    name = args.name or args.corpus.name
    failed = []
    print(f"== extraction score: {name} ({summary['documents']} documents)")
    for key, value in summary.items():
        bar = THRESHOLDS.get(key)
        mark = ""
        if bar is not None:
            ok = value is not None and value >= bar
            mark = f"  (min {bar}) {'ok' if ok else 'BELOW'}"
            if not ok:
                failed.append(key)
        print(f"  {key:32} {value}{mark}")
    if failed and args.report_only:
        print(f"  (report only: {', '.join(failed)} below the bar on this held-out set (see docs/quality.md))")
        return 0
    if failed:
        print(f"  misses:\n{misses}")
        print(f"FAILED: {name}: {', '.join(failed)} below the bar")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
