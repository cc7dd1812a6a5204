"""``/metrics``: what the processes count and the database's figures, in the Prometheus
text format. It needs an admin's or a regulator's key, as ``Authorization: Bearer``,
which Prometheus sends from its scrape configuration (``authorization:
credentials_file``); ``SW_METRICS_PUBLIC`` serves it without one (a Prometheus on a
network nobody else reaches), and ``SW_METRICS_PORT`` serves it without one on a port of
its own (``app.observability.metrics.MetricsPort``)."""

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, REGULATOR, allow
from app.observability.metrics import CONTENT_TYPE, render

PATH = "/metrics"


def metrics_router(public: bool) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    dependencies = [] if public else [allow(ADMIN, REGULATOR)]

    @router.get(PATH, dependencies=dependencies)
    async def metrics(request: Request) -> Response:
        # Reading the processes' files and the database is blocking work.
        body = await run_in_threadpool(render, request.app.state.metrics_registry)
        return Response(body, media_type=CONTENT_TYPE)

    return router
