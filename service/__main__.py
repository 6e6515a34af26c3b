"""`python -m service`: serve the search pages and the SPARQL endpoint (what `dpagraph serve` runs)."""

from __future__ import annotations

import argparse
import sys

from service.serve import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service", description="Serve the DPA Graph search pages and SPARQL endpoint."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
