"""What the routes share: the settings and the worker pool, kept on the Flask app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from service.config import Settings
from service.pool import QueryPool

EXTENSION = "dpagraph"


@dataclass(frozen=True)
class ServiceContext:
    settings: Settings
    pool: QueryPool


def of(app: Flask) -> ServiceContext:
    return app.extensions[EXTENSION]


def current() -> ServiceContext:
    return of(current_app)
