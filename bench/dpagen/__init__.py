"""Synthetic DPA generator: realistic German and English DPA texts with gold records.

    from bench.dpagen import generate
    doc = generate(42, seed=7)          # doc.filename, doc.text, doc.gold (the ../shared/gold format)

`python -m bench.dpagen --count N --seed S --out DIR` writes DIR/dpas/* and DIR/gold/*.json.
For robustness and scale tests; not a measure of extraction quality (docs/synthetic-corpus.md).
"""

from bench.dpagen.generator import ALL_LAYOUTS, FORMATS, LAYOUTS, Generated, generate

__all__ = ["ALL_LAYOUTS", "FORMATS", "LAYOUTS", "Generated", "generate"]
