"""The persistent graph: an embedded Oxigraph store, one named graph per document.

Why the API is what it is:
* `put(record, graph)` takes an already-built graph, so building (rdflib, pure) and storing
  (Oxigraph, I/O) are tested apart, and the store never needs the extractor.
* A document's graph is replaced with ONE SPARQL update (`DROP SILENT GRAPH` + `INSERT DATA`).
  Oxigraph runs an update request in one transaction, so readers see the old graph or the new one,
  never a document that is half there; a failure anywhere leaves the old graph untouched.
* The content hash and extractor version live inside the document's graph, so they are replaced in
  the same transaction as the facts and can never disagree with them.
* `query()` uses the union of all graphs as the default graph: questions are written once, without
  `GRAPH` clauses, and see every document plus the reference data (ontology, vocabularies).
* Queries run on Oxigraph, not rdflib: rdflib's SPARQL engine is 15–100× slower on this data.
* The same class runs on a SPARQL endpoint (`open_store(URL)`, graph/backends/): everything here
  talks to `self.store` through the pyoxigraph Store calls that graph/backends/remote.py also
  offers, so the directory backend keeps its exact code path and speed.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.build import DPAG, ID, ONTOLOGY_DIR, PREFIXES, REFERENCE_GRAPH, doc_iri, graph_iri, validation_graph_iri
from graph.model import ExtractionRecord

if TYPE_CHECKING:
    from graph.backends.endpoint import Endpoint
    from graph.backends.remote import RemoteDataset

_DOC_GRAPH_PREFIX = f"{ID}graph/"
_REFERENCE = str(REFERENCE_GRAPH)
_DOCUMENT_FIELDS = (  # the identifier first: it is what makes a node a document
    ("stem", ox.NamedNode(str(DCTERMS.identifier))),
    ("hash", ox.NamedNode(str(DPAG.contentHash))),
    ("version", ox.NamedNode(str(DPAG.extractorVersion))),
    ("processor", ox.NamedNode(str(DPAG.processorName))),
    ("file", ox.NamedNode(str(DPAG.sourceFile))),
)


@dataclass(frozen=True)
class PutResult:
    status: str  # "ingested" | "replaced" | "unchanged"
    message: str


@dataclass(frozen=True)
class PreparedGraph:
    """A document's graph built in another process (an ingest worker), shipped as N-Triples text:
    cheaper to send and to load than an rdflib graph."""

    stem: str
    sha256: str
    extractor_version: str
    ntriples: str
    triples: int


@dataclass(frozen=True)
class StoredDocument:
    stem: str
    sha256: str
    extractor_version: str
    processor: str | None
    source_file: str | None = None


class DPAStore:
    """Oxigraph persisted in a directory (`None`: in memory, for tests)."""

    def __init__(self, path: str | Path | None = None, *, reference: bool = True, ontology: Path | None = None):
        """Open (or create) the store; one process at a time (RocksDB holds a lock on the directory)."""
        self.path = Path(path) if path is not None else None
        self.ontology = Path(ontology) if ontology is not None else ONTOLOGY_DIR
        self._store: ox.Store | RemoteDataset | None = self._connect()
        self.reference_loaded = self.load_reference() if reference else False

    def _connect(self) -> ox.Store | RemoteDataset:
        if self.path is None:
            return ox.Store()
        self.path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(self.path))

    # lifecycle -----------------------------------------------------------------------------------

    @property
    def store(self) -> ox.Store:
        """The Oxigraph store (for a SPARQL endpoint: graph/backends/remote.py's stand-in for one)."""
        if self._store is None:
            raise RuntimeError("the store is closed")
        return self._store  # type: ignore[return-value]

    def working_copy(self) -> WorkingCopy:
        """Where code that reads graphs by many index lookups (the validation) finds documents."""
        return WorkingCopy(self.store)

    def close(self) -> None:
        """Flush to disk and release the directory lock (Oxigraph has no close(); dropping the
        last reference closes RocksDB)."""
        if self._store is not None:
            if self.path is not None:
                self._store.flush()
            self._store = None
            gc.collect()

    def __enter__(self) -> DPAStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # reference data ------------------------------------------------------------------------------

    def load_reference(self, force: bool = False) -> bool:
        """Load ontology/**/*.ttl into the reference graph when the files changed; True if loaded."""
        files = sorted(self.ontology.rglob("*.ttl"))
        digest = hashlib.sha256()
        for f in files:
            digest.update(str(f.relative_to(self.ontology)).encode() + b"\0" + f.read_bytes() + b"\0")
        fingerprint = digest.hexdigest()
        if not force and fingerprint == self._meta_value(REFERENCE_GRAPH, REFERENCE_GRAPH, DPAG.contentHash):
            return False
        stamp = [(REFERENCE_GRAPH, DPAG.contentHash, Literal(fingerprint))]
        self._replace(REFERENCE_GRAPH, itertools.chain(_reference_triples(self.ontology, files), stamp))
        return True

    # documents -----------------------------------------------------------------------------------

    def put(self, record: ExtractionRecord, graph: Graph, force: bool = False) -> PutResult:
        """Store one document's graph; skip when hash and extractor version are unchanged (unless forced)."""
        doc = doc_iri(record.document)
        if (doc, RDF.type, DPAG.DataProcessingAgreement) not in graph:
            raise ValueError(f"graph is not about document {record.document!r} ({doc})")
        version = str(graph.value(doc, DPAG.extractorVersion) or "unknown")
        old = self.document(record.document)
        # without a content hash nothing can be proven unchanged: replace
        if not force and record.sha256 and self.is_current(record.document, record.sha256, version):
            return PutResult("unchanged", "unchanged (same content hash and extractor version): nothing to do")
        self._replace(graph_iri(record.document), graph, stale=validation_graph_iri(record.document))
        if old is None:
            return PutResult("ingested", f"ingested ({len(graph)} triples)")
        return PutResult("replaced", f"replaced the previous version ({len(graph)} triples)")

    def put_prepared(self, docs: Iterable[PreparedGraph], force: bool = False) -> list[PutResult]:
        """Store several prepared documents in ONE transaction (one update request): each document
        ends up wholly old or wholly new, and a batch costs one commit instead of one per document."""
        results, operations = [], []
        for doc in docs:
            old = self.document(doc.stem)
            if not force and doc.sha256 and self.is_current(doc.stem, doc.sha256, doc.extractor_version):
                results.append(
                    PutResult("unchanged", "unchanged (same content hash and extractor version): nothing to do")
                )
                continue
            name, stale = graph_iri(doc.stem), validation_graph_iri(doc.stem)
            operations.append(self._replace_text(name, doc.ntriples, stale))
            status = "ingested" if old is None else "replaced"
            results.append(PutResult(status, f"{status} ({doc.triples} triples)"))
        if operations:
            self.store.update(" ;\n".join(operations))
        return results

    def is_current(self, stem: str, sha256: str, extractor_version: str) -> bool:
        """True when the stored document has this hash and extractor version (ingest can skip it)."""
        old = self.document(stem)
        return bool(sha256) and old is not None and old.sha256 == sha256 and old.extractor_version == extractor_version

    def remove(self, stem: str) -> bool:
        """Drop a document's graph; False when it was not there."""
        g = graph_iri(stem)
        if not self.store.contains_named_graph(ox.NamedNode(str(g))):
            return False
        self.store.update(f"DROP SILENT GRAPH <{g}> ; DROP SILENT GRAPH <{validation_graph_iri(stem)}>")
        return True

    def document(self, stem: str) -> StoredDocument | None:
        docs = self._documents(graph_iri(stem))
        return docs[0] if docs else None

    def summary(self, stem: str) -> dict:
        """Processor, number of sub-processors and of third-country ones, for one stored document."""
        g = graph_iri(stem)
        rows = list(
            self.store.query(
                f"""SELECT ?processor (COUNT(DISTINCT ?e) AS ?subs) (COUNT(DISTINCT ?t) AS ?third) WHERE {{
                    GRAPH <{g}> {{ ?doc a dpag:DataProcessingAgreement .
                      OPTIONAL {{ ?doc dpag:processorName ?processor }}
                      OPTIONAL {{ ?doc dpag:hasSubprocessorEngagement ?e
                                  OPTIONAL {{ ?e dpv:hasThirdCountry ?c BIND(?e AS ?t) }} }} }}
                }} GROUP BY ?processor""",
                prefixes=PREFIXES,
            )
        )
        if not rows:
            return {"processor": None, "subprocessors": 0, "third_country": 0}
        row = rows[0]
        return {
            "processor": row["processor"].value if row["processor"] else None,
            "subprocessors": int(row["subs"].value),
            "third_country": int(row["third"].value),
        }

    def documents(self) -> list[StoredDocument]:
        """Every stored document: stem, content hash, extractor version, processor as written."""
        return self._documents(None)

    def _documents(self, only: URIRef | None) -> list[StoredDocument]:
        """Read by predicate scans, not SPARQL: one `identifier` quad per document finds them all, and
        for 10,000 documents the scans take a tenth of the equivalent query with its OPTIONALs."""
        graph = ox.NamedNode(str(only)) if only is not None else None
        fields: dict[str, dict[str, str]] = {}  # document graph → field → value (one agreement per graph)
        for name, predicate in _DOCUMENT_FIELDS:
            for q in self.store.quads_for_pattern(None, predicate, None, graph):
                g = q.graph_name.value
                if name == "stem":
                    if g.startswith(_DOC_GRAPH_PREFIX) and g != _REFERENCE:
                        fields[g] = {"stem": q.object.value}
                elif g in fields:
                    fields[g].setdefault(name, q.object.value)
        return sorted(
            (
                StoredDocument(
                    stem=f["stem"],
                    sha256=f.get("hash", ""),
                    extractor_version=f.get("version", "unknown"),
                    processor=f.get("processor"),
                    source_file=f.get("file"),
                )
                for f in fields.values()
            ),
            key=lambda d: d.stem,
        )

    # queries -------------------------------------------------------------------------------------

    def query(self, sparql: str, default_union: bool = True):
        """Run a SPARQL query; the default graph is the union of all graphs unless told otherwise.

        Returns pyoxigraph's QuerySolutions (SELECT), QueryBoolean (ASK) or QueryTriples."""
        return self.store.query(sparql, use_default_graph_as_union=default_union, prefixes=PREFIXES)

    def stats(self) -> dict:
        """Counts for `dpagraph stats`: documents, organisations, engagements, triples, transfers."""

        def count(where: str) -> int:
            rows = list(self.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"))
            return int(rows[0]["n"].value)

        mechanisms = {
            row["code"].value: int(row["n"].value)
            for row in self.query(
                """SELECT ?code (COUNT(DISTINCT ?m) AS ?n) WHERE {
                     ?m a dpag:MechanismStatement ; dpag:mechanism ?mech .
                     BIND(STRAFTER(STR(?mech), "#") AS ?code) } GROUP BY ?code ORDER BY ?code"""
            )
        }
        return {
            "documents": count("?x a dpag:DataProcessingAgreement"),
            "organisations": count(f'?x a dpv:Organisation FILTER(STRSTARTS(STR(?x), "{ID}org/"))'),
            "engagements": count("?x a dpag:SubprocessorEngagement"),
            "third_country_engagements": count("?x a dpag:SubprocessorEngagement ; dpv:hasThirdCountry ?c"),
            "triples": len(self.store),
            "reference_triples": self._graph_size(REFERENCE_GRAPH),
            "mechanisms": mechanisms,
        }

    # internals -----------------------------------------------------------------------------------

    def _graph_size(self, g: URIRef) -> int:
        rows = list(self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"))
        return int(rows[0]["n"].value)

    def _meta_value(self, g: URIRef, s: URIRef, p: URIRef) -> str | None:
        rows = list(self.store.query(f"SELECT ?o WHERE {{ GRAPH <{g}> {{ <{s}> <{p}> ?o }} }} LIMIT 1"))
        return rows[0]["o"].value if rows else None

    def _replace(self, g: URIRef, triples: Iterable[tuple], stale: URIRef | None = None) -> None:
        """Replace a named graph in one transaction (one update request: drop + insert); `stale`
        names a graph computed from the old version (its validation results), dropped with it."""
        self.store.update(self._replace_update(g, triples, stale))

    @staticmethod
    def _replace_update(g: URIRef, triples: Iterable[tuple], stale: URIRef | None = None) -> str:
        """The update text; every term is escaped by Oxigraph's serializer, never by hand."""
        return DPAStore._replace_text(g, ntriples(triples), stale)

    @staticmethod
    def _replace_text(g: URIRef, body: str, stale: URIRef | None = None) -> str:
        """The update text for a graph given as N-Triples (written by `ntriples`)."""
        name = ox.NamedNode(str(g))
        drop = f"DROP SILENT GRAPH {ox.NamedNode(str(stale))} ;\n" if stale is not None else ""
        return f"{drop}DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}\n}} }}"


@dataclass(frozen=True)
class WorkingCopy:
    """The embedded store is its own working copy: nothing to fetch, nothing to release (a SPARQL
    endpoint's copies documents into memory, graph/backends/remote_store.py)."""

    store: ox.Store

    def load(self, stems: list[str]) -> ox.Store:
        return self.store

    def release(self, stems: list[str]) -> None:
        """Nothing to do: the documents live here."""


def open_store(location: str | Path | Endpoint, *, reference: bool = True) -> DPAStore:
    """A directory (created when missing) or a SPARQL endpoint URL (graph/backends/endpoint.py)."""
    from graph.backends.endpoint import endpoint, is_endpoint

    if is_endpoint(location):
        from graph.backends.remote_store import RemoteStore

        return RemoteStore(location if not isinstance(location, str) else endpoint(location), reference=reference)
    return DPAStore(location, reference=reference)


def ntriples(triples: Iterable[tuple]) -> str:
    """rdflib triples as N-Triples lines (blank nodes consistent within the call)."""
    bnodes: dict[BNode, ox.BlankNode] = {}
    # a graph repeats its predicates, types and subjects on many lines: escape each term once
    written: dict = {}

    def term(t) -> str:
        text = written.get(t)
        if text is None:
            text = written[t] = nt_term(t, bnodes)
        return text

    return "\n".join(f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples)


def nt_term(term, bnodes: dict) -> str:
    """An rdflib term in N-Triples/SPARQL syntax, escaped by Oxigraph's own serializer."""
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, BNode):
        return str(bnodes.setdefault(term, ox.BlankNode()))
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    raise TypeError(f"cannot store RDF term {term!r}")


def _reference_triples(root: Path, files: list[Path]) -> Iterable[tuple]:
    """For the project's ontology, the vocabulary's graph (parsed once per process and shared with
    the extractor); for any other directory, or without graph.vocab, the files parsed here."""
    g = None
    if root.resolve() == ONTOLOGY_DIR.resolve():
        try:
            from graph.vocab import vocabulary

            g = getattr(vocabulary(), "graph", None)
        except ImportError:
            g = None
    if not isinstance(g, Graph):
        g = Graph()
        for f in files:
            g.parse(f, format="turtle")
    return g.triples((None, None, None))
