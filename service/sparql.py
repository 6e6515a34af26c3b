"""`/sparql`: the SPARQL 1.1 Protocol query operation, read-only.

GET with `query=`, POST form-encoded, POST `application/sparql-query`; `default-graph-uri` and
`named-graph-uri` select graphs of the store; GET without a query returns the service
description. This module only reads the HTTP request and writes the response: the query itself is
inspected, run and serialised in a worker process (service/execute.py), under the timeout.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from service import context, formats
from service.description import service_description
from service.execute import QueryRequest, Reply
from service.safety import Refusal, update_refusal_message
from service.web import MAX_ROWS_HEADER, TRUNCATED_HEADER

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    service = context.current()
    params, queries = _read_operation()
    if not queries:
        if request.method == "POST":
            raise Refusal("missing query: send it as the query= parameter or as an application/sparql-query body")
        return _description(params)
    if len(queries) > 1:
        raise Refusal("give exactly one query= parameter")
    reply = service.pool.run(
        QueryRequest(
            query=queries[0],
            max_rows=service.settings.max_rows,
            default_graph_uris=tuple(params.getlist("default-graph-uri")),
            named_graph_uris=tuple(params.getlist("named-graph-uri")),
            formats=_format_values(params),
            accept=request.headers.get("Accept"),
        )
    )
    return _response(reply, service.settings.max_rows)


def _read_operation() -> tuple[MultiDict, list[str]]:
    """The protocol parameters and the query text(s) of the request; updates are refused here."""
    if request.method == "POST" and request.mimetype == UPDATE:
        raise Refusal(update_refusal_message())
    if request.method == "POST" and request.mimetype == DIRECT:
        params, queries = request.args, [_body_text()]
    elif request.method == "POST" and request.mimetype not in (FORM, ""):
        raise Refusal(f"POST the query as {FORM} (query=…) or as {DIRECT}", status=415)
    else:
        params = request.values  # query string, and the form body of a POST (none without a type)
        queries = params.getlist("query")
    if "update" in params:
        raise Refusal(update_refusal_message())
    return params, queries


def _body_text() -> str:
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        return request.get_data().decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise Refusal(f"the query body is not valid {charset}") from None


def _format_values(params: MultiDict) -> tuple[str, ...]:
    return tuple(value for name in formats.FORMAT_PARAMETERS for value in params.getlist(name))


def _description(params: MultiDict) -> Response:
    fmt = formats.choose("graph", _format_values(params), request.headers.get("Accept"))
    body = service_description(request.base_url, context.current().pool.named_graphs(), fmt)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _response(reply: Reply, max_rows: int) -> Response:
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    response.vary.add("Accept")
    if reply.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers[MAX_ROWS_HEADER] = str(max_rows)
    return response
