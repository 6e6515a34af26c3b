"""The machine-readable report (`dpagraph validate --format json`), described by
`graph/schema/validation-report.schema.json`: keys in a fixed order so that two runs diff cleanly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from graph.validation.findings import DocumentReport, Rule
from graph.validation.report_common import TOOL_NAME, summary, tool_version

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "validation-report.schema.json"


def to_json(
    reports: list[DocumentReport],
    rules: dict[str, Rule],
    *,
    fail_on: str = "violation",
    generated: datetime | None = None,
) -> dict:
    """The whole run as one JSON object: rules by id, documents in the order given, summary."""
    when = generated or datetime.now(UTC)
    return {
        "generated": when.isoformat(timespec="seconds"),
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "rules": {rule_id: rules[rule_id].to_json() for rule_id in sorted(rules)},
        "documents": [report.to_json() for report in reports],
        "summary": summary(reports, fail_on),
    }


@cache
def schema() -> dict:
    """The JSON Schema (draft 2020-12) of `to_json`'s output."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
