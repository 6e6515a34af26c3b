"""Page queries run exactly like `/sparql` queries: handed to the worker pool as a `QueryRequest`,
inspected, run on the read-only store and cut at the row limit in a worker process, under the
query timeout. The web process only reads the SPARQL JSON that comes back into a table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from service import context
from service.execute import QueryRequest, Reply
from service.results import TRUNCATION_MEMBER
from service.safety import Refusal

RESULTS_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Table:
    """A SELECT result: column names and rows of plain values (None where unbound)."""

    columns: list[str]
    rows: list[dict[str, str | None]] = field(default_factory=list)
    truncated: bool = False

    def as_json(self) -> dict:
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated}


def run(query: str, accept: str = RESULTS_JSON) -> Reply:
    """The worker's reply to a query, as `/sparql` would send it (any status)."""
    service = context.current()
    return service.pool.run(QueryRequest(query=query, max_rows=service.settings.max_rows, accept=accept))


def select(query: str) -> Table:
    """Run a SELECT; a refusal from the worker is raised as one (status and message kept)."""
    reply = run(query)
    if reply.status != 200:
        raise Refusal(reply.body.decode("utf-8", "replace"), reply.status)
    return read_results(reply.body)


def read_results(body: bytes) -> Table:
    """SPARQL JSON results → Table (an ASK result becomes one column `boolean`)."""
    document = json.loads(body)
    truncated = bool(document.get(TRUNCATION_MEMBER, {}).get("truncated"))
    if "boolean" in document:
        return Table(["boolean"], [{"boolean": "true" if document["boolean"] else "false"}], truncated)
    columns = document["head"]["vars"]
    rows = [
        {name: binding[name]["value"] if name in binding else None for name in columns}
        for binding in document["results"]["bindings"]
    ]
    return Table(columns, rows, truncated)


def number(value: str | None) -> int | None:
    """An integer cell (offsets, counts), None when unbound or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
