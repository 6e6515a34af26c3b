"""The query page: a plain SPARQL editor with the example queries, a results table and downloads.

The editor posts its form, so a long query fits and no query lands in the browser's history of
addresses. The query typed here is a `/sparql` query in every respect: it goes to the worker pool as a
`QueryRequest` and is inspected, refused, run, timed out and cut exactly as there; the download
links are `/sparql` URLs. Nothing here runs user SPARQL any other way.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from service import questions, tables
from service.pool import PoolError
from service.questions_page import downloads
from service.tables import RESULTS_JSON

# SELECT/ASK as SPARQL JSON (read into a table), CONSTRUCT/DESCRIBE as Turtle (shown as text)
ACCEPT = f"{RESULTS_JSON}, text/turtle;q=0.9"


def query_page(args: MultiDict) -> tuple[dict, int]:
    """The page's data and its HTTP status (the endpoint's status when the query was refused)."""
    examples = [{"name": q.name, "title": q.title} for q in questions.catalogue().values()]
    example = args.get("example", "") or examples[0]["name"]
    text = args.get("query", "")
    if not text:  # the editor starts with an example to edit
        chosen = questions.catalogue().get(example)
        text = chosen.render() if chosen else ""
    data = {"query": text, "example": example, "examples": examples, "result": None, "error": None, "downloads": None}
    if not text.strip() or "query" not in args:
        return data, 200
    try:
        reply = tables.run(text, accept=ACCEPT)
    except PoolError as exc:
        return {**data, "error": exc.message}, exc.status
    if reply.status != 200:
        return {**data, "error": reply.body.decode("utf-8", "replace")}, reply.status
    if reply.content_type.startswith(RESULTS_JSON):
        data["result"] = {"kind": "table", **tables.read_results(reply.body).as_json()}
        data["downloads"] = downloads(text)
    else:
        data["result"] = {"kind": "graph", "turtle": reply.body.decode("utf-8"), "truncated": reply.truncated}
        data["downloads"] = downloads(text, ("turtle", "json-ld"))
    return data, 200
