"""One query, from protocol request to response bytes: inspect, choose the format, check the
dataset, run on Oxigraph, serialise. Runs inside a worker process (service/worker.py), so the
whole of it, the rdflib parse included, is under the query timeout and never blocks the web
server; the messages and types here are plain data that cross the process boundary. The store is
an Oxigraph store or a SPARQL endpoint behind the same API (graph/backends/remote.py): the query
is inspected (and refused) before anything is sent to either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.backends.client import EndpointError
from graph.backends.remote import RemoteDataset
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


Store = ox.Store | RemoteDataset


def execute(store: Store, request: QueryRequest | GraphListRequest, prefixes: Mapping[str, str]) -> Reply:
    try:
        if isinstance(request, GraphListRequest):
            names = (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            return Reply(graphs=tuple(sorted(names)))
        return _query(store, request, prefixes)
    except Refusal as refusal:
        return Reply.refusal(refusal)
    except EndpointError as exc:  # the remote store's own refusal (400) or failure (502)
        return Reply(status=400 if exc.status == 400 else 502, body=str(exc).encode("utf-8"))


def _query(store: Store, request: QueryRequest, prefixes: Mapping[str, str]) -> Reply:
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
        # Stated as the protocol's dataset, which means the same: a server whose default graph is
        # the union may ignore FROM (`oxigraph serve --union-default-graph` does), never the protocol.
        dataset = {
            "default_graph": [ox.NamedNode(iri) for iri in inspected.from_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in inspected.from_named_graphs],
        }
    else:
        dataset = {"use_default_graph_as_union": True}
    if isinstance(store, RemoteDataset):  # read no more of a remote graph result than is sent on
        dataset["max_triples"] = request.max_rows + 1
    try:
        result = store.query(inspected.text, prefixes=dict(prefixes), **dataset)
        serialized = results.serialize(result, fmt, request.max_rows, prefixes)
    except SyntaxError as exc:  # rdflib explains it better, with a caret, if it too finds it malformed
        explained = explain_syntax_error(inspected.text, prefixes)
        raise explained or Refusal(
            "malformed query " + _OXIGRAPH_POSITION.sub(r"at line \1, column \2: ", str(exc))
        ) from None
    return Reply(body=serialized.body, content_type=fmt.content_type, truncated=serialized.truncated)


def _require_graph(store: Store, iri: str, where: str) -> None:
    try:
        name = ox.NamedNode(iri)
    except ValueError as exc:
        raise Refusal(f"{where} <{iri}> is not a valid IRI: {exc}") from None
    if not store.contains_named_graph(name):
        raise Refusal(
            f"{where} <{iri}> names no graph of this store; nothing is ever loaded from elsewhere "
            "(GET /sparql without a query lists the graphs)"
        )
