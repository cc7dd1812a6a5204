"""The pusher: sends status changes to webhook endpoints, apart from clearance.

Each endpoint reads the event log from its own cursor (app.store.webhooks), one push at
a time and in order, so that it sees a declaration's changes as they happened. Up to
SW_WEBHOOK_CONCURRENCY endpoints are served at once, each in a task of its own: a slow,
hanging or trickling endpoint holds its own task up to the attempt's deadline and
nothing else. An endpoint that keeps failing waits longer and longer between attempts
and is parked after SW_WEBHOOK_PARK_AFTER failures in a row: then only a probe goes out,
at the retry schedule's pace, until one succeeds. An event still undelivered when it is
older than SW_DEAD_LETTER_AGE_SECONDS (24 hours) is given up on; its attempts stay in
the endpoint's deliveries, where its owner can send it again."""

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine

from app.agencies.client import DeliveryError, RefusedError, check_status, classify
from app.agencies.signing import webhook_headers
from app.ceb import pushes
from app.config import Settings
from app.domain import webhook_targets
from app.observability.metrics import count_push
from app.store import webhooks
from app.store.models.types import utcnow
from app.store.webhooks import Attempt, Event, Target, Turn

log = logging.getLogger("app.dispatch.pusher")

# How often the event log and the delivery attempts are pruned.
PRUNE_EVERY_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a failing endpoint is tried again: the delay doubles from ``base`` with each
    failure in a row, up to ``cap``, each drawn between half and all of it (jitter, so
    that endpoints that failed together do not come back together)."""

    base: float
    cap: float
    park_after: int
    horizon: timedelta

    def delay(self, failures: int, draw: Callable[[float, float], float]) -> float:
        full = min(self.cap, self.base * 2 ** max(0, min(failures - 1, 62)))
        return draw(full / 2, full)

    def parks(self, failures: int) -> bool:
        return failures >= self.park_after

    def expired(self, event: Event, now: datetime) -> bool:
        return now - event.created_at > self.horizon


def schedule_of(settings: Settings) -> Schedule:
    return Schedule(
        base=settings.webhook_retry_base_seconds,
        cap=settings.webhook_retry_cap_seconds,
        park_after=settings.webhook_park_after,
        horizon=timedelta(seconds=settings.dead_letter_age_seconds),
    )


async def push_once(
    client: httpx.AsyncClient,
    target: Target,
    event: Event,
    settings: Settings,
    *,
    redelivery: bool = False,
) -> Attempt:
    """One push of one event to one endpoint, cut off after the deadline however the
    endpoint answers (a connection that never answers or trickles a byte at a time)."""
    started = utcnow()
    clock = time.monotonic()
    status_code: int | None = None
    outcome, error = webhooks.DELIVERED, None
    try:
        # Endpoints registered before the rules were, or allowed by a setting since
        # removed: the URL is checked again as it stands. What a name resolves to is
        # checked by the webhook client as it connects (app.dispatch.webhook_client).
        refusal = webhook_targets.url_refusal(target.url, settings.webhook_hosts_allowed())
        if refusal is not None:
            raise RefusedError(f"not pushed: {refusal.message}")
        body, content_type = _push_body(target, event)
        headers = webhook_headers(target.secret, body, event.key) | {"content-type": content_type}
        async with asyncio.timeout(settings.webhook_deadline_seconds):
            response = await client.post(target.url, content=body, headers=headers)
        status_code = response.status_code
        _check_push_answer(response)
    except TimeoutError:
        outcome = webhooks.FAILED
        error = f"no complete answer within {settings.webhook_deadline_seconds:g} s"
    except Exception as exc:
        failure: DeliveryError = classify(exc)
        outcome = webhooks.REFUSED if isinstance(failure, RefusedError) else webhooks.FAILED
        error = str(failure) or "the push failed"
    took = time.monotonic() - clock
    count_push(outcome, took)
    return Attempt(
        endpoint_id=target.id,
        event_id=event.id,
        event_key=event.key,
        outcome=outcome,
        attempted_at=started,
        duration_ms=round(took * 1000),
        status_code=status_code,
        error=error,
        redelivery=redelivery,
    )


def _push_body(target: Target, event: Event) -> tuple[bytes, str]:
    """What a push carries, and its media type: the event as JSON, or a status change as
    a CEB622 receipt for an endpoint that asked for CEB XML (other events have no CEB
    message, and stay JSON). An event that cannot be told as a receipt (one logged
    before its fields were all kept) is refused: trying again would not change it."""
    if target.format == webhooks.CEB and event.type == webhooks.STATUS_CHANGED:
        try:
            return pushes.status_receipt(event.payload), "application/xml"
        except (KeyError, TypeError, ValueError) as exc:
            raise RefusedError(f"not pushed: no CEB receipt tells this event ({exc!r})") from None
    return json.dumps(event.payload, ensure_ascii=False).encode(), "application/json"


def _check_push_answer(response: httpx.Response) -> None:
    """A push is delivered by a 2xx answer only. Redirects are not followed (the push
    would land where nobody checked it may go), and a 3xx will not turn into a 2xx as
    the endpoint stands: the platform registers the URL it redirects to instead."""
    if 300 <= response.status_code < 400:
        where = response.headers.get("location", "")
        raise RefusedError(
            f"HTTP {response.status_code} redirect to {where[:500]!r}: pushes do not follow "
            "redirects; register the final URL"
        )
    check_status(response)


class Pusher:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        client: httpx.AsyncClient,
        draw: Callable[[float, float], float] = random.uniform,
        clearance_busy: Callable[[], bool] = lambda: False,
    ) -> None:
        self.engine = engine
        # Whether clearance (the dispatcher beside it) has more work than it can do at
        # once: pushes then go out slowly, one endpoint in eight and one push at a time
        # to each, so that they take the CPU from clearance as little as they can.
        self.clearance_busy = clearance_busy
        self.settings = settings
        self.client = client
        self.schedule = schedule_of(settings)
        self.draw = draw
        # A turn lasts at most a batch of attempts, each cut off at the deadline.
        self.lease = timedelta(
            seconds=settings.webhook_deadline_seconds * settings.webhook_batch_size + 60
        )
        self._serving: dict[str, asyncio.Task[None]] = {}
        self._last_prune = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        log.info("pusher started")
        woken = asyncio.Event()
        while not stop.is_set():
            try:
                await self._start_turns(woken)
                if time.monotonic() - self._last_prune > PRUNE_EVERY_SECONDS:
                    self._last_prune = time.monotonic()
                    older = utcnow() - timedelta(seconds=self.settings.webhook_retention_seconds)
                    await asyncio.to_thread(webhooks.prune, self.engine, older)
            except Exception:
                log.exception("pusher round failed; retrying")
            woken.clear()
            await _either(stop, woken, self.settings.webhook_poll_seconds)
        # Turns under way finish their attempt (each is bounded by the deadline).
        if self._serving:
            await asyncio.gather(*self._serving.values(), return_exceptions=True)
        log.info("pusher stopped")

    def _endpoints_at_once(self) -> int:
        most = self.settings.webhook_concurrency
        return max(1, most // 8) if self.clearance_busy() else most

    async def _start_turns(self, woken: asyncio.Event) -> None:
        free = self._endpoints_at_once() - len(self._serving)
        if free <= 0:
            return
        targets = await asyncio.to_thread(
            webhooks.claim_due, self.engine, self.lease, free, frozenset(self._serving)
        )
        for target in targets:
            task = asyncio.create_task(self.serve(target), name=f"push {target.id}")
            self._serving[target.id] = task

            def done(_: asyncio.Task[None], endpoint_id: str = target.id) -> None:
                self._serving.pop(endpoint_id, None)
                woken.set()

            task.add_done_callback(done)

    async def serve(self, target: Target) -> None:
        """One turn at an endpoint: its next events, until one fails (a parked endpoint
        gets one event, the probe)."""
        try:
            batch = 1 if target.parked else self.settings.webhook_batch_size
            events = await asyncio.to_thread(webhooks.events_after, self.engine, target, batch)
            attempts, turn = await self._push(target, events)
            await asyncio.to_thread(webhooks.finish_turn, self.engine, target.id, attempts, turn)
        except Exception:
            # The lease runs out and another turn starts over from the cursor.
            log.exception("push turn at endpoint %s failed", target.id)

    async def _push(self, target: Target, events: list[Event]) -> tuple[list[Attempt], Turn]:
        """Push a turn's events: each declaration's in order, up to
        SW_WEBHOOK_ENDPOINT_CONCURRENCY declarations' at once. After a failure nothing
        new is started; the cursor stops before the first event not delivered, and the
        retry starts there (a receiver may see an event again, under the same
        ``webhook-id``, as Standard Webhooks' at-least-once delivery allows)."""
        now = utcnow()
        failing = target.consecutive_failures > 0
        wanted = [e for e in events if target.wants(e)]
        # An endpoint that is failing gives up on what is past the horizon unsent.
        expired = [e for e in wanted if failing and self.schedule.expired(e, now)]
        gone = {e.id for e in expired}
        lanes: dict[str, list[Event]] = {}
        for event in wanted:
            if event.id not in gone:
                lanes.setdefault(event.subject, []).append(event)
        results: dict[int, Attempt] = {}
        stopped = asyncio.Event()
        at_once = self.settings.webhook_endpoint_concurrency
        room = asyncio.Semaphore(1 if target.parked or self.clearance_busy() else at_once)

        async def lane(queue: list[Event]) -> None:
            for event in queue:
                async with room:
                    if stopped.is_set():
                        return
                    attempt = await push_once(self.client, target, event, self.settings)
                results[event.id] = attempt
                if attempt.outcome == webhooks.FAILED:
                    stopped.set()
                    return

        await asyncio.gather(*(lane(queue) for queue in lanes.values()))
        cursor = target.cursor
        for event in events:
            attempt = results.get(event.id)
            if not target.wants(event) or event.id in gone:
                cursor = event.id
            elif attempt is None:
                break
            elif attempt.outcome == webhooks.FAILED:
                if not self.schedule.expired(event, attempt.attempted_at):
                    break
                expired.append(event)
                cursor = event.id
            else:
                # Delivered, or refused: retrying will not change the endpoint's answer,
                # which its owner sees in the deliveries; the next events go on.
                cursor = event.id
        attempts = sorted(results.values(), key=lambda a: a.event_id)
        attempts += [
            Attempt(
                endpoint_id=target.id,
                event_id=e.id,
                event_key=e.key,
                outcome=webhooks.EXPIRED,
                attempted_at=now,
                error=(
                    "given up on: undelivered "
                    f"{self.schedule.horizon.total_seconds() / 3600:g} h after it happened"
                ),
            )
            for e in expired
        ]
        return attempts, self._health(target, cursor, list(results.values()))

    def _health(self, target: Target, cursor: int, attempts: list[Attempt]) -> Turn:
        """The endpoint after a turn. A turn with a failure counts as one failure in a
        row (several declarations' pushes fail together when an endpoint goes down); a
        delivery ends the run of failures."""
        failed = [a for a in attempts if a.outcome != webhooks.DELIVERED]
        delivered = [a for a in attempts if a.outcome == webhooks.DELIVERED]
        failures = target.consecutive_failures
        if failed:
            failures = 1 if delivered else failures + 1
        elif delivered:
            failures = 0
        failure = max(failed, key=lambda a: a.attempted_at) if failed else None
        parked = self.schedule.parks(failures)
        now = utcnow()
        if failure is not None:
            log.info(
                "push to endpoint %s failed (%d in a row%s): %s",
                target.id,
                failures,
                ", parked" if parked else "",
                failure.error,
            )
        return Turn(
            cursor=cursor,
            consecutive_failures=failures,
            parked=parked,
            next_attempt_at=(
                now + timedelta(seconds=self.schedule.delay(failures, self.draw))
                if failures
                else None
            ),
            last_success_at=max(a.attempted_at for a in delivered) if delivered else None,
            last_failure_at=failure.attempted_at if failure else None,
            last_failure_reason=failure.error if failure else None,
        )


async def _either(first: asyncio.Event, second: asyncio.Event, timeout: float) -> None:
    """Wait until either event is set, at most ``timeout`` seconds."""
    waits = [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
