"""Where a SPARQL endpoint store lives: its query, update and Graph Store Protocol (GSP) URLs, how
its default graph becomes the union of the document graphs, and the credentials to use.

`--store URL` takes one URL; the other two are derived from it for the common servers (each can be
set explicitly, see docs/external-store.md):

| URL given | query | update | GSP |
|---|---|---|---|
| `http://host:7878` or `…/query` at the root (Oxigraph server) | `/query` | `/update` | `/store` |
| `http://host:3030/ds`, `…/ds/sparql`, `…/ds/query` (Fuseki) | `/ds/query` | `/ds/update` | `/ds/data` |
| `…/repositories/NAME` (GraphDB, RDF4J) | as given | `…/statements` | `…/rdf-graphs/service` |
| `…/sparql` at the root (Virtuoso, Neptune) | as given | as given | none: SPARQL Update |

Credentials come from the environment only (never from a flag or a file that ends up in a
repository or a process list); a password inside the URL is refused for the same reason.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

UNION_MODES = ("auto", "native", "oxigraph", "dataset")
ENV = {
    "query_url": "DPAGRAPH_STORE_QUERY_URL",
    "update_url": "DPAGRAPH_STORE_UPDATE_URL",
    "gsp_url": "DPAGRAPH_STORE_GSP_URL",
    "union": "DPAGRAPH_STORE_UNION",
    "user": "DPAGRAPH_STORE_USER",
    "password": "DPAGRAPH_STORE_PASSWORD",
    "timeout": "DPAGRAPH_STORE_TIMEOUT",
}
NO_GSP = "none"  # DPAGRAPH_STORE_GSP_URL=none: write with SPARQL Update only
DEFAULT_TIMEOUT = 300.0  # seconds for one HTTP request of the CLI; the web service uses its query timeout


class EndpointConfigError(ValueError):
    """A store URL or endpoint setting that cannot be used; the message names it."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL endpoint store (picklable: the web service hands it to its worker processes)."""

    url: str  # as the user gave it: what messages name
    query_url: str
    update_url: str
    gsp_url: str | None  # None: no Graph Store Protocol, document graphs go through SPARQL Update
    union: str = "auto"  # how queries see the union of the graphs as their default graph (remote.py)
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def __str__(self) -> str:
        return self.url


def is_endpoint(location: str | Path | Endpoint | None) -> bool:
    """True for an http(s) URL (or an Endpoint), False for a directory."""
    if isinstance(location, Endpoint):
        return True
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def derive(url: str) -> tuple[str, str, str | None]:
    """(query, update, GSP) URLs for a URL, by the path layouts of the common servers."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")

    def at(p: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, p, "", ""))

    segments = [s for s in path.split("/") if s]
    if "repositories" in segments[:-1]:  # GraphDB / RDF4J: …/repositories/NAME
        base = "/" + "/".join(segments[: segments.index("repositories") + 2])
        return at(base), at(base + "/statements"), at(base + "/rdf-graphs/service")
    if not segments or segments == ["query"]:  # Oxigraph server
        return at("/query"), at("/update"), at("/store")
    if segments == ["sparql"]:  # Virtuoso, Neptune: one URL for both; GSP lives elsewhere if at all
        return at(path), at(path), None
    if len(segments) == 2 and segments[1] in ("sparql", "query"):  # Fuseki: /ds/sparql, /ds/query
        segments = segments[:1]
    if len(segments) == 1:  # Fuseki dataset: /ds
        base = "/" + segments[0]
        return at(base + "/query"), at(base + "/update"), at(base + "/data")
    return at(path), at(path), None


def endpoint(
    url: str,
    *,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    union: str | None = None,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> Endpoint:
    """The endpoint for a store URL: arguments beat the DPAGRAPH_STORE_* variables, which beat the
    derived URLs."""
    environ = os.environ if environ is None else environ
    _check_url(url, "store URL")
    query, update, gsp = derive(url)
    query = query_url or environ.get(ENV["query_url"]) or query
    update = update_url or environ.get(ENV["update_url"]) or update
    gsp_setting = gsp_url or environ.get(ENV["gsp_url"])
    if gsp_setting is not None:
        gsp = None if gsp_setting.strip().lower() == NO_GSP else gsp_setting
    for name, value in (("query URL", query), ("update URL", update), ("GSP URL", gsp)):
        if value is not None:
            _check_url(value, name)
    mode = (union or environ.get(ENV["union"]) or "auto").strip().lower()
    if mode not in UNION_MODES:
        raise EndpointConfigError(f"{ENV['union']}: {mode!r} is not one of {', '.join(UNION_MODES)}")
    seconds = timeout if timeout is not None else _seconds(environ.get(ENV["timeout"]))
    return Endpoint(
        url=url,
        query_url=query,
        update_url=update,
        gsp_url=gsp,
        union=mode,
        user=environ.get(ENV["user"]) or None,
        password=environ.get(ENV["password"]) or None,
        timeout=seconds,
    )


def _check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EndpointConfigError(f"{what} {url!r} is not an http(s) URL with a host")
    if parts.password is not None:
        raise EndpointConfigError(
            f"{what} for {parts.hostname} holds a password; set {ENV['user']} and {ENV['password']} instead"
        )
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise EndpointConfigError(f"{what} {url!r}: {exc}") from None


def _seconds(value: str | None) -> float:
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise EndpointConfigError(f"{ENV['timeout']}: {value!r} is not a number of seconds") from None
    if seconds <= 0:
        raise EndpointConfigError(f"{ENV['timeout']}: must be greater than 0")
    return seconds
