"""The outbox table's life cycle: enqueue, claim, deliver, retry, dead-letter, re-drive.

A message is claimed by moving its ``next_attempt_at`` to the end of a lease; delivery
marks it ``delivered``; a failure schedules the next attempt with exponential backoff and
full jitter, until the message's age reaches the horizon (``RetryPolicy``) and it is
``dead``. On PostgreSQL
claims skip rows other workers hold (``FOR UPDATE SKIP LOCKED``), so any number of
workers can run; SQLite serializes writers, which gives the same guarantee."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Dialect, Engine, Integer, bindparam, func, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import col, select

from app.store import audit, bound_rows
from app.store.db import read_session, write_session
from app.store.models import OutboxMessage
from app.store.models.types import utcnow

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
# Not to be delivered any more: what it delivered was withdrawn (a declaration cancelled
# before the agencies had it).
WITHDRAWN = "withdrawn"


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
    """Exponential backoff with full jitter, until the horizon.

    The wait after a failure is drawn uniformly between 0 and a ceiling that doubles from
    ``base_seconds`` with each attempt, up to ``cap_seconds`` in the message's first
    ``late_after`` (an agency back from a short outage gets its messages within a
    minute), then up to ``late_cap_seconds`` (a long outage is not hammered, and the
    messages of many workers spread out). A wait never goes past ``max_age``: the last
    attempt is made when the message reaches that age, and a failure then makes it a dead
    letter. ``max_attempts``, if set, ends it sooner."""

    base_seconds: float
    cap_seconds: float
    max_attempts: int | None
    max_age: timedelta
    late_after: timedelta = timedelta(hours=1)
    late_cap_seconds: float = 15 * 60

    def ceiling(self, attempts: int, age: timedelta) -> float:
        """The longest wait after the ``attempts``-th attempt of a message ``age`` old."""
        cap = self.cap_seconds
        if age >= self.late_after:
            cap = max(cap, self.late_cap_seconds)
        # The exponent is bounded: past 64 doublings every ceiling is the cap anyway.
        doublings = min(max(attempts - 1, 0), 64)
        return min(cap, self.base_seconds * float(2**doublings))

    def next_wait(
        self, attempts: int, age: timedelta, draw: float | None = None
    ) -> timedelta | None:
        """How long a message ``age`` old waits after its ``attempts``-th attempt failed;
        None: it is a dead letter. ``draw`` (0 to 1): the jitter, random if not given."""
        if age >= self.max_age or (self.max_attempts is not None and attempts >= self.max_attempts):
            return None
        jitter = random.random() if draw is None else draw
        wait = timedelta(seconds=jitter * self.ceiling(attempts, age))
        return min(wait, self.max_age - age)


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


def claim(engine: Engine, destination: str, limit: int, lease: timedelta) -> list[Claimed]:
    """Take up to ``limit`` due messages for one destination for the length of a lease."""
    return claim_each(engine, [destination], limit, lease)[destination]


def claim_each(
    engine: Engine,
    destinations: Sequence[str],
    limit: int | Mapping[str, int],
    lease: timedelta,
) -> dict[str, list[Claimed]]:
    """``claim`` for several destinations in one transaction: up to ``limit`` messages
    each (or each destination's own), in id order."""
    now = utcnow()
    claimed: dict[str, list[Claimed]] = {}
    with write_session(engine) as session:
        connection = session.connection()
        for destination in destinations:
            rows = connection.execute(
                _CLAIM,
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


def _claim() -> ReturningUpdate[Any]:
    destination: BindParameter[str] = bindparam("b_destination")
    now: BindParameter[datetime] = bindparam("now")
    due = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.destination) == destination,
            col(OutboxMessage.status) == PENDING,
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .order_by(col(OutboxMessage.id))
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
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


# Built once, not in the writer's turn: building it took about half of a claim's time.
_CLAIM = _claim()


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
    later: list[dict[str, Any]] = []
    latest = now
    for message in messages:
        wait = policy.next_wait(message.attempts, now - message.created_at)
        if wait is None:
            gone.append(message)
        else:
            latest = max(latest, now + wait)
            later.append({"b_id": message.id, "b_due": now + wait})
    # Two statements whatever the number of messages: an agency that is down fails whole
    # batches, and the writer's turn they take is intake's wait on SQLite.
    with write_session(engine) as session:
        connection = session.connection()
        if later:
            connection.execute(_RETRY_LATER, [row | {"b_error": error[:2000]} for row in later])
        if gone:
            connection.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_([m.id for m in gone]))
                .values(status=DEAD, last_error=error[:2000])
            )
        session.commit()
    return gone, latest


_RETRY_LATER = (
    update(OutboxMessage)
    .where(col(OutboxMessage.id) == bindparam("b_id"))
    .values(next_attempt_at=bindparam("b_due"), last_error=bindparam("b_error"))
)


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


def redrive(engine: Engine, ids: Sequence[int] | None = None, *, actor: str = "cli") -> int:
    """Put dead letters back in the queue (all of them when ``ids`` is None), with a
    fresh attempt count and age; recorded in the audit trail, with the messages sent
    again."""
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
        redriven = sorted(i for i in result.scalars() if i is not None)
        if redriven:
            audit.record_action(
                session,
                actor,
                "outbox.redriven",
                "outbox",
                "dead-letters",
                {"ids": redriven, "count": len(redriven), "all": ids is None},
            )
        session.commit()
    return len(redriven)


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        )
        return {status: n for status, n in rows}


def overdue(engine: Engine, due_before: datetime) -> dict[str, int]:
    """Pending messages due before the time given, by destination: due long ago and still
    not delivered. A claim is a lease (``next_attempt_at`` moves to its end), so the
    messages of a worker that died count here once their lease is over, and the next
    round takes them."""
    with read_session(engine) as session:
        rows = session.execute(
            select(OutboxMessage.destination, func.count())
            .where(
                col(OutboxMessage.status) == PENDING,
                col(OutboxMessage.next_attempt_at) < due_before,
            )
            .group_by(col(OutboxMessage.destination))
        )
        return {destination: n for destination, n in rows}
