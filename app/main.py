"""The application factory. The lifespan owns the database engine."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic.json_schema import models_json_schema
from sqlalchemy import Engine

from app import console, docs_ui
from app.agencies.wire import ReceiptBatch
from app.auth import Authenticator, RateLimits, Rule, rule_of
from app.config import Settings, get_settings
from app.dispatch.dispatcher import build_dispatcher
from app.middleware import BodyLimitMiddleware, RequestContextMiddleware, RequestIdFilter
from app.observability import service as observability
from app.observability.intake import CountedIntake
from app.observability.logs import JsonFormatter
from app.openapi_document import document
from app.problems import PROBLEM_JSON, install_problem_handlers
from app.routers import (
    ceb,
    certificates,
    complaints,
    credit,
    declarations,
    documents,
    enterprises,
    health,
    intake,
    keys,
    problems,
    products,
    receipts,
    regulator,
    trace,
    webhooks,
)
from app.runtime import die_with_supervisor, tune_gc
from app.schemas.afterlife import CancellationRequest, ReturnRequest
from app.schemas.certificates import CertificateRegistration, SignaturePolicyChange
from app.schemas.declaration import DeclarationSet
from app.schemas.documents import OrderDocument, PaymentDocument, WaybillDocument
from app.schemas.enterprise import EnterpriseCreate
from app.schemas.goods import (
    DeliveryEventCreate,
    OriginCertificateCreate,
    ProductFilingCreate,
    RecallCreate,
)
from app.schemas.keys import ApiKeyCreate
from app.schemas.regulator import CreditGradeChange, FilingStatusChange
from app.schemas.responses import DeclarationBatchRequest
from app.schemas.trust import (
    MAX_COMPLAINT_BODY_BYTES,
    ComplaintCreate,
    ComplaintDecision,
    ListingCreate,
    ListingLift,
    TakedownAcknowledgement,
)
from app.schemas.webhook import WebhookCreate
from app.store.db import Checkpointer, make_engine
from app.store.group_commit import ReceiptCommitter

DESCRIPTION = """\
Cross-border e-commerce **single window** for retail imports.

Enterprises file once (企业备案); platforms declare each order once — the order (CEB311),
payment (CEB411) and waybill (CEB511) together — and get every problem in one answer, or an
acceptance. Every error is `application/problem+json` with a stable `code`, in English and
Chinese. POSTs take an `Idempotency-Key` header.
"""

# Request bodies parsed by the service itself (to keep amounts exact) are added to the
# spec's components here, since no route parameter names them.
_PARSED_BODIES = (
    DeclarationSet,
    DeclarationBatchRequest,
    EnterpriseCreate,
    ApiKeyCreate,
    CreditGradeChange,
    FilingStatusChange,
    ReceiptBatch,
    WebhookCreate,
    OrderDocument,
    PaymentDocument,
    WaybillDocument,
    CertificateRegistration,
    SignaturePolicyChange,
    CancellationRequest,
    ReturnRequest,
    ListingCreate,
    ListingLift,
    ComplaintCreate,
    ComplaintDecision,
    TakedownAcknowledgement,
    ProductFilingCreate,
    DeliveryEventCreate,
    RecallCreate,
    OriginCertificateCreate,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_tuning:
            tune_gc()
        engine = make_engine(settings.database_url, background_checkpoints=True)
        app.state.engine = engine
        app.state.authenticator = Authenticator(engine, settings)
        app.state.intake = CountedIntake(
            engine,
            key_ttl=timedelta(hours=settings.idempotency_ttl_hours),
            max_waiting=settings.intake_queue_limit,
        )
        app.state.intake.prepare()
        app.state.receipt_committer = ReceiptCommitter(engine)
        with Checkpointer(engine), observability.observed(app, engine, settings):
            async with running_dispatcher(engine, settings):
                try:
                    yield
                finally:
                    await app.state.intake.close()
                    await app.state.receipt_committer.close()
        engine.dispose()

    app = FastAPI(
        title="Single Window",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        separate_input_output_schemas=False,
        # Served by app.docs_ui from the package's own files (FastAPI's load a CDN's).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.rate_limits = RateLimits(settings)
    install_problem_handlers(app)
    app.include_router(enterprises.router)
    app.include_router(declarations.router)
    app.router.routes.extend(intake.routes)
    app.include_router(documents.router)
    app.include_router(ceb.router)
    app.include_router(receipts.router)
    app.include_router(webhooks.router)
    app.include_router(keys.router)
    app.include_router(certificates.router)
    app.include_router(regulator.router)
    app.include_router(credit.router)
    app.include_router(complaints.router)
    app.include_router(products.router)
    app.include_router(trace.router)
    app.include_router(health.router)
    app.include_router(problems.router)
    app.include_router(console.router)
    docs_ui.install(app)
    request_metrics = observability.install(app, settings)
    refuse_routes_without_rules(app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        larger={
            "/v1/declarations/batch": settings.max_batch_body_bytes,
            # Evidence: up to five files of 2 MiB, in base64.
            "/v1/complaints": MAX_COMPLAINT_BODY_BYTES,
        },
    )
    app.add_middleware(
        RequestContextMiddleware,
        recycle_every=settings.connection_recycle_every,
        observe=request_metrics.observe,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


@dataclass(frozen=True, slots=True)
class ApiRoute:
    methods: frozenset[str]
    path: str
    rule: Rule | None


def api_routes(app: FastAPI) -> Iterator[ApiRoute]:
    """The app's ``/v1`` routes, with the full path and the access rule of each."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = context.path_format or ""
        if isinstance(route, APIRoute) and path.startswith("/v1/"):
            yield ApiRoute(frozenset(context.methods or ()), path, rule_of(route.dependencies))
        elif isinstance(route, intake.IntakeRoute):
            yield ApiRoute(frozenset(route.methods or ()), path, route.rule)


def refuse_routes_without_rules(app: FastAPI) -> None:
    """Every ``/v1`` route says who may call it; one that does not is a bug, found here
    rather than by a caller."""
    missing = [f"{sorted(r.methods)} {r.path}" for r in api_routes(app) if r.rule is None]
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(missing)}")


@asynccontextmanager
async def running_dispatcher(engine: Engine, settings: Settings) -> AsyncIterator[None]:
    """Run the outbox dispatcher beside the API, unless it runs in worker processes."""
    if not settings.dispatcher_enabled:
        yield
        return
    dispatcher, clients = build_dispatcher(engine, settings)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop), name="dispatcher")
    try:
        yield
    finally:
        stop.set()
        await task
        for client in clients:
            await client.aclose()


def build_openapi(app: FastAPI) -> dict[str, Any]:
    routes = [*app.routes, *intake.documentation()]
    spec = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=routes,
    )
    _, parsed = models_json_schema(
        [(model, "validation") for model in _PARSED_BODIES],
        ref_template="#/components/schemas/{model}",
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in parsed.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    _errors_as_problems(spec)
    document(spec, routes, {(m, r.path): r.rule for r in api_routes(app) for m in r.methods})
    return spec


_FASTAPI_VALIDATION_ERROR = {"$ref": "#/components/schemas/HTTPValidationError"}


def _errors_as_problems(spec: dict[str, Any]) -> None:
    """Every error answer is ``application/problem+json`` with the ``Problem`` schema
    (``app.problems``): the spec says so, for the errors routes declare and for the 422
    FastAPI adds to routes with parameters, which describes a body the app never sends."""
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                default = content.get("application/json", {}).get("schema")
                if PROBLEM_JSON in content or default == _FASTAPI_VALIDATION_ERROR:
                    response["content"] = {
                        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
    schemas = spec["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def serve_app() -> FastAPI:
    """The app as ``singlewindow serve`` runs it, in each of its processes: the log
    configured as in the process that started them, and none outliving it."""
    die_with_supervisor()
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def configure_logging(level: str, as_json: bool | None = None) -> None:
    """The service's log: text, or a JSON object per line (``SW_LOG_FORMAT``; by default
    from the settings). As JSON, the server's own lines (uvicorn's) are JSON too."""
    if as_json is None:
        as_json = get_settings().logs_as_json()
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger("app")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    if as_json:
        for name in ("uvicorn", "uvicorn.error"):
            server = logging.getLogger(name)
            server.handlers[:] = [handler]
            server.propagate = False
