"""The vendor page: one agreement as the graph holds it — the processor and its service, the
sub-processors with countries and mechanisms, data categories and subjects, the clause facts, the
Art. 28 clauses found or not, and the completeness findings — each fact with its quote.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.exceptions import NotFound

from service import tables
from service.engagements import engagements
from service.fragments import AGREEMENT, SH, STATUS, VENDOR, evidence, label, literal, organisation_slug, values
from service.passages import quote

SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}
_FACT_GROUPS = {  # group → (agreement to node, node to what it is about, node to value)
    "fact": ("dpag:hasClauseFact", "dpag:factProperty", "dpag:value"),
    "clause": ("dpag:hasClauseFinding", "dpag:requirement", "dpag:present"),
}


def _select(stem: str, head: str, body: str) -> list[dict]:
    """Rows of `SELECT head WHERE { <the agreement> body }` for the document `stem`."""
    query = f"""PREFIX sh: <{SH}>
SELECT {head} WHERE {{
  {values(document=literal(stem))}
  {AGREEMENT}
  {body}
}}"""
    return tables.select(query).rows


def vendor(stem: str) -> dict:
    overview = _select(
        stem,
        "?vendor ?status ?title ?file ?language ?organisation",
        f"""{VENDOR}
  {STATUS}
  OPTIONAL {{ ?dpa dcterms:title ?title }}
  OPTIONAL {{ ?dpa dpag:sourceFile ?file }}
  OPTIONAL {{ ?dpa dpag:language ?language }}
  OPTIONAL {{ ?dpa dpv:hasDataProcessor ?organisation }}""",
    )
    if not overview:
        raise NotFound(f"no document {stem!r} in the store")
    head = overview[0]
    slug = organisation_slug(head["organisation"])
    listed = _listed(stem)
    return {
        "document": stem,
        "vendor": head["vendor"],
        "status": head["status"],
        "title": head["title"],
        "file": head["file"],
        "language": head["language"],
        "organisation": slug,
        "organisation_url": url_for("pages.organisation", slug=slug) if slug else None,
        "document_url": url_for("pages.document", stem=stem),
        "facts": _facts(stem, "fact"),
        "subprocessors": engagements(values(document=literal(stem))),
        "document_mechanisms": listed["mechanism"],
        "data_categories": listed["category"],
        "data_subjects": listed["subject"],
        "clauses": _facts(stem, "clause"),
        "findings": _findings(stem),
    }


def _facts(stem: str, group: str) -> list[dict]:
    """Clause facts (`fact`: property, value) or Art. 28 clause findings (`clause`: requirement,
    found or not), with their quotes."""
    link, holder, value = _FACT_GROUPS[group]
    rows = _select(
        stem,
        "?property ?propertyLabel ?value ?valueLabel ?quote ?start ?end",
        f"""?dpa {link} ?fact . ?fact {holder} ?property ; {value} ?value .
  {label("?property", "?propertyLabel")}
  {label("?value", "?valueLabel")}
  {evidence("?fact")}""",
    )
    facts = [
        {
            "property": row["property"].rsplit("#", 1)[-1],
            "label": row["propertyLabel"] or row["property"],
            "value": row["valueLabel"] or row["value"],
            "evidence": quote(stem, row),
        }
        for row in rows
    ]
    return sorted(facts, key=lambda fact: fact["property"])


def _listed(stem: str) -> dict[str, list[dict]]:
    """Data categories and subjects as listed (with the concept each maps to), and the transfer
    mechanisms stated for the whole document."""
    rows = _select(
        stem,
        "?aspect ?item ?label ?conceptLabel ?scope ?quote ?start ?end",
        f"""{{ ?dpa dpag:hasDataCategoryItem ?item BIND("category" AS ?aspect) }}
  UNION {{ ?dpa dpag:hasDataSubjectItem ?item BIND("subject" AS ?aspect) }}
  UNION {{ ?dpa dpag:hasTransferMechanism ?item BIND("mechanism" AS ?aspect) }}
  OPTIONAL {{ ?item rdfs:label ?label }}
  OPTIONAL {{ ?item dpag:concept|dpag:mechanism ?concept . {label("?concept", "?conceptLabel")} }}
  OPTIONAL {{ ?item dpag:scope ?scopeNode . {label("?scopeNode", "?scope")} }}
  {evidence("?item")}""",
    )
    out: dict[str, list[dict]] = {"category": [], "subject": [], "mechanism": []}
    for row in sorted(rows, key=lambda r: (tables.number(r["start"]) or 0, r["item"])):
        out[row["aspect"]].append(
            {
                "label": row["label"] or row["conceptLabel"],
                "concept": row["conceptLabel"],
                "scope": row["scope"],
                "evidence": quote(stem, row),
            }
        )
    return out


def _findings(stem: str) -> list[dict]:
    """The stored completeness findings (`dpagraph validate --store`), worst first."""
    rows = _select(
        stem,
        "?rule ?severity ?message ?subject ?value ?quote ?start ?end ?line",
        """?report dpag:validates ?dpa ; sh:result ?result .
  ?result dpag:ruleId ?rule ; sh:resultSeverity ?severityNode .
  BIND(LCASE(STRAFTER(STR(?severityNode), "#")) AS ?severity)
  OPTIONAL { ?result sh:resultMessage ?message FILTER(LANGMATCHES(LANG(?message), "en")) }
  OPTIONAL { ?result dpag:subjectName ?subject }
  OPTIONAL { ?result dpag:valueLabel ?value }
  OPTIONAL { ?result dpag:quote ?quote }
  OPTIONAL { ?result dpag:quoteStart ?start ; dpag:quoteEnd ?end }
  OPTIONAL { ?result dpag:line ?line }""",
    )
    findings = [
        {
            "rule": row["rule"],
            "severity": row["severity"],
            "message": row["message"],
            "concerning": row["subject"] or row["value"],
            "line": tables.number(row["line"]),
            "evidence": quote(stem, row),
        }
        for row in rows
    ]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule"], f["concerning"] or ""))
