"""The web pages: search, canned questions, vendor, organisation, document and query pages.

Every page is one view that gathers a dict and hands it to `respond`: HTML from a Jinja template
(autoescaped, so document text can never become markup), or the same dict as JSON when the path
ends in `.json` or the client prefers `application/json`. Errors are pages (or JSON) too.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from service import questions_page, search
from service.organisation import organisation as organisation_data
from service.passages import document as document_data
from service.pool import PoolError
from service.query_page import query_page
from service.questions import QuestionError
from service.safety import Refusal
from service.search_sparql import SearchRequest
from service.vendor import vendor as vendor_data

bp = Blueprint("pages", __name__)
JSON = "application/json"


def page(rule: str, endpoint: str, json_rule: str | None = None, methods: tuple[str, ...] = ("GET",)) -> Callable:
    """Register a view at `rule` (HTML, or JSON by Accept) and at `rule.json` (always JSON)."""

    def register(view: Callable) -> Callable:
        bp.add_url_rule(rule, endpoint, view, methods=methods)
        bp.add_url_rule(json_rule or rule + ".json", endpoint + "_json", view, methods=methods)
        return view

    return register


def wants_json() -> bool:
    if request.url_rule is not None and request.url_rule.rule.endswith(".json"):
        return True
    return request.accept_mimetypes.best_match(["text/html", JSON]) == JSON


def respond(template: str, data: dict, status: int = 200) -> Response:
    response = jsonify(data) if wants_json() else Response(render_template(template, **data))
    response.status_code = status
    response.vary.add("Accept")
    return response


@bp.app_context_processor
def _links() -> dict:
    """The JSON twin of the current page, for the footer."""
    endpoint = request.endpoint or ""
    if not endpoint.startswith("pages.") or endpoint.endswith("_json"):
        return {"json_url": None}
    return {"json_url": url_for(endpoint + "_json", **{**request.args.to_dict(), **(request.view_args or {})})}


@page("/", "search", json_rule="/search.json")
def search_view() -> Response:
    found = search.search(SearchRequest.from_args(request.args))
    return respond("search.html", {**found, "questions": questions_page.catalogue()})


@page("/questions", "questions")
def questions_view() -> Response:
    return respond("questions.html", {"questions": questions_page.catalogue()})


@page("/questions/<name>", "question")
def question_view(name: str) -> Response:
    return respond("question.html", questions_page.answer(name, request.args))


@page("/vendors/<stem>", "vendor")
def vendor_view(stem: str) -> Response:
    return respond("vendor.html", vendor_data(stem))


@page("/organisations/<slug>", "organisation")
def organisation_view(slug: str) -> Response:
    return respond("organisation.html", organisation_data(slug))


@page("/documents/<stem>", "document")
def document_view(stem: str) -> Response:
    return respond("document.html", document_data(stem, request.args.get("start"), request.args.get("end")))


@page("/query", "query", methods=("GET", "POST"))
def query_view() -> Response:
    data, status = query_page(request.values)
    return respond("query.html", data, status)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error(exc.description or exc.name, exc.code or 500)


@bp.errorhandler(Refusal)
def _refusal(exc: Refusal) -> Response:
    return _error(exc.message, exc.status)


@bp.errorhandler(QuestionError)
def _question_error(exc: QuestionError) -> Response:
    return _error(str(exc), 400)


@bp.errorhandler(PoolError)
def _pool_error(exc: PoolError) -> Response:
    response = _error(exc.message, exc.status)
    response.headers.update(exc.headers)
    return response


def _error(message: str, status: int) -> Response:
    return respond("error.html", {"error": message, "status": status}, status)
