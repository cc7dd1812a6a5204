"""Sending receipts back to the single window: batches of the receipts that are due,
signed (Standard Webhooks), retried with backoff and jitter until delivered."""

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from enum import Enum

import httpx

from app.agencies.signing import signed_headers
from app.agencies.wire import MAX_BATCH
from mock_agencies.config import AgencySettings
from mock_agencies.faults import FaultPanel
from mock_agencies.store import AgencyStore, PendingReceipt

log = logging.getLogger(__name__)
# Batches in flight at once; enough for ~1,000 declarations/s with a 50 ms tick.
PARALLEL_BATCHES = 4


class Outcome(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # connection error, timeout, 429, 5xx
    DROP = "drop"  # any other 4xx: sending it again would not help


def batch_body(receipts: Sequence[PendingReceipt]) -> bytes:
    """A ``ReceiptBatch``, assembled from the receipts' stored JSON."""
    return b'{"receipts":[' + ",".join(r.body for r in receipts).encode() + b"]}"


class CallbackSender:
    def __init__(
        self,
        store: AgencyStore,
        settings: AgencySettings,
        panel: FaultPanel,
        client: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings
        self.panel = panel
        self.client = client
        self.clock = clock
        self.jitter = random.Random()

    async def run(self) -> None:
        await asyncio.to_thread(self.store.restart_retries)
        tick = self.settings.sender_tick_ms / 1000
        while True:
            try:
                sent = await self.send_due()
            except Exception:
                log.exception("sending receipts failed; trying again")
                sent = 0
            if not sent:
                await asyncio.sleep(tick)

    async def send_due(self) -> int:
        """Send what is due now; answer how many receipts were tried."""
        due = await asyncio.to_thread(
            self.store.due_receipts, self.clock(), MAX_BATCH * PARALLEL_BATCHES
        )
        batches = [due[start : start + MAX_BATCH] for start in range(0, len(due), MAX_BATCH)]
        outcomes = await asyncio.gather(*(self.deliver(batch) for batch in batches))
        await asyncio.to_thread(self._record, list(zip(batches, outcomes, strict=True)))
        return len(due)

    async def deliver(self, batch: Sequence[PendingReceipt]) -> Outcome:
        body = batch_body(batch)
        # The same receipts make the same message id, so a receiver may drop a repeat
        # by its webhook-id; it must still be ready for the same receipt in another batch.
        message_id = "msg_" + hashlib.sha256(body).hexdigest()[:32]
        outcome = await self._post(body, message_id)
        if outcome is Outcome.DELIVERED and self.panel.chance(
            self.panel.current.duplicateCallbacks
        ):
            await self._post(body, message_id)
        return outcome

    async def _post(self, body: bytes, message_id: str) -> Outcome:
        headers = signed_headers(self.settings.secret, body, message_id)
        try:
            response = await self.client.post(
                self.settings.callback_url, content=body, headers=headers
            )
        except httpx.HTTPError as error:
            log.info("callback to %s failed: %r", self.settings.callback_url, error)
            return Outcome.RETRY
        status = response.status_code
        if response.is_success:
            return Outcome.DELIVERED
        if 400 <= status < 500 and status != 429:
            log.warning(
                "callback %s refused with %s, receipts dropped: %s",
                message_id,
                status,
                response.text[:500],
            )
            return Outcome.DROP
        return Outcome.RETRY

    def _record(self, results: list[tuple[Sequence[PendingReceipt], Outcome]]) -> None:
        for batch, outcome in results:
            ids = [receipt.id for receipt in batch]
            if outcome is Outcome.DELIVERED:
                self.store.mark_sent(ids)
            elif outcome is Outcome.DROP:
                self.store.mark_dropped(ids)
            else:
                attempts = max(receipt.attempts for receipt in batch)
                self.store.postpone(ids, self.clock() + self._backoff(attempts))

    def _backoff(self, attempts: int) -> float:
        """Exponential, capped, with jitter so that many agencies do not retry in step."""
        doubled = self.settings.retry_base_ms << min(attempts, 30)
        ceiling = min(self.settings.retry_max_ms, doubled)
        return ceiling * self.jitter.uniform(0.5, 1.0) / 1000
