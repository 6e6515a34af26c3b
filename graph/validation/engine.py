"""Run the completeness shapes over the validation views of a batch of documents.

Why batches: pyshacl has a fixed cost per call (target selection, report building) that is larger
than the cost of checking one small document, so documents are validated a hundred at a time.
That is still per-document validation: every shape judges one document's node (the agreement or an
entry) by that document's triples and the reference data; a shape that starts at a reference
concept (the US, DPF) only uses it to find the entries that name it. No shape follows a shared
organisation node, so a document's findings do not depend on its batch. A test checks exactly that.

Why derivations first: the date-dependent rules (D02, D05, D10) need comparisons SHACL Core cannot
express. Their SHACL-AF SPARQL rules run once per batch here, and the constraints stay Core, which
pyshacl evaluates ~30× faster than SHACL-SPARQL constraints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyshacl
from rdflib import RDF, Graph, Literal, URIRef

from graph.build import ID
from graph.validation.rules import SH, RuleSet

_DOCUMENTS = ID + "doc/"


@dataclass(frozen=True)
class RawResult:
    """One shape failure as pyshacl reports it, attributed to its rule."""

    rule: str
    focus: str  # IRI
    value: str | None = None  # IRI or lexical form of sh:value
    value_is_iri: bool = False


def check(view: Graph, ruleset: RuleSet, reference: Graph, derived: Iterable[tuple] | None = None) -> list[RawResult]:
    """Validate `view` (document triples, possibly of many documents) against the rules.

    `derived` are the triples of the SHACL-AF rules when the caller computed them already (on
    Oxigraph, ten times faster); otherwise rdflib runs the rules here. `view` is modified in place:
    reference and derived triples are added to it.
    """
    view += reference
    if derived is None:
        derived = [t for derivation in ruleset.derivations for t in view.query(derivation.query)]
    for triple in list(derived):
        view.add(triple)
    _, report, _ = pyshacl.validate(
        view,
        shacl_graph=ruleset.shapes,
        inference="none",
        inplace=True,
        allow_infos=True,
        allow_warnings=True,
    )
    return _results(report, ruleset)


def _results(report: Graph, ruleset: RuleSet) -> list[RawResult]:
    seen: set[tuple[str, str, str | None]] = set()
    out: list[RawResult] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        rule = ruleset.owner.get(report.value(result, SH.sourceShape))
        focus = report.value(result, SH.focusNode)
        if rule is None or not isinstance(focus, URIRef):
            continue
        value = report.value(result, SH.value)
        if not str(focus).startswith(_DOCUMENTS) and isinstance(value, URIRef) and str(value).startswith(_DOCUMENTS):
            focus, value = value, None  # a rule that starts at a reference concept: the finding is the entry's
        if value == focus or (isinstance(value, Literal) and value.datatype is not None and value.value is True):
            value = None  # the focus itself, or the `true` of a flag: nothing to name
        lexical = str(value) if value is not None else None
        key = (rule, str(focus), lexical)
        if key in seen:
            continue
        seen.add(key)
        out.append(RawResult(rule, str(focus), lexical, isinstance(value, URIRef)))
    return sorted(out, key=lambda r: (r.focus, r.rule, r.value or ""))
