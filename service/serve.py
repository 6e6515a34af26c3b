"""`dpagraph serve`: the app under waitress, a production WSGI server (never Flask's dev server).

`add_arguments` adds the flags to any argparse parser and `run` starts serving; every flag defaults
to None, so a flag that is not given leaves the setting to the environment, the config file or
the default (service/config.py). Ctrl-C or SIGTERM stop the server and its query workers.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from pathlib import Path

import waitress

from graph.backends.endpoint import UNION_MODES
from service import context
from service.app import close_app, create_app
from service.config import NAMES, ConfigError
from service.pool import PoolError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="DIR|URL",
        help="store directory or SPARQL endpoint URL (default: $DPAGRAPH_STORE or var/store)",
    )
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, help="port to listen on (default: 8080; 0 picks a free port)")
    parser.add_argument("--config", type=Path, help="TOML settings file (default: $DPAGRAPH_CONFIG)")
    parser.add_argument("--query-timeout", type=float, metavar="SECONDS", help="stop a query after this (default: 10)")
    parser.add_argument("--max-rows", type=int, metavar="N", help="rows or triples per result (default: 10000)")
    parser.add_argument("--max-request-bytes", type=int, metavar="N", help="request size cap (default: 1048576)")
    parser.add_argument("--workers", type=int, metavar="N", help="query worker processes (default: 2)")
    endpoint = parser.add_argument_group("SPARQL endpoint store (docs/external-store.md)")
    endpoint.add_argument("--store-query-url", metavar="URL", help="query URL (default: derived from --store)")
    endpoint.add_argument("--store-update-url", metavar="URL", help="update URL (default: derived from --store)")
    endpoint.add_argument("--store-gsp-url", metavar="URL", help="Graph Store Protocol URL, or 'none'")
    endpoint.add_argument(
        "--store-union", choices=UNION_MODES, help="how the default graph becomes the union (default: auto)"
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 after a clean stop, 1 when the store cannot be served, 2 for bad settings."""
    flags = {name: getattr(args, name, None) for name in (*NAMES, "config")}
    try:
        app = create_app(flags)
    except ConfigError as exc:
        return _error(str(exc), 2)
    except PoolError as exc:
        return _error(exc.message, 1)
    settings = context.of(app).settings
    try:
        graphs = context.of(app).pool.named_graphs()  # fails now, not at the first query, without a store
        server = waitress.create_server(
            app,
            host=settings.host,
            port=settings.port,
            threads=max(4, 2 * settings.workers),
            max_request_body_size=settings.max_request_bytes,
            ident="dpagraph",
        )
    except PoolError as exc:
        close_app(app)
        return _error(exc.message, 1)
    except OSError as exc:
        close_app(app)
        return _error(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", 1)
    port = getattr(server, "effective_port", settings.port)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(
        f"Search page at http://{host}:{port}/ and SPARQL endpoint at http://{host}:{port}/sparql "
        f"({len(graphs)} graphs in {settings.store}); Ctrl-C stops",
        flush=True,
    )
    try:
        _stop_on_sigterm()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        close_app(app)
    return 0


def _stop_on_sigterm() -> None:
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, interrupt)


def _error(message: str, code: int) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return code
