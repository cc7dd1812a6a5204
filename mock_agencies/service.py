"""One agency as an HTTP service: ``create_app(settings)``.

- ``POST /filings``, ``POST /declarations``, ``GET /declarations/{id}``,
  ``POST /actions``: the wire format of ``app.agencies.wire``;
- ``GET /healthz``;
- ``GET/PUT /admin/faults`` and ``GET /admin/stats``, for the reliability tests."""

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from app.agencies.signing import signed_headers
from app.agencies.wire import (
    ActionBatch,
    ActionBatchResult,
    DeclarationBatch,
    DeclarationBatchResult,
    FilingBatch,
    FilingBatchResult,
    Receipt,
)
from mock_agencies.callbacks import CallbackSender
from mock_agencies.config import AgencySettings
from mock_agencies.faults import FaultMiddleware, FaultPanel, Faults, FaultsUpdate
from mock_agencies.intake import AgencyRules, DeclarationIntake
from mock_agencies.rules.customs import load_positive_list
from mock_agencies.rules.tax import load_rate_table
from mock_agencies.store import AgencyStats, AgencyStore

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


class AgencyProblem(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class AgencyRuntime:
    settings: AgencySettings
    store: AgencyStore
    intake: DeclarationIntake
    panel: FaultPanel


def agency_runtime(request: Request) -> AgencyRuntime:
    runtime: AgencyRuntime = request.app.state.agency
    return runtime


AgencyDep = Annotated[AgencyRuntime, Depends(agency_runtime)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]
router = APIRouter()


@router.post("/filings")
def register_filings(
    batch: FilingBatch, agency: AgencyDep, idempotency_key: IdempotencyKey = None
) -> FilingBatchResult:
    """Register enterprise filings; the same customs code keeps its registration number."""
    return agency.intake.register(batch, idempotency_key)


@router.post(
    "/declarations",
    status_code=202,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"title": "DeclarationBatch (app.agencies.wire)", "type": "object"}
                }
            },
        }
    },
)
async def take_declarations(
    request: Request, agency: AgencyDep, idempotency_key: IdempotencyKey = None
) -> DeclarationBatchResult:
    """Acknowledge declarations at once; the decisions follow as signed callbacks. The body
    (a ``DeclarationBatch``) is parsed from its bytes in one pass: the generic JSON parse
    and then validation of the parsed documents was a fifth of an agency's CPU (profiled)."""
    try:
        batch = DeclarationBatch.model_validate_json(await request.body())
    except ValidationError as invalid:
        raise RequestValidationError(invalid.errors(include_url=False)) from None
    return await run_in_threadpool(agency.intake.take, batch, idempotency_key)


@router.get(
    "/declarations/{declaration_id}",
    response_model=Receipt,
    responses={404: {"description": "No such declaration here", **PROBLEM}},
)
def latest_receipt(declaration_id: str, agency: AgencyDep) -> Response:
    """The latest receipt for the declaration: for reconciliation, when callbacks were lost.
    Signed as the callbacks are, so that the single window can tell it came from here."""
    body = agency.store.latest_receipt(declaration_id, time.time())
    if body is None:
        raise AgencyProblem(404, "declaration_unknown", f"no declaration {declaration_id} here")
    content = body.encode()
    headers = signed_headers(agency.settings.secret, content)
    return Response(content, media_type=headers.pop("content-type"), headers=headers)


@router.post("/actions", response_model=ActionBatchResult)
def take_actions(
    batch: ActionBatch, agency: AgencyDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """Withdrawals, cancellations and returns, answered at once, one answer per action.
    Signed as the callbacks are: the answers give a buyer's quota back and refund tax,
    so the single window applies them only when they come from here. An action asked
    again (by its ``actionId``) gets the answer it got the first time."""
    content = agency.intake.act(batch, idempotency_key)
    headers = signed_headers(agency.settings.secret, content)
    return Response(content, media_type=headers.pop("content-type"), headers=headers)


@router.get("/healthz")
async def healthz(agency: AgencyDep) -> dict[str, str | int]:
    # The pid lets a runner tell its own agency from another one holding the port.
    return {"status": "ok", "agency": agency.settings.name, "pid": os.getpid()}


@router.get("/admin/faults")
async def read_faults(agency: AgencyDep) -> Faults:
    return agency.panel.current


@router.put("/admin/faults")
async def change_faults(change: FaultsUpdate, agency: AgencyDep) -> Faults:
    """Change the knobs named in the body; the others keep their values."""
    return agency.panel.update(change)


@router.get("/admin/stats")
def read_stats(agency: AgencyDep) -> AgencyStats:
    return agency.store.stats()


async def _render_problem(_: Request, problem: Exception) -> Response:
    assert isinstance(problem, AgencyProblem)
    return JSONResponse(
        {
            "type": "about:blank",
            "title": problem.code.replace("_", " "),
            "status": problem.status,
            "code": problem.code,
            "detail": problem.detail,
        },
        status_code=problem.status,
        media_type="application/problem+json",
    )


def create_app(settings: AgencySettings) -> FastAPI:
    panel = FaultPanel(Faults.from_settings(settings), settings.timeout_hang_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await asyncio.to_thread(AgencyStore, settings.database_path)
        rules = AgencyRules(
            agency=settings.name,
            positive_list=load_positive_list(),
            rate_table=load_rate_table(),
            quarantine_sampling_rate=settings.quarantine_sampling_rate,
        )
        intake = DeclarationIntake(store, rules, panel, secret=settings.secret)
        app.state.agency = AgencyRuntime(settings, store, intake, panel)
        timeout = httpx.Timeout(settings.callback_timeout_seconds)
        async with httpx.AsyncClient(timeout=timeout) as client:
            sender = asyncio.create_task(CallbackSender(store, settings, panel, client).run())
            try:
                yield
            finally:
                sender.cancel()
                with suppress(asyncio.CancelledError):
                    await sender
                await asyncio.to_thread(store.close)

    app = FastAPI(
        title=f"Simulated agency: {settings.name}",
        summary="A simulated government agency speaking the single window's wire format.",
        lifespan=lifespan,
    )
    app.add_middleware(FaultMiddleware, panel=panel)
    app.add_exception_handler(AgencyProblem, _render_problem)
    app.include_router(router)
    return app
