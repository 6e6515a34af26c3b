"""HTTP to a SPARQL endpoint store: queries and updates through SPARQLWrapper, document graphs
through the SPARQL 1.1 Graph Store Protocol (urllib: SPARQLWrapper does not speak it).

Every request is a POST (queries too), so a long query or a dataset of many graphs never meets a
URL length limit. A query's response is returned unread: the caller parses it as a stream and can
stop reading at a row limit. Every failure becomes one `EndpointError` whose message names the URL
and the problem, never the password.
"""

from __future__ import annotations

import ast
import base64
import http.client
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlencode

from SPARQLWrapper import POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from graph.backends.endpoint import Endpoint

# What a query may come back as; results.py and the CLI re-serialise it, so any of these will do.
ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
)
NTRIPLES = "application/n-triples"
_STATUS = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414, EndPointInternalError: 500}
_UPDATE = "INSERT"  # any update form: SPARQLWrapper sends it to the update URL as `update=`


class EndpointError(OSError):
    """A store endpoint that could not be reached or refused a request (`status`: its HTTP status)."""

    def __init__(self, url: str, problem: str, status: int | None = None):
        super().__init__(f"the store at {url}: {' '.join(problem.split())}")
        self.url, self.status = url, status


class SparqlClient:
    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint

    # SPARQL protocol -----------------------------------------------------------------------------

    def query(self, text: str, parameters: Sequence[tuple[str, str]] = ()) -> http.client.HTTPResponse:
        """POST a query (with dataset or other parameters); the unread response."""
        sparql = self._wrapper(text, update=False)
        for name, value in parameters:
            sparql.addParameter(name, value)
        return self._send(sparql, self.endpoint.query_url)

    def update(self, text: str) -> None:
        sparql = self._wrapper(text, update=True)
        with self._send(sparql, self.endpoint.update_url) as response:
            response.read()

    def _wrapper(self, text: str, update: bool) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.endpoint.query_url, updateEndpoint=self.endpoint.update_url, agent="dpagraph")
        sparql.setMethod(POST)
        sparql.setOnlyConneg(True)  # no format=/output= parameters: the Accept header says it
        sparql.setTimeout(max(1, round(self.endpoint.timeout)))
        sparql.setQuery(text)
        # We know which it is; SPARQLWrapper's keyword guess must not send a query to the update URL.
        sparql.queryType = _UPDATE if update else SELECT
        sparql.addCustomHttpHeader("Accept", ACCEPT)
        if self.endpoint.user:
            sparql.setCredentials(self.endpoint.user, self.endpoint.password or "")
        return sparql

    def _send(self, sparql: SPARQLWrapper, url: str) -> http.client.HTTPResponse:
        try:
            return sparql.query().response
        except SPARQLWrapperException as exc:
            status = _STATUS.get(type(exc))
            raise EndpointError(url, _answered(status, _sparqlwrapper_body(exc)), status) from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._failure(url, exc) from None

    # Graph Store Protocol ------------------------------------------------------------------------

    def gsp_get(self, graph: str) -> tuple[str, bytes] | None:
        """A named graph (media type, body: N-Triples asked for); None when there is no such graph."""
        try:
            with self._gsp("GET", graph) as response:
                return response.headers.get_content_type(), response.read()
        except EndpointError as exc:
            if exc.status == 404:
                return None
            raise

    def gsp_put(self, graph: str, ntriples: bytes) -> None:
        with self._gsp("PUT", graph, ntriples) as response:
            response.read()

    def gsp_delete(self, graph: str) -> None:
        """Remove a named graph; nothing happens when it is not there."""
        try:
            with self._gsp("DELETE", graph) as response:
                response.read()
        except EndpointError as exc:
            if exc.status != 404:
                raise

    def _gsp(self, method: str, graph: str, body: bytes | None = None) -> http.client.HTTPResponse:
        base = self.endpoint.gsp_url
        assert base is not None, "no Graph Store Protocol URL"
        url = base + ("&" if "?" in base else "?") + urlencode({"graph": graph})
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Accept", NTRIPLES)
        if body is not None:
            request.add_header("Content-Type", NTRIPLES)
        if self.endpoint.user:
            token = f"{self.endpoint.user}:{self.endpoint.password or ''}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
        try:
            return urllib.request.urlopen(request, timeout=self.endpoint.timeout)  # noqa: S310 - http(s) checked
        except (OSError, http.client.HTTPException) as exc:
            raise self._failure(base, exc) from None

    # errors --------------------------------------------------------------------------------------

    def _failure(self, url: str, exc: OSError | http.client.HTTPException) -> EndpointError:
        if isinstance(exc, urllib.error.HTTPError):
            return EndpointError(url, _answered(exc.code, _read(exc)), exc.code)
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError | socket.timeout):
            return EndpointError(url, f"no answer within {self.endpoint.timeout:g} s")
        if isinstance(exc, urllib.error.URLError):
            return EndpointError(url, f"cannot connect: {reason}")
        return EndpointError(url, f"connection failed: {type(exc).__name__}: {exc}")


def _answered(status: int | None, body: str) -> str:
    what = f"answered HTTP {status}" if status else "refused the request"
    return f"{what}: {body[:300]}" if body else what


def _read(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _sparqlwrapper_body(exc: SPARQLWrapperException) -> str:
    """The server's response body, which SPARQLWrapper keeps only inside its message."""
    _, sep, tail = str(exc).partition("Response:\n")
    if not sep:
        return ""
    try:
        value = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return tail.strip()
    return value.decode("utf-8", "replace").strip() if isinstance(value, bytes) else str(value)
