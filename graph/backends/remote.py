"""A SPARQL endpoint with the part of `pyoxigraph.Store`'s API that DPA Graph uses.

`DPAStore`, the validation and the web service's worker all talk to an Oxigraph store through
`query`, `update`, `extend`, `quads_for_pattern`, `named_graphs`, `contains_named_graph` and
`len()`. `RemoteDataset` offers the same calls over HTTP and returns pyoxigraph's own result types
(parsed from what the server sends), so the same code runs on either backend and the results are
re-serialised, capped and marked as truncated exactly as for the embedded store.

The default graph. Oxigraph is asked for "the union of all graphs" per query; servers differ
(`Endpoint.union`, `auto` finds out on first use, docs/external-store.md):
* `native`: the server's default graph already is the union (Virtuoso, GraphDB, Neptune; Fuseki
  with `unionDefaultGraph`; `oxigraph serve --union-default-graph`);
* `oxigraph`: the Oxigraph server's `union-default-graph` request parameter;
* `dataset`: portable SPARQL 1.1 Protocol: every named graph is listed as `default-graph-uri` and
  `named-graph-uri` (one extra request per query, and a request body that grows with the store).
A query that does not ask for the union gets the server's default dataset, which on a `native`
server is the union too; DPA Graph writes nothing to the plain default graph, so that only matters
to queries that expect to see nothing.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from graph.backends.client import EndpointError, SparqlClient
from graph.backends.endpoint import Endpoint

UNION_PARAMETER = ("union-default-graph", "true")  # Oxigraph server
INSERT_CHUNK = 20_000  # triples per INSERT DATA request: a few MB of text
_ANY = ox.Variable


class RemoteDataset:
    """An endpoint store seen through pyoxigraph's Store API (the subset DPA Graph uses)."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self.client = SparqlClient(endpoint)
        self._union: str | None = None if endpoint.union == "auto" else endpoint.union

    def check(self) -> None:
        """One cheap query, so an unreachable or wrong URL fails now with its own message."""
        result = self.query("ASK { }")
        if not isinstance(result, ox.QueryBoolean):
            raise EndpointError(self.endpoint.query_url, "did not answer ASK with a boolean: is it a SPARQL endpoint?")

    # reading -------------------------------------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: ox.NamedNode | Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        max_triples: int | None = None,
    ):
        """Like `ox.Store.query`: QuerySolutions (streamed from the response), QueryBoolean or
        QueryTriples. `max_triples`: read at most this many triples of a CONSTRUCT/DESCRIBE result
        (the web service asks for one more than its cap, so a cut result is still seen as cut)."""
        text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items()) + query
        if default_graph is not None or named_graphs is not None:
            parameters = self._explicit_dataset(default_graph, named_graphs)
        elif use_default_graph_as_union:
            parameters = self._union_parameters()
        else:
            parameters = []
        return _result(self.client.query(text, parameters), self.endpoint.query_url, max_triples)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> list[ox.Quad]:
        """Quads of the named graphs matching the pattern (blank nodes cannot be looked up remotely:
        their labels are local to one response). A whole graph is fetched with the Graph Store
        Protocol where there is one."""
        if any(isinstance(t, ox.BlankNode) for t in (subject, predicate, object, graph_name)):
            raise ValueError("a remote store cannot look up blank nodes")
        if isinstance(graph_name, ox.NamedNode) and subject is predicate is object is None:
            return [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in self.graph_triples(graph_name)]
        s, p, o, g = (
            t if t is not None else _ANY(name)
            for t, name in zip((subject, predicate, object, graph_name), "spog", strict=True)
        )
        rows = self.query(f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}")
        return [
            ox.Quad(*(row[t.value] if isinstance(t, ox.Variable) else t for t in (s, p, o, g)))  # type: ignore[arg-type]
            for row in rows
        ]

    def graph_triples(self, graph: ox.NamedNode) -> list[ox.Triple]:
        """Every triple of one named graph (empty when there is no such graph)."""
        if self.endpoint.gsp_url:
            got = self.client.gsp_get(graph.value)
            if got is None:
                return []
            media_type, body = got
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
            return [q.triple for q in ox.parse(body, format=rdf_format)]
        return list(self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> list[ox.NamedNode]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return [row["g"] for row in rows if isinstance(row["g"], ox.NamedNode)]

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def __len__(self) -> int:
        """Quads in the named graphs (DPA Graph keeps nothing in the plain default graph)."""
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0]["n"].value) if rows else 0

    # writing -------------------------------------------------------------------------------------

    def update(self, update: str) -> None:
        self.client.update(update)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads with INSERT DATA, up to INSERT_CHUNK triples per request (each request is one
        transaction on servers that have them)."""
        remaining = iter(quads)
        while chunk := list(itertools.islice(remaining, INSERT_CHUNK)):
            by_graph: dict[str, list[str]] = defaultdict(list)
            for q in chunk:
                by_graph[str(q.graph_name)].append(f"{q.subject} {q.predicate} {q.object} .")
            blocks = (
                "\n".join(lines)
                if graph == str(ox.DefaultGraph())
                else f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}"
                for graph, lines in by_graph.items()
            )
            self.update("INSERT DATA {\n" + "\n".join(blocks) + "\n}")

    def flush(self) -> None:
        """Nothing to flush: the server persists each request."""

    # the dataset of a query ----------------------------------------------------------------------

    def _explicit_dataset(self, default_graph, named_graphs) -> list[tuple[str, str]]:
        """pyoxigraph's semantics: without `named_graphs`, every named graph stays available."""
        if isinstance(default_graph, ox.NamedNode):
            default_graph = [default_graph]
        named = self.named_graphs() if named_graphs is None else named_graphs
        return [("default-graph-uri", g.value) for g in default_graph or ()] + [
            ("named-graph-uri", g.value) for g in named
        ]

    @property
    def union(self) -> str:
        """How this server's default graph becomes the union (worked out on first use for `auto`;
        `dataset`, the portable way, while the store is empty and there is nothing to tell by)."""
        if self._union is None:
            self._union = self._detect_union()
        return self._union or "dataset"

    def _union_parameters(self) -> list[tuple[str, str]]:
        mode = self.union
        if mode == "native":
            return []
        if mode == "oxigraph":
            return [UNION_PARAMETER]
        graphs = [g.value for g in self.named_graphs()]
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def _detect_union(self) -> str | None:
        """Take one triple of some named graph and see how it can be found without GRAPH. None when
        the store has no data yet (then any answer is right)."""
        rows = list(
            self.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER (isIRI(?s) && !isBlank(?o)) } } LIMIT 1")
        )
        if not rows:
            return None
        probe = f"ASK {{ {rows[0]['s']} {rows[0]['p']} {rows[0]['o']} }}"
        if bool(_result(self.client.query(probe), self.endpoint.query_url, None)):
            return "native"
        try:
            if bool(_result(self.client.query(probe, [UNION_PARAMETER]), self.endpoint.query_url, None)):
                return "oxigraph"
        except EndpointError:  # a server that rejects parameters it does not know
            pass
        return "dataset"


def _result(response, url: str, max_triples: int | None):
    """The response as a pyoxigraph result: solutions and booleans parsed as a stream, triples
    loaded into a scratch store (the only way to make a genuine `QueryTriples`)."""
    media_type = response.headers.get_content_type()
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    if results_format is not None:
        return ox.parse_query_results(response, results_format)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        response.close()
        raise EndpointError(url, f"answered with {media_type}, which is neither SPARQL results nor RDF")
    with response:
        triples = itertools.islice(ox.parse(response, format=rdf_format), max_triples)
        scratch = ox.Store()
        scratch.extend(ox.Quad(q.subject, q.predicate, q.object) for q in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
