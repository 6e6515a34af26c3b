"""The document page: the text of an agreement as ingested, with one passage marked.

Every evidence quote in the graph carries character offsets into this very text (`oa:start`,
`oa:end`), so showing where a fact was said is a slice of the stored text; the link to a passage is
`/documents/<stem>?start=S&end=E#passage` and the page scrolls to the mark without any script.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.exceptions import NotFound

from service import tables
from service.fragments import AGREEMENT, VENDOR, literal, values
from service.safety import Refusal


def passage_url(stem: str, start: int | None, end: int | None) -> str | None:
    """Where the passage [start, end) of a document is shown; None without offsets."""
    if start is None or end is None:
        return None
    return url_for("pages.document", stem=stem, start=start, end=end, _anchor="passage")


def quote(stem: str, row: dict) -> dict | None:
    """The evidence of a result row (?quote ?start ?end) with the link to its passage."""
    if not row.get("quote"):
        return None
    start, end = tables.number(row.get("start")), tables.number(row.get("end"))
    return {"quote": row["quote"], "start": start, "end": end, "url": passage_url(stem, start, end)}


def document_query(stem: str) -> str:
    return f"""SELECT ?vendor ?title ?file ?text WHERE {{
  {values(document=literal(stem))}
  {AGREEMENT}
  {VENDOR}
  OPTIONAL {{ ?dpa dcterms:title ?title }}
  OPTIONAL {{ ?dpa dpag:sourceFile ?file }}
  ?dpa dpag:text ?text .
}} LIMIT 1"""


def document(stem: str, start: str | None, end: str | None) -> dict:
    rows = tables.select(document_query(stem)).rows
    if not rows:
        raise NotFound(f"no document {stem!r} in the store")
    row = rows[0]
    text = row["text"]
    data = {
        "document": stem,
        "vendor": row["vendor"],
        "title": row["title"],
        "file": row["file"],
        "vendor_url": url_for("pages.vendor", stem=stem),
        "text": text,
        "passage": None,
    }
    if start is not None or end is not None:
        first, last = _offsets(start, end, len(text))
        data["passage"] = {"start": first, "end": last, "text": text[first:last]}
    return data


def _offsets(start: str | None, end: str | None, length: int) -> tuple[int, int]:
    if not (start or "").isdigit() or not (end or "").isdigit():
        raise Refusal("start and end must both be character offsets (whole numbers)")
    first, last = int(start), int(end)
    if not first <= last <= length:
        raise Refusal(f"the passage [{first}, {last}) is not within the document (0 to {length} characters)")
    return first, last
