"""The canned questions on the web: each competency question (ontology/queries/*.rq) answered with
one click, its parameters as form fields, and the SPARQL it ran shown beside the answer so that
data teams learn the model. Parameter values are bound by `Question.render` (one escaped literal),
and the query runs through the worker pool like any `/sparql` query.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from service import questions, tables
from service.questions import Question


def summary(question: Question) -> dict:
    return {
        "name": question.name,
        "title": question.title,
        "description": question.description,
        "params": [{"name": p.name, "default": p.default} for p in question.params],
        "url": url_for("pages.question", name=question.name),
    }


def catalogue() -> list[dict]:
    return [summary(q) for q in questions.catalogue().values()]


def downloads(query: str, formats: tuple[str, ...] = ("csv", "json")) -> dict[str, str]:
    """The same query in these formats (`format=` names), straight from the `/sparql` endpoint."""
    return {fmt: url_for("sparql.sparql", query=query, format=fmt) for fmt in formats}


def answer(name: str, args: MultiDict) -> dict:
    """The question's answer for the parameters in `args` (defaults for the others)."""
    question = questions.catalogue().get(name)
    if question is None:
        raise NotFound(f"no question {name!r}")
    values = {p.name: args[p.name] for p in question.params if p.name in args}
    sparql = question.render(values)
    table = tables.select(sparql)
    return {
        **summary(question),
        "params": [
            {"name": p.name, "default": p.default, "value": values.get(p.name, p.default)} for p in question.params
        ],
        "sparql": sparql,
        **table.as_json(),
        "vendors": _vendors(table),
        "downloads": downloads(sparql),
    }


def _vendors(table: tables.Table) -> list[dict]:
    """The vendors the answer names (when it has vendor and document columns), once each."""
    if not {"vendor", "document"} <= set(table.columns):
        return []
    seen = {row["document"]: row["vendor"] for row in table.rows if row["document"]}
    return [
        {"vendor": vendor, "document": document, "url": url_for("pages.vendor", stem=document)}
        for document, vendor in sorted(seen.items(), key=lambda item: (item[1] or "").lower())
    ]
