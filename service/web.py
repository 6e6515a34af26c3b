"""HTTP behaviour shared by every route: CORS, request-size caps, and errors as plain text.

Errors are one readable sentence in `text/plain` (SPARQLWrapper shows the body of a 400 to its
user); refusals and worker failures are raised as exceptions and turned into responses here, so a
route never builds an error response by hand.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service.pool import PoolError
from service.safety import Refusal

TRUNCATED_HEADER = "X-DPAGraph-Truncated"
MAX_ROWS_HEADER = "X-DPAGraph-Max-Rows"
PLAIN = "text/plain; charset=utf-8"


def install(app: Flask, max_request_bytes: int) -> None:
    app.config["MAX_CONTENT_LENGTH"] = max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = max_request_bytes
    app.before_request(_cap_query_string)
    app.after_request(_cors)
    app.register_error_handler(Refusal, lambda exc: text(exc.message, exc.status))
    app.register_error_handler(PoolError, _pool_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)


def text(message: str, status: int) -> Response:
    return Response(message.rstrip("\n") + "\n", status=status, content_type=PLAIN)


def _cap_query_string() -> None:
    if len(request.query_string) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()


def _too_large(_exc: RequestEntityTooLarge) -> Response:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return text(f"request too large: the limit is {limit} bytes (DPAGRAPH_MAX_REQUEST_BYTES)", 413)


def _pool_error(exc: PoolError) -> Response:
    response = text(exc.message, exc.status)
    response.headers.update(exc.headers)
    return response


def _http_error(exc: HTTPException) -> Response:
    response = exc.get_response()  # keeps headers such as Allow on 405
    response.set_data(f"{exc.code} {exc.name}: {exc.description}\n")
    response.content_type = PLAIN
    return response


def _cors(response: Response) -> Response:
    """Any origin may query (the endpoint is read-only and public); preflights are answered."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = f"{TRUNCATED_HEADER}, {MAX_ROWS_HEADER}"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
