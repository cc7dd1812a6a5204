"""The outbox table's life cycle: enqueue, claim, deliver, retry, dead-letter, re-drive.

A message is claimed by moving its ``next_attempt_at`` to the end of a lease; delivery
marks it ``delivered``; a failure schedules the next attempt with exponential backoff and
full jitter, until too many attempts or too much age make it ``dead``. On PostgreSQL
claims skip rows other workers hold (``FOR UPDATE SKIP LOCKED``), so any number of
workers can run; SQLite serializes writers, which gives the same guarantee."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Dialect, Engine, Integer, bindparam, func, or_, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import col, select

from app.store import bound_rows
from app.store.db import read_session, write_session
from app.store.models import OutboxMessage
from app.store.models.types import utcnow

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    destination: str
    kind: str
    subject_id: str
    idempotency_key: str
    payload: dict[str, Any] | None
    attempts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_seconds: float
    cap_seconds: float
    max_attempts: int
    max_age: timedelta

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with full jitter."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=random.uniform(0, ceiling))


@dataclass(frozen=True, slots=True)
class Message:
    destination: str
    kind: str
    subject_id: str
    idempotency_key: str
    payload: dict[str, Any] | None = None


def _row(m: Message, now: datetime) -> dict[str, Any]:
    return {
        "destination": m.destination,
        "kind": m.kind,
        "subject_id": m.subject_id,
        "idempotency_key": m.idempotency_key,
        "payload": m.payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }


ENQUEUE = bound_rows.insert_into(
    OutboxMessage.__table__,  # type: ignore[attr-defined]
    (
        "destination",
        "kind",
        "subject_id",
        "idempotency_key",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "delivered_at",
    ),
)


def enqueue_many(session: Session, messages: Sequence[Message], now: datetime) -> None:
    """Add messages in the caller's transaction (they commit with the change they announce)."""
    if not messages:
        return
    connection = session.connection()
    ENQUEUE.execute(connection, bind_messages(connection.dialect, messages, now))


def bind_messages(
    dialect: Dialect, messages: Sequence[Message], now: datetime
) -> list[bound_rows.DriverRow]:
    """Messages bound before the writer's turn, for ``ENQUEUE.execute`` in it."""
    return ENQUEUE.bind(dialect, (_row(m, now) for m in messages))


def due_destinations(engine: Engine, limit: int = 100) -> list[str]:
    with read_session(engine) as session:
        return list(
            session.scalars(
                select(OutboxMessage.destination)
                .where(
                    col(OutboxMessage.status) == PENDING,
                    col(OutboxMessage.next_attempt_at) <= utcnow(),
                )
                .distinct()
                .limit(limit)
            )
        )


def claim(
    engine: Engine, destination: str, limit: int, lease: timedelta, *, in_order: bool = False
) -> list[Claimed]:
    """Take up to ``limit`` due messages for one destination for the length of a lease.

    ``in_order`` keeps a destination's messages in sequence: only the run of due messages
    at the head of its queue is taken, so nothing overtakes a message waiting to retry."""
    return claim_each(engine, {destination: in_order}, limit, lease)[destination]


def claim_each(
    engine: Engine,
    destinations: Mapping[str, bool],
    limit: int | Mapping[str, int],
    lease: timedelta,
) -> dict[str, list[Claimed]]:
    """``claim`` for several destinations (each with its ``in_order``), in one
    transaction: up to ``limit`` messages each (or each destination's own), in id order."""
    now = utcnow()
    claimed: dict[str, list[Claimed]] = {}
    with write_session(engine) as session:
        connection = session.connection()
        for destination, in_order in destinations.items():
            rows = connection.execute(
                _CLAIM[in_order],
                {
                    "b_destination": destination,
                    "now": now,
                    "until": now + lease,
                    "limit": limit if isinstance(limit, int) else limit[destination],
                },
            )
            claimed[destination] = sorted((Claimed(*row) for row in rows), key=lambda m: m.id)
        session.commit()
    return claimed


def _claim(in_order: bool) -> ReturningUpdate[Any]:
    destination: BindParameter[str] = bindparam("b_destination")
    now: BindParameter[datetime] = bindparam("now")
    pending = (
        select(OutboxMessage.id)
        .where(col(OutboxMessage.destination) == destination, col(OutboxMessage.status) == PENDING)
        .order_by(col(OutboxMessage.id))
        .limit(bindparam("limit", type_=Integer))
    )
    if in_order:
        # The head of the queue, up to the first message that is not due yet.
        blocked = (
            select(func.min(OutboxMessage.id))
            .where(
                col(OutboxMessage.destination) == destination,
                col(OutboxMessage.status) == PENDING,
                col(OutboxMessage.next_attempt_at) > now,
            )
            .scalar_subquery()
        )
        pending = pending.where(or_(blocked.is_(None), col(OutboxMessage.id) < blocked))
    else:
        pending = pending.where(col(OutboxMessage.next_attempt_at) <= now)
    due = pending.with_for_update(skip_locked=True).scalar_subquery()
    return (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due))
        .values(next_attempt_at=bindparam("until"), attempts=col(OutboxMessage.attempts) + 1)
        .returning(
            col(OutboxMessage.id),
            col(OutboxMessage.destination),
            col(OutboxMessage.kind),
            col(OutboxMessage.subject_id),
            col(OutboxMessage.idempotency_key),
            col(OutboxMessage.payload),
            col(OutboxMessage.attempts),
            col(OutboxMessage.created_at),
        )
    )


# Built once, not in the writer's turn: building them took about half of a claim's time.
_CLAIM = {in_order: _claim(in_order) for in_order in (False, True)}


def postpone(engine: Engine, messages: Sequence[Claimed], until: datetime) -> None:
    """Give back claimed messages unsent, without counting the attempt."""
    if not messages:
        return
    with write_session(engine) as session:
        session.connection().execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_([m.id for m in messages]))
            .values(next_attempt_at=until, attempts=col(OutboxMessage.attempts) - 1)
        )
        session.commit()


def mark_delivered(engine: Engine, ids: Sequence[int]) -> None:
    if not ids:
        return
    with write_session(engine) as session:
        mark_delivered_in(session, ids, utcnow())
        session.commit()


def mark_delivered_in(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Mark messages delivered in the caller's transaction."""
    if ids:
        session.connection().execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .values(status=DELIVERED, delivered_at=now, last_error=None)
        )


def mark_failed(
    engine: Engine, messages: Sequence[Claimed], error: str, policy: RetryPolicy
) -> tuple[list[Claimed], datetime]:
    """Schedule another attempt, or dead-letter what has tried long enough. Answers the
    messages that went dead and when the last of the others is next due."""
    now = utcnow()
    gone: list[Claimed] = []
    latest = now
    with write_session(engine) as session:
        for message in messages:
            too_old = now - message.created_at > policy.max_age
            if message.attempts >= policy.max_attempts or too_old:
                gone.append(message)
                values: dict[str, Any] = {"status": DEAD, "last_error": error[:2000]}
            else:
                due = now + policy.delay(message.attempts)
                latest = max(latest, due)
                values = {"next_attempt_at": due, "last_error": error[:2000]}
            session.connection().execute(
                update(OutboxMessage).where(col(OutboxMessage.id) == message.id).values(**values)
            )
        session.commit()
    return gone, latest


def mark_dead(engine: Engine, ids: Sequence[int], error: str) -> None:
    """A message that can never succeed as it is (the receiver refused it)."""
    if not ids:
        return
    with write_session(engine) as session:
        session.connection().execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .values(status=DEAD, last_error=error[:2000])
        )
        session.commit()


def dead_letters(engine: Engine, limit: int = 100) -> list[OutboxMessage]:
    with read_session(engine) as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(col(OutboxMessage.status) == DEAD)
                .order_by(col(OutboxMessage.id))
                .limit(limit)
            )
        )


def redrive(engine: Engine, ids: Sequence[int] | None = None) -> int:
    """Put dead letters back in the queue (all of them when ``ids`` is None), with a
    fresh attempt count and age."""
    now = utcnow()
    query = update(OutboxMessage).where(col(OutboxMessage.status) == DEAD)
    if ids is not None:
        query = query.where(col(OutboxMessage.id).in_(ids))
    with write_session(engine) as session:
        result = session.connection().execute(
            query.values(status=PENDING, attempts=0, next_attempt_at=now, created_at=now).returning(
                col(OutboxMessage.id)
            )
        )
        count = len(result.all())
        session.commit()
    return count


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        )
        return {status: n for status, n in rows}
