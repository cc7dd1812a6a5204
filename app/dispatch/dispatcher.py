"""The dispatcher: delivers due outbox messages to the agencies, and asks agencies
directly about declarations they have been quiet on for too long. Beside it, the pusher
(app.dispatch.pusher) sends status changes to webhook endpoints, apart from clearance.

It runs in the API process (the lifespan starts it) or alone in `singlewindow worker`
processes; any number can run over PostgreSQL."""

import asyncio
import contextlib
import hashlib
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
    UntrustedAnswer,
    timeouts,
)
from app.agencies.wire import (
    MAX_BATCH,
    ActionBatch,
    ActionKind,
    AgencyName,
    FilingBatch,
    Receipt,
    ReceiptStatus,
    declaration_batch_json,
    verified_reviews,
)
from app.config import Settings
from app.dispatch import payloads
from app.dispatch.pacing import Pacing
from app.dispatch.pusher import Pusher
from app.dispatch.webhook_client import webhook_client
from app.domain.clearance import Agency, AgencyStatus
from app.store import (
    afterlife,
    audit,
    derived,
    enterprises,
    idempotency,
    outbox,
    party_documents,
    receipts,
)
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
        pusher: Pusher | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.agencies = agencies
        self.pusher = pusher
        # Clearance has more than a round's work, or defers to a peak of intake: the
        # pusher holds back (app.dispatch.pusher).
        self.busy = False
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
        pushing = asyncio.create_task(self.pusher.run(stop)) if self.pusher else None
        try:
            await self._run(stop)
        finally:
            stop.set()
            if pushing is not None:
                await pushing

    async def _run(self, stop: asyncio.Event) -> None:
        log.info("dispatcher started")
        while not stop.is_set():
            try:
                if self.pacing.defer(*await self._arrivals()):
                    self.busy = True
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.dispatch_idle_seconds)
                    continue
                delivered = await self.tick()
                self.busy = delivered >= self.settings.dispatch_batch_size
            except Exception:
                log.exception("dispatcher round failed; retrying")
                delivered = 0
            # Apart from the round: a round that keeps failing must not stop them.
            await self._housekeeping()
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

    async def _housekeeping(self) -> None:
        """Every SW_RECONCILE_EVERY_SECONDS (not while the worker defers to a peak of
        intake): reconcile, forget expired idempotency keys, expire the parties'
        documents left unmatched, checkpoint the audit trail."""
        if time.monotonic() - self._last_reconcile <= self.settings.reconcile_every_seconds:
            return
        self._last_reconcile = time.monotonic()
        try:
            await self.reconcile()
            # Idempotency keys are kept 24 hours (or as set), then forgotten.
            await asyncio.to_thread(idempotency.purge_expired, self.engine)
            expired = await asyncio.to_thread(party_documents.expire_due, self.engine, utcnow())
            if expired:
                log.info("%d documents expired unmatched", len(expired))
            # A signed checkpoint of the audit trail's head, once a minute (or as set)
            # while the trail grows.
            await asyncio.to_thread(
                audit.checkpoint_if_due,
                self.engine,
                self.settings.audit_signing_key,
                self.settings.audit_checkpoint_seconds,
            )
        except Exception:
            log.exception("dispatcher housekeeping failed; retrying")

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
        claimed = await asyncio.to_thread(
            outbox.claim_each,
            self.engine,
            destinations,
            self.settings.dispatch_batch_size * self.settings.dispatch_parallel_batches,
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
            outbox.claim, self.engine, destination, self.settings.dispatch_batch_size, self.lease
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
        built: Mapping[int, payloads.Built] | None = None,
    ) -> None:
        """``built``: the declaration messages of the round, if read already."""
        if not claimed:
            return
        agency = self.agencies.get(destination)
        if agency is None:
            await self._dead(claimed, f"no agency named {destination!r}")
            return
        declarations = [m for m in claimed if m.kind == SUBMIT_DECLARATION]
        filings = [m for m in claimed if m.kind == enterprises.REGISTER_FILING]
        actions = [m for m in claimed if m.kind == afterlife.ACTION]
        known = {m.id for m in (*declarations, *filings, *actions)}
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
            ),
            *(
                self._act(agency, actions[start : start + MAX_BATCH])
                for start in range(0, len(actions), MAX_BATCH)
            ),
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
        built: Mapping[int, payloads.Built],
    ) -> None:
        if not messages:
            return
        await self._dead([m for m in messages if m.id not in built], "declaration not found")
        sendable = [m for m in messages if m.id in built]
        if not sendable:
            return
        batch = declaration_batch_json([built[m.id].body for m in sendable])
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
                version=built[m.id].version,
                decidedAt=now,
            )
            for m in accepted
        )
        taken.delivered.extend(m.id for m in accepted)
        for message in refused:
            result = results.get(message.subject_id)
            reason = result.error if result and result.error else "not in the agency's answer"
            await self._dead([message], f"refused by {agency.name}: {reason}")

    async def _act(self, agency: AgencyAdapter, messages: Sequence[Claimed]) -> None:
        """Withdrawals, cancellations and returns: the agency answers at once, signed, and
        the answers move each action on in the transaction that marks them delivered."""
        if not messages:
            return
        built = await asyncio.to_thread(afterlife.action_messages, self.engine, messages)
        await self._dead([m for m in messages if m.id not in built], "action not found")
        sendable = [m for m in messages if m.id in built]
        if not sendable:
            return
        try:
            answer = await agency.post_actions(
                ActionBatch(actions=[built[m.id] for m in sendable]), _batch_key(sendable)
            )
        except DeliveryError as error:
            await self._failed(sendable, error)
            return
        answers = {a.actionId: a for a in answer.answers}
        answered = [m for m in sendable if m.subject_id in answers]
        await asyncio.to_thread(
            afterlife.apply_answers,
            self.engine,
            [
                afterlife.Answered(ActionKind(built[m.id].kind), answers[m.subject_id])
                for m in answered
            ],
            delivered=[m.id for m in answered],
            now=utcnow(),
        )
        await self._dead(
            [m for m in sendable if m.subject_id not in answers],
            f"{agency.name} did not answer the action",
        )

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
        # Answers to the registrations the filings applied for count only when signed.
        reviews = verified_reviews(
            self.settings.agency_secret(agency.name), agency.name, answer.reviews
        )
        await asyncio.to_thread(
            enterprises.record_registrations, self.engine, agency.name, numbers, reviews
        )
        done = [m for m in sendable if m.subject_id in numbers]
        await asyncio.to_thread(outbox.mark_delivered, self.engine, [m.id for m in done])
        await self._dead(
            [m for m in sendable if m.subject_id not in numbers],
            f"{agency.name} did not register it",
        )

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
        """Poll agencies about declarations they acknowledged but have not decided; and
        catch up with work still pending long after it was due (``_catch_up``)."""
        await self._catch_up()
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
        """The agency's latest receipt on the declaration, if it is the agency's word on
        that declaration: an answer the agency did not sign, or about another agency's
        result or another declaration, is logged and not applied."""
        adapter = self.agencies.get(agency)
        if adapter is None:
            return None
        try:
            receipt = await adapter.fetch_receipt(declaration_id)
        except UntrustedAnswer as error:
            log.warning("not reconciled %s at %s: %s", declaration_id, agency, error)
            return None
        except DeliveryError as error:
            log.info("could not reconcile %s at %s: %s", declaration_id, agency, error)
            return None
        if receipt is not None and (
            receipt.agency != agency or receipt.declarationId != declaration_id
        ):
            log.warning(
                "not reconciled %s at %s: the answer is %s's about %s",
                declaration_id,
                agency,
                receipt.agency.value,
                receipt.declarationId,
            )
            return None
        return receipt

    async def _catch_up(self) -> None:
        """Work still pending ``reconcile_after_seconds`` after it was due, said in the
        log with its counts: declarations accepted and never derived (derived here, in
        case the rounds that would have are being deferred or keep failing past them),
        and outbox messages due and not delivered (a dead worker's, once its lease is
        over, are due again and the next round takes them; messages that stay overdue
        mean no round is delivering)."""
        cutoff = utcnow() - timedelta(seconds=self.settings.reconcile_after_seconds)
        underived = await asyncio.to_thread(derived.overdue, self.engine, cutoff)
        if underived:
            made = 0
            chunk = self.settings.derive_batch_size
            while made < underived:
                count = await asyncio.to_thread(derived.derive_pending, self.engine, chunk)
                made += count
                if count < chunk:
                    break
            log.warning(
                "%d declarations accepted before %s were not derived yet; %d derived now",
                underived,
                cutoff.isoformat(timespec="seconds"),
                made,
            )
        late = await asyncio.to_thread(outbox.overdue, self.engine, cutoff)
        if late:
            log.warning(
                "%d outbox messages due before %s are not delivered yet: %s",
                sum(late.values()),
                cutoff.isoformat(timespec="seconds"),
                ", ".join(f"{destination} {n}" for destination, n in sorted(late.items())),
            )


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


def build_dispatcher(
    engine: Engine, settings: Settings
) -> tuple[Dispatcher, list[httpx.AsyncClient]]:
    """A dispatcher, its pusher, and the HTTP clients they own (the caller closes them)."""
    clients = agency_clients(settings)
    pushes = webhook_client(settings)
    adapters = {
        name: HttpAgency(name, client, settings.agency_secret(name))
        for name, client in clients.items()
    }
    dispatcher = Dispatcher(engine, settings, adapters)
    dispatcher.pusher = Pusher(engine, settings, pushes, clearance_busy=lambda: dispatcher.busy)
    return dispatcher, [*clients.values(), pushes]
