"""Raw shape failures → findings a person can act on: the sub-processor's name, the country, the
date judged at, and the passage of the document the finding concerns (quote, offsets, line).

Everything is read from the Oxigraph store that holds the documents' full graphs (the persistent
store, or an in-memory one in `validate PATH…`), a handful of queries per batch.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.build import LOC, PREFIXES, doc_iri, graph_iri
from graph.validation.engine import RawResult
from graph.validation.findings import Evidence, Finding
from graph.validation.rules import RuleSet

_NEWLINE = re.compile("\n")
_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
# Where a finding's passage can come from, keyed by what names it: an engagement, a fact property,
# a requirement, a mechanism. Four small queries: one UNION of them is six times slower in Oxigraph.
_EVIDENCE_KEYS = (
    "?doc dpag:hasSubprocessorEngagement ?key . ?key dpag:evidence ?ev .",
    "?doc dpag:hasClauseFact ?fact . ?fact dpag:factProperty ?key ; dpag:evidence ?ev .",
    "?doc dpag:hasClauseFinding ?finding . ?finding dpag:requirement ?key ; dpag:present true ; dpag:evidence ?ev .",
    "{ ?doc dpag:hasTransferMechanism ?st } UNION { ?doc dpag:hasSubprocessorEngagement/dpag:hasTransferMechanism ?st }"
    " ?st dpag:mechanism ?key ; dpag:evidence ?ev .",
)
_EVIDENCE = """
SELECT ?doc ?key ?quote ?start WHERE {
  VALUES (?doc ?g) { %%s }
  GRAPH ?g {
    %s
    ?ev oa:hasSelector ?quoteSelector . ?quoteSelector oa:exact ?quote .
    OPTIONAL { ?ev oa:hasSelector ?position . ?position oa:start ?start }
  }
}"""
_DOCUMENTS = """
SELECT ?doc ?text ?date WHERE {
  VALUES (?doc ?g) { %s }
  GRAPH ?g { OPTIONAL { ?doc dpag:text ?text } OPTIONAL { ?doc dpag:documentDate ?date } }
}"""
_ENGAGEMENTS = """
SELECT ?eng ?name ?country WHERE {
  VALUES (?doc ?g) { %s }
  GRAPH ?g {
    ?doc dpag:hasSubprocessorEngagement ?eng . ?eng dpag:nameAsWritten ?name .
    OPTIONAL { ?eng dpv:hasThirdCountry ?country }
  }
}"""
_LABELS = """
SELECT ?node ?label WHERE { VALUES ?node { %s } ?node skos:prefLabel|rdfs:label ?label }"""


@dataclass
class _DocInfo:
    text: str = ""
    date: str | None = None
    newlines: list[int] = field(default_factory=list)
    evidence: dict[str, list[tuple[int | None, str]]] = field(default_factory=lambda: defaultdict(list))

    def line(self, offset: int | None) -> int | None:
        return bisect.bisect_right(self.newlines, offset - 1) + 1 if offset is not None else None


class Describer:
    """Resolves the raw results of one batch; queries run once per batch, not per finding."""

    def __init__(self, store: ox.Store, stems: list[str], ruleset: RuleSet, evaluation_date: str):
        self.store, self.ruleset, self.evaluation_date = store, ruleset, evaluation_date
        self.docs = {str(doc_iri(s)): s for s in stems}
        self.info: dict[str, _DocInfo] = {iri: _DocInfo() for iri in self.docs}
        self.names: dict[str, str] = {}
        self.countries: dict[str, list[str]] = defaultdict(list)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        if stems:
            self._load()

    def _select(self, template: str, values: str):
        return self.store.query(_PREFIXES + template % values, use_default_graph_as_union=True)

    def _load(self) -> None:
        pairs = " ".join(f"(<{iri}> <{graph_iri(stem)}>)" for iri, stem in self.docs.items())
        for row in self._select(_DOCUMENTS, pairs):
            info = self.info[row["doc"].value]
            if row["text"] is not None:
                info.text = row["text"].value
                info.newlines = [m.start() for m in _NEWLINE.finditer(info.text)]
            if row["date"] is not None:
                info.date = row["date"].value
        for keys in _EVIDENCE_KEYS:
            for row in self._select(_EVIDENCE % keys, pairs):
                start = int(row["start"].value) if row["start"] is not None else None
                self.info[row["doc"].value].evidence[row["key"].value].append((start, row["quote"].value))
        for row in self._select(_ENGAGEMENTS, pairs):
            self.names[row["eng"].value] = row["name"].value
            if row["country"] is not None:
                code = row["country"].value.removeprefix(str(LOC))
                if code not in self.countries[row["eng"].value]:
                    self.countries[row["eng"].value].append(code)

    def stem_of(self, focus: str) -> str | None:
        for iri, stem in self.docs.items():
            if focus == iri or focus.startswith(iri + "/"):
                return stem
        return None

    def findings(self, results: list[RawResult]) -> dict[str, list[Finding]]:
        values = sorted({r.value for r in results if r.value_is_iri and r.value})
        if values:
            for row in self._select(_LABELS, " ".join(f"<{v}>" for v in values)):
                label = row["label"]
                if isinstance(label, ox.Literal) and label.language:
                    self.labels[row["node"].value].setdefault(label.language, label.value)
        out: dict[str, list[Finding]] = {stem: [] for stem in self.docs.values()}
        for result in results:
            stem = self.stem_of(result.focus)
            if stem is not None:
                out[stem].append(self._finding(result, self.info[str(doc_iri(stem))]))
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
        keys = [*self.ruleset.evidence_from.get(result.rule, ())]
        if result.value_is_iri and result.value:
            keys.append(result.value)
        keys.append(result.focus)
        for key in keys:
            candidates = info.evidence.get(key)
            if candidates:
                start, quote = min(candidates, key=lambda c: (c[0] is None, c[0] or 0))
                end = start + len(quote) if start is not None else None
                return Evidence(quote=quote, start=start, end=end, line=info.line(start))
        return None
