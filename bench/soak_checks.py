"""What the soak checks once the load is over, each from its own source of truth: the
single window's database (read-only), each agency's own database, and the pushes the
healthy webhook endpoint recorded as they arrived."""

import contextlib
import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.agencies.wire import AgencyName
from app.store.models import Declaration, DeclarationEvent, OutboxMessage
from bench.clearance import OUTCOMES
from bench.stats import LatencySummary, summarize_ms

EXAMPLES = 10
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Stored:
    """A declaration as the single window's database holds it."""

    id: str
    status: str


def stored_declarations(engine: Engine, order_prefix: str) -> dict[str, Stored]:
    """The run's declarations by orderNo."""
    query = select(col(Declaration.order_no), col(Declaration.id), col(Declaration.status)).where(
        col(Declaration.order_no).startswith(order_prefix, autoescape=True)
    )
    with engine.connect() as connection:
        return {
            order_no: Stored(id_, status) for order_no, id_, status in connection.execute(query)
        }


def receipts_applied_twice(engine: Engine, order_prefix: str) -> int:
    """Agency receipts the single window applied more than once: the same agency's same
    news (the same note) twice in one declaration's history. (Several final-status
    events are normal: each agency's receipt after the outcome is recorded under it.)"""
    twice = (
        select(col(DeclarationEvent.declaration_id))
        .join(Declaration, col(Declaration.id) == col(DeclarationEvent.declaration_id))
        .where(
            col(Declaration.order_no).startswith(order_prefix, autoescape=True),
            col(DeclarationEvent.agency).is_not(None),
        )
        .group_by(
            col(DeclarationEvent.declaration_id),
            col(DeclarationEvent.agency),
            col(DeclarationEvent.note),
        )
        .having(func.count() > 1)
        .subquery()
    )
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(twice)).scalar_one())


def outbox_counts(engine: Engine) -> dict[str, int]:
    """Outbox messages by status (``dead``: dead letters)."""
    query = select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status))
    with engine.connect() as connection:
        return {status: int(n) for status, n in connection.execute(query).all()}


@dataclass(frozen=True)
class AgencyRecords:
    """One agency's own records of the run's declarations (one row per declaration id:
    a declaration sent again is recognised, not recorded twice)."""

    agency: str
    records: int
    missing: int  # declarations of the single window the agency has no record of
    unknown: int  # records of declarations the single window does not have
    items_received: int  # declarations it was sent, re-sends included
    missing_examples: list[str]


def agency_records(
    agency: AgencyName, database: Path, url: str, declaration_ids: set[str]
) -> AgencyRecords:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        records = {row[0] for row in db.execute("SELECT declaration_id FROM declarations")}
    stats = httpx.get(f"{url}/admin/stats", timeout=10).json()
    missing = sorted(declaration_ids - records)
    return AgencyRecords(
        agency=agency.value,
        records=len(records),
        missing=len(missing),
        unknown=len(records - declaration_ids),
        items_received=int(stats["itemsReceived"]),
        missing_examples=missing[:EXAMPLES],
    )


class PushLog:
    """The healthy endpoint's record of pushes (one JSON line each), read as it grows and
    kept as counts (ten minutes bring half a million pushes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self.received = 0
        self.again = 0  # arrived again under an id already seen
        self.under_two_ids = 0
        self.unverified = 0
        self.outcome_lags: list[float] = []  # seconds, the first arrival of each outcome
        self._changes: dict[str, dict[str, str]] = {}  # declaration → status → webhook-id

    def read(self) -> None:
        try:
            with self.path.open("rb") as record:
                record.seek(self._offset)
                chunk = record.read()
        except FileNotFoundError:
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line being written waits
        self._offset += len(complete)
        for line in complete.splitlines():
            self._count(json.loads(line))

    def _count(self, push: dict[str, Any]) -> None:
        self.received += 1
        self.unverified += not push["verified"]
        changes = self._changes.setdefault(push["declarationId"], {})
        known = changes.get(push["status"])
        if known is None:
            changes[push["status"]] = push["id"]
            if push["status"] in OUTCOMES:
                made = datetime.fromisoformat(push["createdAt"]).timestamp()
                self.outcome_lags.append(push["at"] - made)
        elif known == push["id"]:
            self.again += 1
        else:
            self.under_two_ids += 1

    def missing(self, finals: dict[str, str]) -> list[str]:
        """Declarations (id → final status) whose final status has not been pushed."""
        return [i for i, status in finals.items() if status not in self._changes.get(i, {})]

    def wait_for(self, finals: dict[str, str], stall: float) -> float | None:
        """Wait until every final status was pushed, as long as pushes keep coming (a
        pusher behind by minutes is slow, not stuck). Seconds waited; None when no push
        came for ``stall`` seconds and some are still missing."""
        started = last_push = time.monotonic()
        while True:
            received = self.received
            self.read()
            now = time.monotonic()
            if self.received > received:
                last_push = now
            if not self.missing(finals):
                return round(now - started, 2)
            if now - last_push > stall:
                return None
            time.sleep(POLL_SECONDS)


@dataclass(frozen=True)
class Pushes:
    received: int
    # Pushes that arrived again under an id already seen: delivery is at least once, so
    # an endpoint may see a push again after a failure (it deduplicates by the id).
    arrived_again: int
    # One status change of one declaration pushed under two ids: the service made the
    # same event twice, which no receiver could recognise.
    changes_under_two_ids: int
    unverified: int  # pushes whose Standard Webhooks signature did not verify
    finals_missing: int
    finals_missing_examples: list[str]
    # When the service made a declaration's final-status event → when it first arrived.
    final_push_lag_ms: LatencySummary | None
    waited_s: float | None  # after clearance drained; None: they stopped coming


def pushes(log: PushLog, finals: dict[str, str], waited: float | None) -> Pushes:
    log.read()
    missing = log.missing(finals)
    return Pushes(
        received=log.received,
        arrived_again=log.again,
        changes_under_two_ids=log.under_two_ids,
        unverified=log.unverified,
        finals_missing=len(missing),
        finals_missing_examples=missing[:EXAMPLES],
        final_push_lag_ms=summarize_ms(log.outcome_lags),
        waited_s=waited,
    )
