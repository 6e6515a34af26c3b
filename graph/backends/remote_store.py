"""DPA Graph's store on a SPARQL endpoint: `DPAStore`'s logic over `RemoteDataset`.

What differs from the embedded store, and why:
* A document's graph is uploaded with the Graph Store Protocol into a staging graph
  (`…/id/staging/<stem>`) and then swapped in by ONE SPARQL update (`DROP` of its stale validation
  results + `MOVE` staging → document graph). A broken or cut upload never touches the live graph,
  and on servers that run an update request in one transaction (Oxigraph, Fuseki/TDB2, GraphDB,
  Neptune) readers see the old version or the new one, never half. A plain GSP PUT gives neither
  guarantee everywhere (the Oxigraph server clears the graph and loads it in two steps). Without
  GSP the whole replacement is the same single update as in the embedded store.
* Validation reads each finding's passages by many index lookups; on an endpoint each would be a
  request. `working_copy()` fetches a batch's document graphs into an in-memory Oxigraph store
  (with the reference data) and the validation engine runs there unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from graph.backends.endpoint import Endpoint
from graph.backends.remote import RemoteDataset
from graph.build import ID, graph_iri
from graph.store import DPAStore, ntriples

_GRAPHS = f"{ID}graph/"
_STAGING = f"{ID}staging/"


def staging_iri(graph: str) -> str:
    """Where a graph's new version waits for the swap; outside `…/id/graph/`, so it is never taken
    for a document."""
    return _STAGING + graph.removeprefix(_GRAPHS)


class RemoteStore(DPAStore):
    def __init__(self, endpoint: Endpoint, *, reference: bool = True, ontology: Path | None = None):
        """Connect (one cheap query: an unreachable URL fails here, with its message) and load the
        reference data when the server's copy is missing or out of date."""
        self.endpoint = endpoint
        super().__init__(None, reference=reference, ontology=ontology)

    def _connect(self) -> RemoteDataset:
        dataset = RemoteDataset(self.endpoint)
        dataset.check()
        return dataset

    @property
    def remote(self) -> RemoteDataset:
        return self.store  # type: ignore[return-value]

    def working_copy(self) -> LocalCopy:
        return LocalCopy(self.remote, self.ontology)

    def _replace(self, g: URIRef, triples, stale: URIRef | None = None) -> None:
        if self.endpoint.gsp_url is None:
            super()._replace(g, triples, stale)
            return
        staging = ox.NamedNode(staging_iri(str(g)))
        self.remote.client.gsp_put(staging.value, ntriples(triples).encode("utf-8"))
        drop = f"DROP SILENT GRAPH {ox.NamedNode(str(stale))} ;\n" if stale is not None else ""
        self.remote.update(f"{drop}MOVE {staging} TO {ox.NamedNode(str(g))}")


class LocalCopy:
    """Document graphs of an endpoint, fetched into an in-memory Oxigraph store that also holds the
    reference data (for labels); `release` drops them again, so memory stays at a few batches."""

    def __init__(self, remote: RemoteDataset, ontology: Path):
        self.remote = remote
        self.scratch = DPAStore(None, ontology=ontology)
        self.loaded: set[str] = set()

    def load(self, stems: list[str]) -> ox.Store:
        for stem in stems:
            if stem not in self.loaded:
                name = ox.NamedNode(str(graph_iri(stem)))
                triples = self.remote.graph_triples(name)
                self.scratch.store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
                self.loaded.add(stem)
        return self.scratch.store

    def release(self, stems: list[str]) -> None:
        for stem in stems:
            if stem in self.loaded:
                self.scratch.store.remove_graph(ox.NamedNode(str(graph_iri(stem))))
                self.loaded.discard(stem)
