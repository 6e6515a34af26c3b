"""Validation results as RDF, one named graph per document (`id/validation/<stem>`), so that
"which DPAs fail D01?" is a SPARQL query and the web page can show the findings.

The results use SHACL's own report vocabulary (sh:ValidationReport, sh:ValidationResult,
sh:focusNode, sh:sourceShape, sh:resultSeverity, sh:resultMessage) plus the few dpag: terms a
reader needs without the shapes at hand (rule id, evidence quote and line). The graph also holds
the cache key, so a re-run knows which documents changed since they were validated.
"""

from __future__ import annotations

import datetime
from collections.abc import Container
from urllib.parse import unquote

import pyoxigraph as ox

from graph.build import DPAG, PREFIXES, doc_iri, validation_graph_iri
from graph.validation.findings import Evidence, Finding
from graph.validation.rules import DPACHECK, SH

_SEVERITY_IRI = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
_SEVERITY_NAME = {str(v): k for k, v in _SEVERITY_IRI.items()}
_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + f"PREFIX sh: <{SH}>\n"


def validation_graph(stem: str) -> str:
    return str(validation_graph_iri(stem))


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _lit(value, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + datatype))
    return ox.Literal(str(value))


def triples(stem: str, key: str, findings: list[Finding], validated_at: datetime.datetime) -> list[ox.Triple]:
    """The triples of a document's validation graph."""
    base = validation_graph(stem)
    report = _nn(base + "/report")
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o) -> None:
        out.append(ox.Triple(s, _nn(p), o))

    severities = {f.severity for f in findings}
    status = next((s for s in ("violation", "warning", "info") if s in severities), "pass")
    add(report, _RDF_TYPE, _nn(SH.ValidationReport))
    add(report, DPAG.validates, _nn(doc_iri(stem)))
    add(report, DPAG.validationKey, _lit(key))
    add(report, DPAG.validationStatus, _lit(status))
    add(report, DPAG.validatedAt, _lit(validated_at.isoformat(), "dateTime"))
    add(report, SH.conforms, _lit("false" if status == "violation" else "true", "boolean"))
    for n, f in enumerate(findings, 1):
        r = _nn(f"{base}/result/{n}")
        add(report, SH.result, r)
        add(r, _RDF_TYPE, _nn(SH.ValidationResult))
        add(r, DPAG.ruleId, _lit(f.rule))
        add(r, SH.sourceShape, _nn(DPACHECK[f.rule]))
        add(r, SH.focusNode, _nn(f.focus))
        add(r, SH.resultSeverity, _nn(_SEVERITY_IRI[f.severity]))
        for lang, text in f.message.items():
            add(r, SH.resultMessage, _lit(text, language=lang))
        if f.subject:
            add(r, DPAG.subjectName, _lit(f.subject))
        if f.value:
            add(r, DPAG.valueLabel, _lit(f.value))
        if f.evidence:
            add(r, DPAG.quote, _lit(f.evidence.quote))
            ev = f.evidence
            for prop, value in ((DPAG.quoteStart, ev.start), (DPAG.quoteEnd, ev.end), (DPAG.line, ev.line)):
                if value is not None:
                    add(r, prop, _lit(value, "integer"))
    return out


def write(
    store: ox.Store,
    reports: dict[str, tuple[str, list[Finding]]],
    validated_at: datetime.datetime,
    existing: Container[str] = frozenset(),
) -> None:
    """Replace the validation graphs of these documents (stem → (key, findings)); `existing` names
    the documents that have old results to drop (dropping absent graphs still costs a scan). The old
    graphs go in one update and the new ones arrive in one atomic `extend`: a reader sees the old
    report, no report, or the new one, never half of one. (No SPARQL text for the new triples:
    parsing it cost more than validating.)"""
    if not reports:
        return
    old = [stem for stem in reports if stem in existing]
    if old:
        store.update(" ; ".join(f"DROP SILENT GRAPH <{validation_graph(stem)}>" for stem in old))
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, _nn(validation_graph(stem)))
        for stem, (key, findings) in reports.items()
        for t in triples(stem, key, findings, validated_at)
    )


def _stem(graph: str) -> str:
    return unquote(graph.removeprefix(str(validation_graph_iri(""))))


def stored_keys(store: ox.Store) -> dict[str, str]:
    """Document stem → validation key of its stored results (one predicate scan)."""
    return {
        _stem(q.graph_name.value): q.object.value
        for q in store.quads_for_pattern(None, _nn(DPAG.validationKey), None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    }


def read(store: ox.Store, stems: list[str]) -> dict[str, list[Finding]]:
    """The stored findings of these documents (documents without results are absent). Read quad by
    quad from each validation graph: a SPARQL query with the eight OPTIONALs costs ten times more."""
    out: dict[str, list[Finding]] = {}
    for stem in stems:
        results: dict[str, dict[str, list]] = {}
        for q in store.quads_for_pattern(None, None, None, _nn(validation_graph(stem))):
            if "/result/" in q.subject.value:
                results.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
        if results:
            out[stem] = [_finding(props) for _, props in sorted(results.items(), key=lambda kv: _result_number(kv[0]))]
    return out


def _finding(props: dict[str, list]) -> Finding:
    def one(prop) -> str | None:
        values = props.get(str(prop))
        return values[0].value if values else None

    def number(prop) -> int | None:
        value = one(prop)
        return int(value) if value is not None else None

    quote = one(DPAG.quote)
    evidence = Evidence(quote, number(DPAG.quoteStart), number(DPAG.quoteEnd), number(DPAG.line)) if quote else None
    return Finding(
        rule=one(DPAG.ruleId),
        severity=_SEVERITY_NAME[one(SH.resultSeverity)],
        message={m.language: m.value for m in props.get(str(SH.resultMessage), [])},
        focus=one(SH.focusNode),
        subject=one(DPAG.subjectName),
        value=one(DPAG.valueLabel),
        evidence=evidence,
    )


def _result_number(iri: str) -> tuple[str, int]:
    head, _, n = iri.rpartition("/")
    return head, int(n) if n.isdigit() else 0
