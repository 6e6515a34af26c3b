"""The search page: one text box over vendors, sub-processors, countries and data categories and
subjects, narrowed by facets (country, transfer mechanism, data category, data-subject category,
validation status). The queries are built in service/search_sparql.py and run through the worker
pool here; this module turns their rows into the page's data.
"""

from __future__ import annotations

from dataclasses import replace

from flask import url_for

from service import tables
from service.fragments import organisation_slug
from service.search_sparql import (
    FACETS,
    PAGE_SIZE,
    SearchRequest,
    facets_query,
    hits_query,
    names_query,
    page_query,
)


def search(request: SearchRequest) -> dict:
    """The page's data: matching agreements with their hits, facet counts, and the queries."""
    queries = {}
    if request.text:
        queries["names"] = names_query(request)
        request = replace(request, named=tuple(row["value"] for row in tables.select(queries["names"]).rows))
    queries.update(page=page_query(request), facets=facets_query(request))
    counts = tables.select(queries["facets"]).rows
    agreements = tables.select(queries["page"]).rows
    hits = hits_query(request, [row["dpa"] for row in agreements])
    if hits:
        queries["hits"] = hits
    total = next((tables.number(row["count"]) for row in counts if row["facet"] == "total"), 0)
    pages = max(1, -(-total // PAGE_SIZE))
    return {
        "criteria": {"q": request.text, **request.facets, "status": request.status, "page": request.page},
        "total": total,
        "page": request.page,
        "pages": pages,
        "previous": _page_url(request, request.page - 1) if request.page > 1 else None,
        "next": _page_url(request, request.page + 1) if request.page < pages else None,
        "results": _results(agreements, tables.select(hits).rows if hits else []),
        "facets": _facets(request, counts),
        "sparql": queries,
    }


def _page_url(request: SearchRequest, page: int) -> str:
    return url_for("pages.search", **request.args(page=str(page)))


def _results(agreements: list[dict], hits: list[dict]) -> list[dict]:
    """The page's agreements, each with its hits (sorted by kind, then label)."""
    matches: dict[str, list[dict]] = {}
    for row in sorted(hits, key=lambda r: (r["kind"], (r["label"] or "").lower(), (r["context"] or "").lower())):
        matches.setdefault(row["dpa"], []).append(_hit(row))
    return [
        {
            "document": row["document"],
            "vendor": row["vendor"],
            "status": row["status"],
            "url": url_for("pages.vendor", stem=row["document"]),
            "matches": matches.get(row["dpa"], []),
        }
        for row in agreements
    ]


def _hit(row: dict) -> dict:
    hit = {"kind": row["kind"], "label": row["label"], "context": row["context"], "url": None}
    slug = organisation_slug(row["value"])
    if slug:
        hit["url"] = url_for("pages.organisation", slug=slug)
    facet = next((f for f in FACETS if f.name == row["kind"]), None)
    if facet and row["value"] and row["value"].startswith(facet.namespace):
        hit["url"] = url_for("pages.search", **{facet.name: row["value"].removeprefix(facet.namespace)})
    return hit


def _facets(request: SearchRequest, counts: list[dict]) -> list[dict]:
    """Every facet with its values (most agreements first), the chosen value marked."""
    out = []
    for name, title, namespace in [(f.name, f.title, f.namespace) for f in FACETS] + [("status", "Validation", "")]:
        chosen = request.status if name == "status" else request.facets.get(name, "")
        options = []
        for row in counts:
            if row["facet"] != name or not row["value"]:
                continue
            code = row["value"].removeprefix(namespace)
            options.append(
                {
                    "code": code,
                    "label": row["label"] or code,
                    "count": tables.number(row["count"]),
                    "selected": code == chosen,
                    "url": url_for("pages.search", **request.args(**{name: None if code == chosen else code})),
                }
            )
        options.sort(key=lambda o: (-o["count"], o["label"].lower()))
        out.append({"name": name, "title": title, "options": options})
    return out
