"""Fault knobs for the reliability tests: latency, errors, hangs, downtime, and duplicate
or out-of-order callbacks; and one scenario knob, customs refusing cancellations and
returns after release (``refuseAfterRelease``). Admin endpoints and the health check are
never faulted."""

import asyncio
import random

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_agencies.config import DEFAULT_DECISION_DELAY_MS, AgencySettings

UNFAULTED_PATHS = ("/admin/", "/healthz")


class Faults(BaseModel):
    """The knobs, as ``GET /admin/faults`` shows them."""

    model_config = ConfigDict(extra="forbid")

    latencyMs: int = Field(default=0, ge=0, description="Added to every request.")
    errorRate: float = Field(default=0, ge=0, le=1, description="Share answered 503 at once.")
    timeoutRate: float = Field(
        default=0, ge=0, le=1, description="Share handled but answered only after ~30 s."
    )
    down: bool = Field(default=False, description="Every request is answered 503.")
    duplicateCallbacks: float = Field(
        default=0, ge=0, le=1, description="Probability that a callback batch is sent twice."
    )
    outOfOrderCallbacks: bool = Field(
        default=False, description="Send a declaration's intermediate receipts after its final."
    )
    decisionDelayMs: int = Field(
        default=DEFAULT_DECISION_DELAY_MS, ge=0, description="From receipt to decision."
    )
    refuseAfterRelease: bool = Field(
        default=False,
        description="Customs refuses every cancellation and return after release "
        "(reason code customs_refused), so that the refusal can be seen end to end.",
    )

    @classmethod
    def from_settings(cls, settings: AgencySettings) -> "Faults":
        return cls(
            latencyMs=settings.latency_ms,
            errorRate=settings.error_rate,
            timeoutRate=settings.timeout_rate,
            down=settings.down,
            duplicateCallbacks=settings.duplicate_callbacks,
            outOfOrderCallbacks=settings.out_of_order_callbacks,
            decisionDelayMs=settings.decision_delay_ms,
            refuseAfterRelease=settings.refuse_after_release,
        )


class FaultsUpdate(BaseModel):
    """``PUT /admin/faults``: the knobs named change, the others stay as they are."""

    model_config = ConfigDict(extra="forbid")

    latencyMs: int | None = Field(default=None, ge=0)
    errorRate: float | None = Field(default=None, ge=0, le=1)
    timeoutRate: float | None = Field(default=None, ge=0, le=1)
    down: bool | None = None
    duplicateCallbacks: float | None = Field(default=None, ge=0, le=1)
    outOfOrderCallbacks: bool | None = None
    decisionDelayMs: int | None = Field(default=None, ge=0)
    refuseAfterRelease: bool | None = None


class FaultPanel:
    """The agency's current knobs and the dice that apply them."""

    def __init__(self, faults: Faults, hang_seconds: float) -> None:
        self.current = faults
        self.hang_seconds = hang_seconds
        self.random = random.Random()

    def update(self, change: FaultsUpdate) -> Faults:
        self.current = self.current.model_copy(update=change.model_dump(exclude_none=True))
        return self.current

    def chance(self, rate: float) -> bool:
        return rate > 0 and self.random.random() < rate


class FaultMiddleware:
    """Applies the knobs to every request but the admin ones, before the app sees it."""

    def __init__(self, app: ASGIApp, panel: FaultPanel) -> None:
        self.app = app
        self.panel = panel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNFAULTED_PATHS):
            await self.app(scope, receive, send)
            return
        faults = self.panel.current
        if faults.down:
            await _unavailable("the agency is down")(scope, receive, send)
            return
        if faults.latencyMs:
            await asyncio.sleep(faults.latencyMs / 1000)
        if self.panel.chance(faults.errorRate):
            await _unavailable("injected error")(scope, receive, send)
            return
        if self.panel.chance(faults.timeoutRate):
            await self.app(scope, receive, self._held_back(send))
            return
        await self.app(scope, receive, send)

    def _held_back(self, send: Send) -> Send:
        """The request takes effect, but its answer comes late: whoever gave up waiting
        must cope with a request that did happen (that is what idempotency keys are for)."""
        held = True

        async def send_late(message: Message) -> None:
            nonlocal held
            if held:
                held = False
                await asyncio.sleep(self.panel.hang_seconds)
            await send(message)

        return send_late


def _unavailable(detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": detail},
        status_code=503,
        media_type="application/problem+json",
        headers={"Retry-After": "1"},
    )
