"""The completeness rules, read from `shapes/completeness.ttl`.

The shapes file is the single source: rule ids, severities, messages, legal bases and the docs
table (`tools/gen_rule_table.py`) all come from it. This module also works out what the engine
needs to run the shapes fast: which predicates a document's "validation view" must keep, which
SHACL-AF SPARQL rules derive facts first, and which shape node belongs to which rule (pyshacl
reports the innermost shape that failed).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.build import DPAG
from graph.validation.findings import Rule

SH = Namespace("http://www.w3.org/ns/shacl#")
DPACHECK = Namespace("https://w3id.org/dpagraph/checks#")
SHAPES_DIR = Path(__file__).resolve().parents[2] / "shapes"
SHAPES_FILE = SHAPES_DIR / "completeness.ttl"

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_NESTING = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["or"], SH["and"], SH.xone)
_PATH_LISTS = (SH.alternativePath,)
_PATH_LINKS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_CONTEXT = re.compile(r"\?context\s+dpag:evaluationDate\s+\?today\s*\.")
_PREFIXED = re.compile(r"\b(dpag|dpv):([A-Za-z_][\w-]*)")
_NAMESPACES = {"dpag": str(DPAG), "dpv": "https://w3id.org/dpv#"}


@dataclass(frozen=True)
class Derivation:
    """A SHACL-AF SPARQL rule, rewritten to run once over a batch: `$this` becomes `?this`."""

    rule: str
    query: str  # reads the evaluation date from the reference data (`?context dpag:evaluationDate ?today`)
    derives: frozenset[str]  # predicates it adds: they are never read from the stored graph

    def at(self, today: datetime.date) -> str:
        """The query with the evaluation date bound in its text, for running it on the store
        (which holds the reference data but not the date of this run)."""
        return _CONTEXT.sub(f'VALUES ?today {{ "{today.isoformat()}"^^<{XSD.date}> }}', self.query)


@dataclass(frozen=True)
class RuleSet:
    rules: dict[str, Rule]  # id → rule, in file order (A01 … F02)
    shapes: Graph  # the shapes, as pyshacl gets them
    owner: dict[Node, str]  # every shape node (incl. nested blank nodes) → rule id
    derivations: tuple[Derivation, ...]
    view_predicates: frozenset[str]  # predicates of a document graph the shapes read (not rdf:type)
    view_classes: frozenset[str]  # the classes whose rdf:type triples they read (targets, SPARQL `a`)
    evidence_from: dict[str, tuple[str, ...]]  # rule id → fact properties / requirements to quote
    fingerprint: str  # sha256 of the shapes file: part of every cache key


@lru_cache(maxsize=4)
def load_rules(path: Path = SHAPES_FILE) -> RuleSet:
    data = path.read_bytes()
    g = Graph().parse(data=data, format="turtle")
    rules: dict[str, Rule] = {}
    owner: dict[Node, str] = {}
    evidence_from: dict[str, tuple[str, ...]] = {}
    derivations = []
    for shape in sorted(g.subjects(DPAG.ruleId, None), key=lambda s: str(g.value(s, DPAG.ruleId))):
        rule = _rule(g, shape)
        rules[rule.id] = rule
        for node in _shape_nodes(g, shape):
            owner.setdefault(node, rule.id)
        listed = g.value(shape, DPAG.evidenceFrom)
        evidence_from[rule.id] = tuple(str(x) for x in Collection(g, listed)) if listed is not None else ()
        for sparql_rule in g.objects(shape, SH.rule):
            derivations.append(_derivation(g, rule.id, sparql_rule))
    derived = frozenset().union(*(d.derives for d in derivations)) if derivations else frozenset()
    read = _path_predicates(g)
    classes = {str(c) for c in g.objects(None, SH.targetClass)}
    for d in derivations:
        read |= _sparql_predicates(d.query)
        classes |= _sparql_predicates(" ".join(re.findall(r"\ba\s+(\w+:\w+)", d.query)))
    return RuleSet(
        rules=rules,
        shapes=g,
        owner=owner,
        derivations=tuple(derivations),
        view_predicates=frozenset(read - derived - classes - {str(RDF.type)}),
        view_classes=frozenset(classes),
        evidence_from=evidence_from,
        fingerprint=hashlib.sha256(data).hexdigest(),
    )


def _texts(g: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    return {o.language: str(o) for o in g.objects(node, prop) if isinstance(o, Literal) and o.language}


def _rule(g: Graph, shape: URIRef) -> Rule:
    rule_id = str(g.value(shape, DPAG.ruleId))
    severity = _SEVERITY.get(g.value(shape, SH.severity))
    if severity is None:
        raise ValueError(f"{SHAPES_FILE.name}: rule {rule_id} has no sh:severity")
    texts = {p: _texts(g, shape, p) for p in (RDFS.label, SH.message, DPAG.rationale)}
    for prop, values in texts.items():
        if set(values) != {"en", "de"}:
            raise ValueError(f"{SHAPES_FILE.name}: rule {rule_id} needs {prop.n3(g.namespace_manager)} in en and de")
    requirement = g.value(shape, DPAG.requirement)
    return Rule(
        id=rule_id,
        group=str(g.value(shape, DPAG.ruleGroup)),
        severity=severity,
        title=texts[RDFS.label],
        message=texts[SH.message],
        why=texts[DPAG.rationale],
        legal_basis=str(g.value(shape, DPAG.legalBasis)),
        shape=str(shape),
        requirement=str(requirement).rsplit("#", 1)[-1] if requirement is not None else None,
    )


def _shape_nodes(g: Graph, shape: Node) -> list[Node]:
    """The rule's shape and every shape nested in it (property shapes, sh:or members, …)."""
    seen, todo = [], [shape]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.append(node)
        for prop in _NESTING:
            todo.extend(g.objects(node, prop))
        for prop in _LISTS:
            for head in g.objects(node, prop):
                todo.extend(Collection(g, head))
    return seen


def _path_predicates(g: Graph) -> set[str]:
    """Every predicate IRI used in a sh:path of any shape (sequences, alternatives, inverses)."""
    out: set[str] = set()

    def walk(path: Node) -> None:
        if isinstance(path, URIRef):
            out.add(str(path))
            return
        first = g.value(path, RDF.first)
        if first is not None:
            for item in Collection(g, path):
                walk(item)
            return
        for prop in _PATH_LISTS:
            for head in g.objects(path, prop):
                walk(head)
        for prop in _PATH_LINKS:
            for target in g.objects(path, prop):
                walk(target)

    for path in g.objects(None, SH.path):
        walk(path)
    return out


def _sparql_predicates(query: str) -> set[str]:
    return {_NAMESPACES[prefix] + local for prefix, local in _PREFIXED.findall(query)}


def _derivation(g: Graph, rule_id: str, node: Node) -> Derivation:
    construct = g.value(node, SH.construct)
    if construct is None:
        raise ValueError(f"{SHAPES_FILE.name}: rule {rule_id} has an sh:rule without sh:construct")
    prefixes = "".join(
        f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>\n"
        for holder in g.objects(node, SH.prefixes)
        for decl in g.objects(holder, SH.declare)
    )
    query = prefixes + str(construct).replace("$this", "?this")
    template = re.search(r"CONSTRUCT\s*\{(.*?)\}", str(construct), re.S)
    derives = _sparql_predicates(template.group(1)) if template else set()
    if ("?today" in query) != bool(_CONTEXT.search(query)):
        raise ValueError(
            f"{SHAPES_FILE.name}: rule {rule_id} must read ?today as `?context dpag:evaluationDate ?today .`"
        )
    return Derivation(rule=rule_id, query=query, derives=frozenset(derives))
