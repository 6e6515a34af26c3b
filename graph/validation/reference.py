"""The reference data the shapes read beside each document: adequacy decisions, lapse dates of
transfer mechanisms, the Art. 9 branch of the data-category scheme, and the evaluation date.

Only these few hundred triples go into every validation batch, not the whole ontology: pyshacl's
cost grows with the data graph, and no rule needs more.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDFS, SKOS, XSD, Graph, Literal, URIRef

from graph.build import DPAG, ID, ONTOLOGY_DIR

ADEQUACY_FILE = ONTOLOGY_DIR / "reference" / "adequacy.ttl"
MECHANISMS_FILE = ONTOLOGY_DIR / "vocab" / "transfer-mechanisms.ttl"
CATEGORIES_FILE = ONTOLOGY_DIR / "vocab" / "data-categories.ttl"
CONTEXT = URIRef(ID + "validation/context")
SPECIAL_CATEGORIES = URIRef("https://w3id.org/dpagraph/vocab/data-categories#SpecialCategoryData")
_DATE_PROPERTIES = (DPAG.validFrom, DPAG.validUntil, DPAG.invalidSince)


@dataclass(frozen=True)
class Reference:
    graph: Graph  # reference triples, without the evaluation date
    fingerprint: str  # sha256 of the files it came from
    boundaries: tuple[str, ...]  # every date at which a reference fact starts or stops, sorted

    def epoch(self, today: datetime.date) -> int:
        """How many reference dates have passed by `today`. Results for undated documents change
        only when this number does, so it (not the date itself) goes into cache keys."""
        iso = today.isoformat()
        return sum(1 for d in self.boundaries if d <= iso)

    def with_date(self, today: datetime.date) -> Graph:
        """The reference graph plus the evaluation date undated documents are judged at."""
        g = Graph()
        g += self.graph
        g.add((CONTEXT, DPAG.evaluationDate, Literal(today.isoformat(), datatype=XSD.date)))
        return g


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    files = (ADEQUACY_FILE, MECHANISMS_FILE, CATEGORIES_FILE)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    g = Graph()
    g.parse(ADEQUACY_FILE, format="turtle")
    g += _selected(MECHANISMS_FILE, lambda s, p, o, src: p in (DPAG.invalidSince, SKOS.prefLabel))
    g += _selected(CATEGORIES_FILE, lambda s, p, o, src: p == SKOS.broader and o == SPECIAL_CATEGORIES)
    boundaries = sorted({str(o) for p in _DATE_PROPERTIES for o in g.objects(None, p)})
    return Reference(graph=g, fingerprint=digest.hexdigest(), boundaries=tuple(boundaries))


def _selected(path: Path, keep) -> Graph:
    src = Graph().parse(path, format="turtle")
    out = Graph()
    for s, p, o in src:
        if keep(s, p, o, src):
            out.add((s, p, o))
    return out


def labels(reference: Reference) -> dict[str, dict[str, str]]:
    """IRI → {lang: label} for the reference nodes a message may name (mechanisms, decisions)."""
    out: dict[str, dict[str, str]] = {}
    for prop in (SKOS.prefLabel, RDFS.label):
        for s, o in reference.graph.subject_objects(prop):
            if isinstance(o, Literal) and o.language:
                out.setdefault(str(s), {}).setdefault(o.language, str(o))
    return out
