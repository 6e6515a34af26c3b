"""Query results as bytes in the chosen format, cut at the row limit, and saying so when cut.

pyoxigraph serialises a whole result iterator, so a capped result cannot be handed to it directly.
The first `max_rows` solutions are written as SPARQL TSV here (terms in N-Triples syntax, which is
what the TSV format asks for and what pyoxigraph's terms print as) and, for the other formats,
read back by pyoxigraph's own parser and written by its serialiser: JSON, XML and CSV are
pyoxigraph's; TSV is this module's. A cut SPARQL JSON result carries the extra top-level member
`"dpagraph": {"truncated": true, "maxRows": N}` (the JSON results format allows extra members);
every cut response also has the headers set by the HTTP layer from `Serialized.truncated`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from service.formats import ResultFormat

TRUNCATION_MEMBER = "dpagraph"
_RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV}
_GRAPHS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Serialized:
    body: bytes
    truncated: bool = False


def serialize(result, fmt: ResultFormat, max_rows: int, prefixes: Mapping[str, str]) -> Serialized:
    """Any pyoxigraph query result (solutions, boolean or triples) in `fmt`."""
    if isinstance(result, ox.QueryBoolean):
        target = ox.QueryResultsFormat.TSV if fmt.name == "tsv" else _RESULTS[fmt.name]
        return Serialized(result.serialize(format=target))  # CSV/TSV define no boolean: pyoxigraph's choice
    if isinstance(result, ox.QueryTriples):
        return _triples(result, fmt, max_rows, prefixes)
    return _solutions(result, fmt, max_rows)


def tsv(variables: list[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 TSV: `?var` headers, terms in N-Triples syntax (tabs and newlines in literals
    escaped by the term syntax), an unbound value as an empty field."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if term is None else _term(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _term(term) -> str:
    """N-Triples syntax; a triple term (RDF 1.2) prints without its `<<( … )>>`, so add them."""
    if isinstance(term, ox.Triple):
        return f"<<( {_term(term.subject)} {_term(term.predicate)} {_term(term.object)} )>>"
    return str(term)


def _solutions(result: ox.QuerySolutions, fmt: ResultFormat, max_rows: int) -> Serialized:
    variables = [v.value for v in result.variables]
    rows = list(itertools.islice(result, max_rows + 1))
    truncated = len(rows) > max_rows
    body = tsv(variables, rows[:max_rows])
    if fmt.name != "tsv":
        body = ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(format=_RESULTS[fmt.name])
    if truncated and fmt.name == "json":
        document = json.loads(body)
        document[TRUNCATION_MEMBER] = {"truncated": True, "maxRows": max_rows}
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Serialized(body, truncated)


def _triples(result: ox.QueryTriples, fmt: ResultFormat, max_rows: int, prefixes: Mapping[str, str]) -> Serialized:
    triples = list(itertools.islice(result, max_rows + 1))
    return Serialized(graph(triples[:max_rows], fmt, prefixes), len(triples) > max_rows)


def graph(triples: Iterable[ox.Triple], fmt: ResultFormat, prefixes: Mapping[str, str]) -> bytes:
    """Triples in an RDF format (prefixes are used where the format has them)."""
    return ox.serialize(triples, format=_GRAPHS[fmt.name], prefixes=dict(prefixes))
