"""One query, from protocol request to response bytes: inspect, choose the format, check the
dataset, run on Oxigraph, serialise. Runs inside a worker process (service/worker.py), so the
whole of it, the rdflib parse included, is under the query timeout and never blocks the web
server; the messages and types here are plain data that cross the process boundary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from service import formats, results
from service.safety import Refusal, check_graph_name, explain_syntax_error, inspect_query

_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")


@dataclass(frozen=True)
class QueryRequest:
    """A SPARQL Protocol query operation, as received."""

    query: str
    max_rows: int
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # values of format= / output= / results=
    accept: str | None = None


@dataclass(frozen=True)
class GraphListRequest:
    """The names of the store's named graphs (for the service description)."""


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    truncated: bool = False
    graphs: tuple[str, ...] = ()

    @classmethod
    def refusal(cls, refusal: Refusal) -> Reply:
        return cls(status=refusal.status, body=refusal.message.encode("utf-8"))


def execute(store: ox.Store, request: QueryRequest | GraphListRequest, prefixes: Mapping[str, str]) -> Reply:
    if isinstance(request, GraphListRequest):
        names = (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        return Reply(graphs=tuple(sorted(names)))
    try:
        return _query(store, request, prefixes)
    except Refusal as refusal:
        return Reply.refusal(refusal)


def _query(store: ox.Store, request: QueryRequest, prefixes: Mapping[str, str]) -> Reply:
    inspected = inspect_query(request.query, prefixes)
    fmt = formats.choose(inspected.kind, request.formats, request.accept)
    named = [
        *(("default-graph-uri", iri) for iri in request.default_graph_uris),
        *(("named-graph-uri", iri) for iri in request.named_graph_uris),
        *(("FROM", iri) for iri in inspected.from_graphs),
        *(("FROM NAMED", iri) for iri in inspected.from_named_graphs),
    ]
    for where, iri in named:
        _require_graph(store, check_graph_name(iri, where), where)
    if request.default_graph_uris or request.named_graph_uris:  # the protocol's dataset wins over FROM
        dataset = {
            "default_graph": [ox.NamedNode(iri) for iri in request.default_graph_uris],
            "named_graphs": [ox.NamedNode(iri) for iri in request.named_graph_uris],
        }
    elif inspected.from_graphs or inspected.from_named_graphs:
        dataset = {}  # Oxigraph takes the dataset from FROM / FROM NAMED, graphs of the store only
    else:
        dataset = {"use_default_graph_as_union": True}
    try:
        result = store.query(inspected.text, prefixes=dict(prefixes), **dataset)
        serialized = results.serialize(result, fmt, request.max_rows, prefixes)
    except SyntaxError as exc:  # rdflib explains it better, with a caret, if it too finds it malformed
        explained = explain_syntax_error(inspected.text, prefixes)
        raise explained or Refusal(
            "malformed query " + _OXIGRAPH_POSITION.sub(r"at line \1, column \2: ", str(exc))
        ) from None
    return Reply(body=serialized.body, content_type=fmt.content_type, truncated=serialized.truncated)


def _require_graph(store: ox.Store, iri: str, where: str) -> None:
    try:
        name = ox.NamedNode(iri)
    except ValueError as exc:
        raise Refusal(f"{where} <{iri}> is not a valid IRI: {exc}") from None
    if not store.contains_named_graph(name):
        raise Refusal(
            f"{where} <{iri}> names no graph of this store; nothing is ever loaded from elsewhere "
            "(GET /sparql without a query lists the graphs)"
        )
