"""Raw shape failures → findings a person can act on: the sub-processor's name, the country, the
date judged at, and the passage of the document the finding concerns (quote, offsets, line).

Everything is read from the Oxigraph store that holds the documents' full graphs (the persistent
store, or an in-memory one in `validate PATH…`), by direct index lookups of the nodes concerned.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.build import DPAG, DPV, LOC, OA, PREFIXES, clause_iri, doc_iri, fact_iri, graph_iri
from graph.validation.engine import RawResult
from graph.validation.findings import Evidence, Finding
from graph.validation.rules import RuleSet

_NEWLINE = re.compile("\n")
_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_LABELS = """
SELECT ?node ?label WHERE { VALUES ?node { %s } ?node skos:prefLabel|rdfs:label ?label }"""
_REQUIREMENTS = "https://w3id.org/dpagraph/requirements#"


def _nn(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


EVIDENCE, HAS_SELECTOR, EXACT, START = (_nn(DPAG.evidence), _nn(OA.hasSelector), _nn(OA.exact), _nn(OA.start))
TEXT, DATE, NAME, THIRD = (_nn(DPAG.text), _nn(DPAG.documentDate), _nn(DPAG.nameAsWritten), _nn(DPV.hasThirdCountry))
MECHANISM = _nn(DPAG.mechanism)


@dataclass
class _DocInfo:
    text: str = ""
    date: str | None = None
    newlines: list[int] = field(default_factory=list)
    evidence: dict[str, list[tuple[int | None, str]]] = field(default_factory=dict)
    loaded: bool = False

    def line(self, offset: int | None) -> int | None:
        return bisect.bisect_right(self.newlines, offset - 1) + 1 if offset is not None else None


class Describer:
    """Resolves the raw results of one batch; queries run once per batch, not per finding."""

    def __init__(self, store: ox.Store, stems: list[str], ruleset: RuleSet, evaluation_date: str):
        self.store, self.ruleset, self.evaluation_date = store, ruleset, evaluation_date
        self.docs = {str(doc_iri(s)): s for s in stems}
        self.info: dict[str, _DocInfo] = {iri: _DocInfo() for iri in self.docs}
        self.names: dict[str, str | None] = {}
        self.countries: dict[str, list[str]] = defaultdict(list)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)

    def _select(self, template: str, values: str):
        return self.store.query(_PREFIXES + template % values, use_default_graph_as_union=True)

    def doc_of(self, focus: str) -> str | None:
        """The agreement IRI a node belongs to (`…/doc/<stem>` or below it)."""
        head, sep, rest = focus.partition("/doc/")
        iri = head + sep + rest.split("/", 1)[0]
        return iri if sep and iri in self.docs else None

    def _keys(self, result: RawResult) -> list[str]:
        """Where this finding's passage may be, in order of preference."""
        keys = [*self.ruleset.evidence_from.get(result.rule, ())]
        if result.value_is_iri and result.value:
            keys.append(result.value)
        return [*keys, result.focus]

    def _objects(self, subject: ox.NamedNode, predicate: ox.NamedNode, graph: ox.NamedNode) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, predicate, None, graph)]

    def _passages(self, node: ox.NamedNode, graph: ox.NamedNode) -> list[tuple[int | None, str]]:
        """The quoted passages (start, quote) of a node's evidence."""
        out = []
        for ev in self._objects(node, EVIDENCE, graph):
            quote, start = None, None
            for selector in self._objects(ev, HAS_SELECTOR, graph):
                quote = quote or next((o.value for o in self._objects(selector, EXACT, graph)), None)
                start = (
                    start
                    if start is not None
                    else next((int(o.value) for o in self._objects(selector, START, graph)), None)
                )
            if quote is not None:
                out.append((start, quote))
        return out

    def _nodes(self, doc: str, key: str, graph: ox.NamedNode) -> list[ox.NamedNode]:
        """The nodes of a document whose evidence a key points at (IRIs as graph/build.py makes them)."""
        if key.startswith(str(DPAG)):
            return [_nn(fact_iri(doc, key))]
        if key.startswith(_REQUIREMENTS):
            return [_nn(clause_iri(doc, key))]
        if key == doc or key.startswith(doc + "/"):
            return [_nn(key)]
        statements = (q.subject for q in self.store.quads_for_pattern(None, MECHANISM, _nn(key), graph))
        return list(statements)  # a mechanism concept: the statements of this document that name it

    def _load(self, results: list[RawResult]) -> None:
        """Direct index lookups, no SPARQL: the nodes are known, and Oxigraph joins a VALUES block of
        hundreds of rows by scanning, a hundred times slower."""
        for result in results:
            doc = self.doc_of(result.focus)
            if doc is None:
                continue
            info, graph = self.info[doc], _nn(graph_iri(self.docs[doc]))
            if not info.loaded:
                info.loaded = True
                info.text = next((o.value for o in self._objects(_nn(doc), TEXT, graph)), "")
                info.newlines = [m.start() for m in _NEWLINE.finditer(info.text)]
                info.date = next((o.value for o in self._objects(_nn(doc), DATE, graph)), None)
            for key in self._keys(result):
                if key not in info.evidence:
                    info.evidence[key] = [
                        p for node in self._nodes(doc, key, graph) for p in self._passages(node, graph)
                    ]
            focus = _nn(result.focus)
            if result.focus != doc and result.focus not in self.names:
                self.names[result.focus] = next((o.value for o in self._objects(focus, NAME, graph)), None)
                self.countries[result.focus] = sorted(  # sorted: stores list objects in different orders
                    o.value.removeprefix(str(LOC)) for o in self._objects(focus, THIRD, graph)
                )

    def findings(self, results: list[RawResult]) -> dict[str, list[Finding]]:
        self._load(results)
        values = sorted({r.value for r in results if r.value_is_iri and r.value})
        if values:
            for row in self._select(_LABELS, " ".join(f"<{v}>" for v in values)):
                label = row["label"]
                if isinstance(label, ox.Literal) and label.language:
                    self.labels[row["node"].value].setdefault(label.language, label.value)
        out: dict[str, list[Finding]] = {stem: [] for stem in self.docs.values()}
        for result in results:
            doc = self.doc_of(result.focus)
            if doc is not None:
                out[self.docs[doc]].append(self._finding(result, self.info[doc]))
        return out

    def _value_label(self, result: RawResult, lang: str) -> str | None:
        if result.value is None:
            return None
        if result.value.startswith(str(LOC)):
            return result.value.removeprefix(str(LOC))
        if result.value_is_iri:
            names = self.labels.get(result.value, {})
            return names.get(lang) or names.get("en") or result.value.rsplit("#", 1)[-1]
        return result.value

    def _finding(self, result: RawResult, info: _DocInfo) -> Finding:
        rule = self.ruleset.rules[result.rule]
        subject = self.names.get(result.focus)
        date = (info.date or self.evaluation_date)[:10]
        message = {}
        for lang, template in rule.message.items():
            fills = {
                "{subject}": subject or "",
                "{value}": self._value_label(result, lang) or "",
                "{countries}": ", ".join(self.countries.get(result.focus, [])),
                "{date}": date,
            }
            for placeholder, text in fills.items():
                template = template.replace(placeholder, text)
            message[lang] = template
        return Finding(
            rule=rule.id,
            severity=rule.severity,
            message=message,
            focus=result.focus,
            subject=subject,
            value=self._value_label(result, "en"),
            evidence=self._evidence(result, info),
        )

    def _evidence(self, result: RawResult, info: _DocInfo) -> Evidence | None:
        for key in self._keys(result):
            candidates = info.evidence.get(key)
            if candidates:
                start, quote = min(candidates, key=lambda c: (c[0] is None, c[0] or 0))
                end = start + len(quote) if start is not None else None
                return Evidence(quote=quote, start=start, end=end, line=info.line(start))
        return None
