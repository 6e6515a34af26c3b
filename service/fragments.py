"""SPARQL pieces the page queries share, and the one way page queries take values from a request.

A value never becomes query text by string pasting: `values()` writes each one as an RDF term
serialised by Oxigraph (a literal is quoted and escaped, an IRI checked), in a `VALUES` clause. The
finished query still goes through the endpoint's inspection in the worker like any other, so a
value that would need an escape the inspector refuses is answered with that refusal.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.build import ID

SH = "http://www.w3.org/ns/shacl#"
ORG_PREFIX = f"{ID}org/"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")

# ?dpa is the agreement whose dcterms:identifier is ?document (bound with values(document=...)).
AGREEMENT = "?dpa a dpag:DataProcessingAgreement ; dcterms:identifier ?document ."
# ?vendor: the processor as written, else the document stem.
VENDOR = """OPTIONAL { ?dpa dpag:processorName ?processorName }
  BIND(COALESCE(?processorName, ?document) AS ?vendor)"""
# ?status: the stored validation status (dpagraph validate --store), else "not validated".
STATUS = """OPTIONAL { ?report dpag:validates ?dpa ; dpag:validationStatus ?validated }
  BIND(COALESCE(?validated, "not validated") AS ?status)"""


def label(term: str, out: str) -> str:
    """The English label of `term` (SKOS or RDFS) as `out`, left unbound when there is none. `term`
    must be bound where this stands: an OPTIONAL on an unbound term matches every labelled node."""
    return (
        f"OPTIONAL {{ {term} skos:prefLabel|rdfs:label {out} "
        f'FILTER(LANGMATCHES(LANG({out}), "en") || LANG({out}) = "") }}'
    )


# The quote (?quote) and character offsets (?start, ?end) of a bound ?evidence node. The offsets
# are nested in the quote's OPTIONAL: side by side, Oxigraph joins every oa:start with every oa:end
# of the store first (a hundred times slower on a few hundred documents).
QUOTE = """OPTIONAL { ?evidence oa:hasSelector ?quoteSelector . ?quoteSelector oa:exact ?quote
      OPTIONAL { ?evidence oa:hasSelector ?positionSelector . ?positionSelector oa:start ?start ; oa:end ?end } }"""


def evidence(holder: str) -> str:
    """The evidence of `holder` (its dpag:evidence) as ?evidence, ?quote, ?start and ?end, all
    unbound when it has none (`holder` must be bound, as for `label`)."""
    return f"OPTIONAL {{ {holder} dpag:evidence ?evidence .\n    {QUOTE} }}"


def literal(text: str) -> ox.Literal:
    """A plain literal of user text, control characters turned into spaces (no query needs them)."""
    return ox.Literal(_CONTROL.sub(" ", text))


def values(**terms: ox.Literal | ox.NamedNode) -> str:
    """`VALUES (?a ?b) { (term term) }`: one solution binding each name to its term."""
    names = " ".join(f"?{name}" for name in terms)
    row = " ".join(str(term) for term in terms.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def organisation_iri(slug: str) -> ox.NamedNode | None:
    """The organisation node of a page slug (`org/<slug>`), None when it is no valid IRI."""
    try:
        return ox.NamedNode(ORG_PREFIX + slug)
    except ValueError:
        return None


def organisation_slug(iri: str | None) -> str | None:
    """The page slug of an organisation IRI, None for anything else."""
    return iri.removeprefix(ORG_PREFIX) if iri and iri.startswith(ORG_PREFIX) else None
