"""Which result formats exist, and which one a request gets.

SELECT/ASK answer in SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE (and the service
description) in Turtle, N-Triples, JSON-LD or RDF/XML. A request picks one with `format=`,
`output=` or `results=` (what SPARQLWrapper and browsers send: a short name such as `json`,
`csv`, `json-ld`, or a media type) and otherwise with the Accept header. An explicit choice that
does not fit the query form, or an Accept header that allows none of the formats, is answered
with 406 rather than with a format the client did not ask for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from service.safety import Refusal

FORMAT_PARAMETERS = ("format", "output", "results")
FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class ResultFormat:
    name: str
    kind: str  # "results" (SELECT/ASK) | "graph" (CONSTRUCT/DESCRIBE)
    media_type: str  # sent as Content-Type
    names: tuple[str, ...]  # what format=/output= may say, besides the media types
    also_accepted: tuple[str, ...]  # other media types that select it
    iri: str  # W3C "Unique URIs for file formats", for the service description

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"  # every format here is UTF-8 text

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also_accepted)


# The first format of each kind is the default.
FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        "json",
        "results",
        "application/sparql-results+json",
        ("json", "srj"),
        ("application/json",),
        FORMATS_NS + "SPARQL_Results_JSON",
    ),
    ResultFormat(
        "xml",
        "results",
        "application/sparql-results+xml",
        ("xml", "srx"),
        ("application/xml", "text/xml"),
        FORMATS_NS + "SPARQL_Results_XML",
    ),
    ResultFormat("csv", "results", "text/csv", ("csv",), (), FORMATS_NS + "SPARQL_Results_CSV"),
    ResultFormat("tsv", "results", "text/tab-separated-values", ("tsv",), (), FORMATS_NS + "SPARQL_Results_TSV"),
    ResultFormat(
        "turtle",
        "graph",
        "text/turtle",
        ("turtle", "ttl", "n3"),  # Turtle is valid N3: SPARQLWrapper's N3 is served as Turtle
        ("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
        FORMATS_NS + "Turtle",
    ),
    ResultFormat(
        "ntriples",
        "graph",
        "application/n-triples",
        ("nt", "ntriples", "n-triples"),
        (),
        FORMATS_NS + "N-Triples",
    ),
    ResultFormat(
        "jsonld",
        "graph",
        "application/ld+json",
        ("json-ld", "jsonld", "json"),
        ("application/x-json+ld", "application/json"),
        FORMATS_NS + "JSON-LD",
    ),
    ResultFormat(
        "rdfxml",
        "graph",
        "application/rdf+xml",
        ("rdf+xml", "rdfxml", "rdf", "xml"),
        ("application/xml", "text/xml"),
        FORMATS_NS + "RDF_XML",
    ),
)


def formats_of(kind: str) -> tuple[ResultFormat, ...]:
    return tuple(f for f in FORMATS if f.kind == kind)


def by_name(name: str) -> ResultFormat:
    return next(f for f in FORMATS if f.name == name)


def choose(kind: str, requested: Iterable[str], accept: str | None) -> ResultFormat:
    """The format for a query of this kind: the first usable `format`/`output`/`results` value,
    else the best match for the Accept header, else the default; Refusal(406) when nothing fits."""
    offered = formats_of(kind)
    requested = [v for value in requested for v in value.split(",") if v.strip()]
    for value in requested:
        token = value.split(";")[0].strip().lower()
        for fmt in offered:
            if token in fmt.names or token in fmt.media_types():
                return fmt
    if requested:
        raise Refusal(f"format {', '.join(requested)!r} is not available here; {_menu(kind)}", status=406)
    parsed = parse_accept_header(accept or "", MIMEAccept)
    if not parsed:
        return offered[0]
    media_type = parsed.best_match([m for fmt in offered for m in fmt.media_types()])
    if media_type is None:
        raise Refusal(f"none of the formats in the Accept header is available here; {_menu(kind)}", status=406)
    return next(fmt for fmt in offered if media_type in fmt.media_types())


def _menu(kind: str) -> str:
    what = "SELECT and ASK answer" if kind == "results" else "CONSTRUCT and DESCRIBE answer"
    listed = ", ".join(f"{f.names[0]} ({f.media_type})" for f in formats_of(kind))
    return f"{what} in {listed}"
