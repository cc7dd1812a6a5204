"""The dispatcher: delivers due outbox messages to the agencies and webhook endpoints,
and asks agencies directly about declarations they have been quiet on for too long.

It runs in the API process (the lifespan starts it) or alone in `singlewindow worker`
processes; any number can run over PostgreSQL."""

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine
from sqlmodel import col, select

from app.agencies.client import (
    AgencyAdapter,
    DeliveryError,
    HttpAgency,
    RefusedError,
    check_status,
    classify,
    timeouts,
)
from app.agencies.signing import webhook_headers
from app.agencies.wire import (
    AgencyName,
    FilingBatch,
    Receipt,
    ReceiptStatus,
    declaration_batch_json,
)
from app.config import Settings
from app.dispatch import payloads
from app.dispatch.pacing import Pacing
from app.dispatch.webhook_client import webhook_client
from app.domain import webhook_targets
from app.domain.clearance import Agency, AgencyStatus
from app.store import derived, enterprises, idempotency, outbox, receipts, webhooks
from app.store.db import read_session
from app.store.derived import SUBMIT_DECLARATION
from app.store.models import DeclarationAgency
from app.store.models.types import utcnow
from app.store.outbox import Claimed, RetryPolicy

log = logging.getLogger("app.dispatch")


def agency_clients(settings: Settings) -> dict[str, httpx.AsyncClient]:
    """One client per agency, with explicit timeouts."""
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    return {
        agency.value: httpx.AsyncClient(
            base_url=settings.agency_url(agency),
            timeout=timeouts(settings.dispatch_connect_timeout, settings.dispatch_read_timeout),
            limits=limits,
        )
        for agency in Agency
    }


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        agencies: Mapping[str, AgencyAdapter],
        webhook_client: httpx.AsyncClient,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.agencies = agencies
        self.webhook_client = webhook_client
        self.allowed_hosts = settings.webhook_hosts_allowed()
        self.policy = RetryPolicy(
            base_seconds=settings.retry_base_seconds,
            cap_seconds=settings.retry_cap_seconds,
            max_attempts=settings.dead_letter_attempts,
            max_age=timedelta(seconds=settings.dead_letter_age_seconds),
        )
        self.lease = timedelta(seconds=settings.dispatch_lease_seconds)
        self._last_reconcile = 0.0
        self._arrivals_since: datetime | None = None
        self.pacing = Pacing(
            yield_above=settings.worker_yield_above,
            max_defer=settings.worker_max_defer_seconds,
        )

    async def run(self, stop: asyncio.Event) -> None:
        log.info("dispatcher started")
        while not stop.is_set():
            try:
                if self.pacing.defer(*await self._arrivals()):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.dispatch_idle_seconds)
                    continue
                delivered = await self.tick()
                if time.monotonic() - self._last_reconcile > self.settings.reconcile_every_seconds:
                    self._last_reconcile = time.monotonic()
                    await self.reconcile()
                    # Idempotency keys are kept 24 hours (or as set), then forgotten.
                    await asyncio.to_thread(idempotency.purge_expired, self.engine)
            except Exception:
                log.exception("dispatcher round failed; retrying")
                delivered = 0
            # Idle: wait for work. Busy but below full batches: linger a moment so that the
            # next round carries more per call (each round costs a few transactions and
            # one request per agency, whatever its size).
            if not delivered:
                pause = self.settings.dispatch_idle_seconds
            elif delivered < self.settings.dispatch_batch_size:
                pause = self.settings.dispatch_linger_seconds
            else:
                pause = 0
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
        log.info("dispatcher stopped")

    async def _arrivals(self) -> tuple[int, float]:
        """The declarations accepted since the last call, and the seconds since."""
        since, until = self._arrivals_since, utcnow()
        self._arrivals_since = until
        if since is None:
            return 0, 0.0
        count = await asyncio.to_thread(derived.arrivals, self.engine, since, until)
        return count, (until - since).total_seconds()

    async def _derive(self) -> int:
        """Derive enough declarations for a round's deliveries, a few dozen per
        transaction (intake waits for the writer while one runs on SQLite)."""
        made = 0
        chunk = self.settings.derive_batch_size
        while made < self.settings.dispatch_batch_size * self.settings.dispatch_parallel_batches:
            count = await asyncio.to_thread(derived.derive_pending, self.engine, chunk)
            made += count
            if count < chunk:
                break
        return made

    async def tick(self) -> int:
        """Deliver one batch to each destination with messages due; answers how many.

        One transaction claims for every destination, and one, at the end, records what
        the agencies acknowledged: a round costs the same few transactions whatever the
        number of destinations. First, what derives from the declarations accepted
        since the last round is written, their outbox messages among it."""
        made = await self._derive()
        destinations = await asyncio.to_thread(outbox.due_destinations, self.engine)
        if not destinations:
            return made
        # An agency takes a few batches at once: a round waits for the agencies' answers,
        # so one batch per round held delivery to a batch per round trip.
        pushes = {d: d.startswith(webhooks.DESTINATION_PREFIX) for d in destinations}
        batch = self.settings.dispatch_batch_size
        claimed = await asyncio.to_thread(
            outbox.claim_each,
            self.engine,
            pushes,
            {
                d: batch if push else batch * self.settings.dispatch_parallel_batches
                for d, push in pushes.items()
            },
            self.lease,
        )
        # Each declaration is read once for all the agencies it goes to.
        built = await asyncio.to_thread(
            payloads.declaration_messages,
            self.engine,
            [m for d in destinations for m in claimed[d] if m.kind == SUBMIT_DECLARATION],
        )
        taken = _Taken()
        outcomes = await asyncio.gather(
            *(self._deliver(d, claimed[d], taken, built) for d in destinations),
            return_exceptions=True,
        )
        # What the others delivered is recorded even when one destination's round failed.
        await self._record(taken)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return made + sum(len(messages) for messages in claimed.values())

    async def deliver(self, destination: str) -> int:
        """Deliver one batch to one destination; answers how many messages it carried."""
        claimed = await asyncio.to_thread(
            lambda: outbox.claim(
                self.engine,
                destination,
                self.settings.dispatch_batch_size,
                self.lease,
                in_order=destination.startswith(webhooks.DESTINATION_PREFIX),
            )
        )
        taken = _Taken()
        await self._deliver(destination, claimed, taken)
        await self._record(taken)
        return len(claimed)

    async def _deliver(
        self,
        destination: str,
        claimed: Sequence[Claimed],
        taken: "_Taken",
        built: Mapping[int, bytes] | None = None,
    ) -> None:
        """``built``: the declaration messages of the round, if read already."""
        if not claimed:
            return
        if destination.startswith(webhooks.DESTINATION_PREFIX):
            await self._push_in_order(claimed)
            return
        agency = self.agencies.get(destination)
        if agency is None:
            await self._dead(claimed, f"no agency named {destination!r}")
            return
        declarations = [m for m in claimed if m.kind == SUBMIT_DECLARATION]
        filings = [m for m in claimed if m.kind == enterprises.REGISTER_FILING]
        known = {m.id for m in (*declarations, *filings)}
        unknown = [m for m in claimed if m.id not in known]
        await self._dead(unknown, "unknown message kind")
        # Filings first: a declaration may name an enterprise the same batch announces.
        await self._register(agency, filings)
        if built is None:
            built = await asyncio.to_thread(
                payloads.declaration_messages, self.engine, declarations
            )
        size = self.settings.dispatch_batch_size
        await asyncio.gather(
            *(
                self._submit(agency, declarations[start : start + size], taken, built)
                for start in range(0, len(declarations), size)
            )
        )

    async def _record(self, taken: "_Taken") -> None:
        """The acknowledgements and the deliveries that carried them, in one transaction."""
        if taken.delivered:
            await asyncio.to_thread(
                receipts.apply_receipts, self.engine, taken.acks, delivered=taken.delivered
            )

    async def _submit(
        self,
        agency: AgencyAdapter,
        messages: Sequence[Claimed],
        taken: "_Taken",
        built: Mapping[int, bytes],
    ) -> None:
        if not messages:
            return
        await self._dead([m for m in messages if m.id not in built], "declaration not found")
        sendable = [m for m in messages if m.id in built]
        if not sendable:
            return
        batch = declaration_batch_json([built[m.id] for m in sendable])
        try:
            answer = await agency.submit_declarations(batch, _batch_key(sendable))
        except RefusedError as error:
            if len(sendable) == 1:
                await self._failed(sendable, error)
                return
            # One bad declaration must not take the batch down with it: send them one by
            # one, and only what is refused alone goes dead.
            for message in sendable:
                await self._submit(agency, [message], taken, built)
            return
        except DeliveryError as error:
            await self._failed(sendable, error)
            return
        results = {r.declarationId: r for r in answer.results}
        accepted = [m for m in sendable if (r := results.get(m.subject_id)) and r.accepted]
        accepted_ids = {m.id for m in accepted}
        refused = [m for m in sendable if m.id not in accepted_ids]
        now = utcnow()
        taken.acks.extend(
            Receipt(
                declarationId=m.subject_id,
                agency=AgencyName(agency.name),
                status=ReceiptStatus.ACKNOWLEDGED,
                sequence=0,
                decidedAt=now,
            )
            for m in accepted
        )
        taken.delivered.extend(m.id for m in accepted)
        for message in refused:
            result = results.get(message.subject_id)
            reason = result.error if result and result.error else "not in the agency's answer"
            await self._dead([message], f"refused by {agency.name}: {reason}")

    async def _register(self, agency: AgencyAdapter, messages: Sequence[Claimed]) -> None:
        if not messages:
            return
        built = await asyncio.to_thread(payloads.filing_messages, self.engine, messages)
        await self._dead([m for m in messages if m.id not in built], "filing not found")
        sendable = [m for m in messages if m.id in built]
        if not sendable:
            return
        try:
            answer = await agency.register_filings(
                FilingBatch(filings=[built[m.id] for m in sendable]), _batch_key(sendable)
            )
        except DeliveryError as error:
            await self._failed(sendable, error)
            return
        numbers = {r.customsCode: r.registrationNo for r in answer.registrations}
        await asyncio.to_thread(enterprises.record_registrations, self.engine, agency.name, numbers)
        done = [m for m in sendable if m.subject_id in numbers]
        await asyncio.to_thread(outbox.mark_delivered, self.engine, [m.id for m in done])
        await self._dead(
            [m for m in sendable if m.subject_id not in numbers],
            f"{agency.name} did not register it",
        )

    async def _push_in_order(self, messages: Sequence[Claimed]) -> None:
        """Status changes to one webhook endpoint, one after another: when one fails, the
        ones after it wait for its retry, so that the endpoint sees them in order."""
        for position, message in enumerate(messages):
            error = await self._push(message)
            if error is None:
                continue
            gone, retry_at = await self._failed([message], error)
            rest = messages[position + 1 :]
            await asyncio.to_thread(
                outbox.postpone, self.engine, rest, utcnow() if gone else retry_at
            )
            return

    async def _push(self, message: Claimed) -> DeliveryError | None:
        """One status change to one webhook endpoint, signed with the endpoint's secret."""
        endpoint_id = message.destination.removeprefix(webhooks.DESTINATION_PREFIX)
        target = await asyncio.to_thread(webhooks.endpoint, self.engine, endpoint_id)
        if target is None or message.payload is None:
            await self._dead([message], "the webhook endpoint was removed")
            return None
        # Endpoints registered before the rules were, or allowed by a setting since
        # removed: the URL is checked again as it stands. What a name resolves to is
        # checked by the webhook client as it connects (app.dispatch.webhook_client).
        refusal = webhook_targets.url_refusal(target.url, self.allowed_hosts)
        if refusal is not None:
            return RefusedError(f"not pushed: {refusal.message}")
        body = json.dumps(message.payload, ensure_ascii=False).encode()
        try:
            response = await self.webhook_client.post(
                target.url,
                content=body,
                headers=webhook_headers(target.secret, body, message.idempotency_key),
            )
            _check_push_answer(response)
        except Exception as exc:
            return classify(exc)
        await asyncio.to_thread(outbox.mark_delivered, self.engine, [message.id])
        return None

    async def _failed(
        self, messages: Sequence[Claimed], error: DeliveryError
    ) -> tuple[list[Claimed], datetime]:
        """Retry later, or dead-letter; answers the dead and the next attempt's time."""
        if isinstance(error, RefusedError):
            await self._dead(messages, str(error))
            return list(messages), utcnow()
        gone, retry_at = await asyncio.to_thread(
            outbox.mark_failed, self.engine, messages, str(error), self.policy
        )
        for message in gone:
            log.warning("dead letter %s to %s: %s", message.id, message.destination, error)
        return gone, retry_at

    async def _dead(self, messages: Sequence[Claimed], reason: str) -> None:
        if not messages:
            return
        for message in messages:
            log.warning("dead letter %s to %s: %s", message.id, message.destination, reason)
        await asyncio.to_thread(outbox.mark_dead, self.engine, [m.id for m in messages], reason)

    async def reconcile(self) -> None:
        """Poll agencies about declarations they acknowledged but have not decided."""
        quiet = await asyncio.to_thread(self._undecided)
        if not quiet:
            return
        fetched = await asyncio.gather(
            *(self._fetch(agency, declaration_id) for agency, declaration_id in quiet)
        )
        found = [r for r in fetched if r is not None]
        if found:
            outcome = await asyncio.to_thread(receipts.apply_receipts, self.engine, found)
            log.info("reconciled %d receipts (%d new)", len(found), outcome.applied)

    def _undecided(self) -> list[tuple[str, str]]:
        cutoff = utcnow() - timedelta(seconds=self.settings.reconcile_after_seconds)
        with read_session(self.engine) as session:
            rows = session.execute(
                select(DeclarationAgency.agency, DeclarationAgency.declaration_id)
                .where(
                    col(DeclarationAgency.status).in_(
                        [AgencyStatus.ACKNOWLEDGED, AgencyStatus.INSPECTION]
                    ),
                    col(DeclarationAgency.updated_at) < cutoff,
                )
                .order_by(col(DeclarationAgency.updated_at))
                .limit(200)
            )
            return [(agency, declaration_id) for agency, declaration_id in rows]

    async def _fetch(self, agency: str, declaration_id: str) -> Receipt | None:
        adapter = self.agencies.get(agency)
        if adapter is None:
            return None
        try:
            return await adapter.fetch_receipt(declaration_id)
        except DeliveryError as error:
            log.info("could not reconcile %s at %s: %s", declaration_id, agency, error)
            return None


@dataclass
class _Taken:
    """What the agencies took in one round: the acknowledgements their answers carried,
    and the outbox messages those answers delivered."""

    acks: list[Receipt] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)


def _batch_key(messages: Sequence[Claimed]) -> str:
    """The batch's idempotency key: the same messages make the same key, whatever order
    they were claimed in; any other grouping makes another."""
    keys = "\n".join(sorted(m.idempotency_key for m in messages))
    return "batch-" + hashlib.sha256(keys.encode()).hexdigest()[:40]


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


def build_dispatcher(
    engine: Engine, settings: Settings
) -> tuple[Dispatcher, list[httpx.AsyncClient]]:
    """A dispatcher and the HTTP clients it owns (the caller closes them)."""
    clients = agency_clients(settings)
    pushes = webhook_client(settings)
    adapters = {name: HttpAgency(name, client) for name, client in clients.items()}
    return Dispatcher(engine, settings, adapters, pushes), [*clients.values(), pushes]
