"""Metrics in the app: ``/metrics``, the request timer, and what each process counts
while it runs (``app.main`` calls these)."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from app.config import Settings
from app.observability.gauges import DatabaseFigures
from app.observability.metrics import (
    MetricsPort,
    RequestMetrics,
    forget_pool,
    observe_pool,
    process_ended,
    registry_for,
)
from app.observability.routes import metrics_router


def install(app: FastAPI, settings: Settings) -> RequestMetrics:
    """Adds ``/metrics``; the request timer, for ``RequestContextMiddleware``."""
    app.include_router(metrics_router(public=settings.metrics_public))
    return RequestMetrics(lambda: app.routes)


@contextmanager
def observed(app: FastAPI, engine: Engine, settings: Settings) -> Iterator[None]:
    """While the app runs: its database pool counted, the scrape's registry ready, and
    the metrics port served if one is set."""
    observe_pool(engine)
    registry = registry_for(DatabaseFigures(engine, settings.metrics_cache_seconds))
    app.state.metrics_registry = registry
    try:
        with MetricsPort(registry, settings.metrics_host or settings.host, settings.metrics_port):
            yield
    finally:
        forget_pool(engine)
        process_ended()
