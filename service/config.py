"""Settings of the web service: command-line flags > environment > config file > defaults.

One dataclass holds every setting, so the app, the worker pool and the WSGI server read the same
values, and each value is checked once, here, with an error that names where it came from.
`store` is a directory or a SPARQL endpoint URL; the `store_*` settings override the URLs derived
from it (graph/backends/endpoint.py; credentials only ever come from the environment).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from graph.backends.endpoint import Endpoint, EndpointConfigError, endpoint, is_endpoint

ENV_PREFIX = "DPAGRAPH_"
CONFIG_ENV = "DPAGRAPH_CONFIG"


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the flag, variable or file it came from."""


@dataclass(frozen=True)
class Settings:
    store: Path | str = Path("var/store")  # a directory, or a SPARQL endpoint URL (str)
    host: str = "127.0.0.1"
    port: int = 8080
    query_timeout: float = 10.0  # seconds per query; the worker process is killed after it
    max_rows: int = 10_000  # result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per response
    max_request_bytes: int = 1_048_576  # body and query string, each
    workers: int = 2  # query worker processes
    store_query_url: str | None = None  # endpoint stores only: override the derived URLs
    store_update_url: str | None = None
    store_gsp_url: str | None = None  # "none": no Graph Store Protocol
    store_union: str | None = None  # auto | native | oxigraph | dataset


def _positive(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        number = kind(value)
        if number <= 0:
            raise ValueError("must be greater than 0")
        return number

    return convert


def _port(value: Any) -> int:
    number = int(value)
    if not 0 <= number <= 65535:
        raise ValueError("must be between 0 and 65535 (0: any free port)")
    return number


def _store(value: Any) -> Path | str:
    text = str(value)
    return text if is_endpoint(text) else Path(text)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "store": _store,
    "host": str,
    "port": _port,
    "query_timeout": _positive(float),
    "max_rows": _positive(int),
    "max_request_bytes": _positive(int),
    "workers": _positive(int),
    "store_query_url": str,
    "store_update_url": str,
    "store_gsp_url": str,
    "store_union": str,
}
NAMES = tuple(f.name for f in fields(Settings))


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _convert(name: str, value: Any, source: str) -> Any:
    if isinstance(value, bool):  # TOML `true` is not a number of anything
        raise ConfigError(f"{source}: {name} must not be true/false")
    try:
        return _CONVERTERS[name](value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: bad value {value!r} for {name}: {exc}") from None


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings of a TOML file (top-level keys named like the fields); a relative `store` is
    taken relative to the file, so a config file works from any working directory."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(NAMES))
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting {', '.join(unknown)} (known: {', '.join(NAMES)})")
    values = {name: _convert(name, value, f"config file {path}") for name, value in data.items()}
    if isinstance(values.get("store"), Path) and not values["store"].is_absolute():
        values["store"] = path.parent / values["store"]
    return values


def load_settings(
    flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None, config_file: Path | None = None
) -> Settings:
    """Merge the sources; `flags` holds only what was given (None values are ignored). The config
    file is `config_file`, else `flags['config']`, else $DPAGRAPH_CONFIG, else none."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    unknown = sorted(set(flags) - set(NAMES) - {"config"})
    if unknown:
        raise ConfigError(f"unknown setting {', '.join(unknown)} (known: {', '.join(NAMES)})")
    path = config_file or flags.get("config") or environ.get(CONFIG_ENV)
    values: dict[str, Any] = read_config_file(Path(path)) if path else {}
    for name in NAMES:
        if environ.get(env_name(name)):
            values[name] = _convert(name, environ[env_name(name)], env_name(name))
        if name in flags:
            values[name] = _convert(name, flags[name], f"setting {name}")
    return replace(Settings(), **values)


def store_location(settings: Settings, environ: Mapping[str, str] | None = None) -> Path | Endpoint:
    """The directory, or the endpoint with its URLs worked out; an HTTP request to it gives up a
    little after the query timeout (the worker running it is killed at the timeout anyway)."""
    if not isinstance(settings.store, str):
        return settings.store
    try:
        return endpoint(
            settings.store,
            query_url=settings.store_query_url,
            update_url=settings.store_update_url,
            gsp_url=settings.store_gsp_url,
            union=settings.store_union,
            timeout=settings.query_timeout + 5,
            environ=environ,
        )
    except EndpointConfigError as exc:
        raise ConfigError(str(exc)) from None
