"""The organisation page: one organisation node (shared by every agreement that names it) — the
names it is written under, its entry in the known-organisation registry, which vendors engage it
as a sub-processor and where, and which agreements it is the processor of.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.exceptions import NotFound

from service import tables
from service.engagements import engagements
from service.fragments import VENDOR, label, organisation_iri, values


def organisation_query(selector: str) -> str:
    return f"""SELECT ?name ?registryLabel ?document ?vendor WHERE {{
  {selector}
  ?organisation a dpv:Organisation .
  {{ ?organisation rdfs:label ?name }}
  UNION {{ ?organisation dpag:registryEntry ?entry . {label("?entry", "?registryLabel")} }}
  UNION {{ ?dpa dpv:hasDataProcessor ?organisation ; dcterms:identifier ?document . {VENDOR} }}
}}"""


def organisation(slug: str) -> dict:
    iri = organisation_iri(slug)
    if iri is None:
        raise NotFound(f"no organisation {slug!r}")
    selector = values(organisation=iri)
    rows = tables.select(organisation_query(selector)).rows
    if not rows:
        raise NotFound(f"no organisation {slug!r} in the store")
    used_by = engagements(selector)
    vendors: dict[str, dict] = {}
    for engagement in used_by:
        vendors.setdefault(
            engagement["document"],
            {"document": engagement["document"], "vendor": engagement["vendor"], "url": engagement["vendor_url"]},
        )
    processor_of = {
        row["document"]: {
            "document": row["document"],
            "vendor": row["vendor"],
            "url": url_for("pages.vendor", stem=row["document"]),
        }
        for row in rows
        if row["document"]
    }
    return {
        "organisation": slug,
        "iri": iri.value,
        "names": sorted({row["name"] for row in rows if row["name"]}),
        "registry": next((row["registryLabel"] for row in rows if row["registryLabel"]), None),
        "vendors": sorted(vendors.values(), key=lambda v: v["vendor"].lower()),
        "engagements": used_by,
        "processor_of": sorted(processor_of.values(), key=lambda v: v["vendor"].lower()),
    }
