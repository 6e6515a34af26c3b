"""Sub-processor engagements as the vendor and organisation pages show them: who, for what, seated
and processing where, under which transfer mechanism (with its scope), and the quotes that say so.

One query serves both pages; only what selects the engagements differs (one agreement, or one
organisation across all agreements). It returns one row per aspect of an engagement, grouped here;
every branch starts from the engagement (a branch that does not is evaluated over the whole store),
and the `name` branch keeps an engagement that has nothing else.
"""

from __future__ import annotations

import re

from flask import url_for

from service import tables
from service.fragments import AGREEMENT, QUOTE, VENDOR, evidence, label, organisation_slug
from service.passages import quote

_NUMBER = re.compile(r"/engagement/(\d+)$")


def engagements_query(selector: str) -> str:
    """`selector`: a VALUES clause binding ?document or ?organisation."""
    return f"""SELECT ?document ?vendor ?engagement ?name ?organisation ?service ?purpose
       ?aspect ?value ?valueLabel ?scope ?quote ?start ?end WHERE {{
  {selector}
  {AGREEMENT}
  {VENDOR}
  ?dpa dpag:hasSubprocessorEngagement ?engagement .
  ?engagement dpag:nameAsWritten ?name ; dpag:subprocessor ?organisation .
  OPTIONAL {{ ?engagement dpag:service ?service }}
  OPTIONAL {{ ?engagement dpag:purpose ?purpose }}
  {{ ?engagement dpag:seatCountry ?value BIND("seat" AS ?aspect) {label("?value", "?valueLabel")} }}
  UNION {{ ?engagement dpag:processingCountry ?value BIND("processing" AS ?aspect) {label("?value", "?valueLabel")} }}
  UNION {{ ?engagement dpag:hasTransferMechanism ?statement . ?statement dpag:mechanism ?value .
    BIND("mechanism" AS ?aspect) {label("?value", "?valueLabel")}
    OPTIONAL {{ ?statement dpag:scope ?scopeNode . {label("?scopeNode", "?scope")} }}
    {evidence("?statement")} }}
  UNION {{ ?engagement dpag:evidence ?evidence BIND("entry" AS ?aspect) {QUOTE} }}
  UNION {{ ?engagement dpag:nameAsWritten ?written BIND("name" AS ?aspect) }}
}}"""


def grouped(rows: list[dict]) -> list[dict]:
    """One record per engagement, in document then list order."""
    out: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: (r["document"], _number(r["engagement"]))):
        record = out.setdefault(row["engagement"], _engagement(row))
        aspect = row["aspect"]
        if aspect in ("seat", "processing"):
            country = {"code": row["value"].rsplit("#", 1)[-1], "label": row["valueLabel"] or row["value"]}
            if country not in record[aspect]:
                record[aspect].append(country)
        elif aspect == "mechanism":
            record["mechanisms"].append(
                {
                    "code": row["value"].rsplit("#", 1)[-1],
                    "label": row["valueLabel"],
                    "scope": row["scope"],
                    "evidence": quote(row["document"], row),
                }
            )
        elif aspect == "entry" and row["quote"]:
            record["evidence"].append(quote(row["document"], row))
    return list(out.values())


def _engagement(row: dict) -> dict:
    slug = organisation_slug(row["organisation"])
    return {
        "document": row["document"],
        "vendor": row["vendor"],
        "vendor_url": url_for("pages.vendor", stem=row["document"]),
        "number": _number(row["engagement"]),
        "name": row["name"],
        "organisation": slug,
        "organisation_url": url_for("pages.organisation", slug=slug) if slug else None,
        "service": row["service"],
        "purpose": row["purpose"],
        "seat": [],
        "processing": [],
        "mechanisms": [],
        "evidence": [],
    }


def _number(iri: str) -> int:
    match = _NUMBER.search(iri)
    return int(match.group(1)) if match else 0


def engagements(selector: str) -> list[dict]:
    return grouped(tables.select(engagements_query(selector)).rows)
