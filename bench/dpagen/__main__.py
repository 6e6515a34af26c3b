"""python -m bench.dpagen --count N --seed S --out DIR [--lang de|en|mixed] [--formats txt,md,html] [--start K]

Writes DIR/dpas/<stem>.<ext> and DIR/gold/<stem>.json, one document at a time (constant memory,
so 100,000 documents are fine). Document i of seed S is the same whatever --count says.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.dpagen.generator import FORMATS, generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.dpagen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--count", type=int, required=True, help="number of documents")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--lang", choices=("de", "en", "mixed"), default="mixed")
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated subset of txt,md,html")
    ap.add_argument("--start", type=int, default=0, help="first document index (to extend a corpus)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats or args.count < 0:
        ap.error(f"--formats takes {', '.join(FORMATS)}; --count must be >= 0")
    dpas, gold = args.out / "dpas", args.out / "gold"
    dpas.mkdir(parents=True, exist_ok=True)
    gold.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = 0
    for index in range(args.start, args.start + args.count):
        doc = generate(index, args.seed, args.lang, formats)
        (dpas / doc.filename).write_text(doc.text, encoding="utf-8")
        stem = doc.filename.rsplit(".", 1)[0]
        (gold / f"{stem}.json").write_text(json.dumps(doc.gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written += 1
    seconds = time.perf_counter() - started
    if not args.quiet:
        rate = written / seconds if seconds else float("inf")
        print(f"{written} documents in {seconds:.1f} s ({rate:,.0f} docs/s) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
