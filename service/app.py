"""The Flask app factory: settings, worker pool, the endpoint, the pages and their headers, put
together once.

`create_app(config)` takes settings by their field names (see service/config.py; anything else,
such as TESTING, goes to Flask's config) on top of the environment and the config file. It starts
the query worker processes; `close_app` stops them (service/serve.py does so on shutdown).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from graph.build import PREFIXES
from service import context, headers, openapi, pages, sparql, web
from service.config import NAMES, load_settings, store_location
from service.pool import QueryPool, StoreUnavailable


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    settings = load_settings({key: config.pop(key) for key in list(config) if key in (*NAMES, "config")})
    store = store_location(settings)  # a directory, or a SPARQL endpoint (its workers check it)
    if isinstance(store, Path) and not store.is_dir():
        raise StoreUnavailable(
            f"no store at {settings.store}; run `dpagraph ingest PATH --store {settings.store}` first"
        )
    app = Flask(__name__)
    app.config.update(config)
    web.install(app, settings.max_request_bytes)
    headers.install(app)
    pool = QueryPool(store, settings.workers, settings.query_timeout, PREFIXES)
    app.extensions[context.EXTENSION] = context.ServiceContext(settings, pool)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(openapi.bp)
    return app


def close_app(app: Flask) -> None:
    """Stop the app's query workers."""
    context.of(app).pool.close()
