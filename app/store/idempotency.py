"""Idempotency keys: the first answer to a key is stored and replayed to retries.

A key belongs to one caller. Single declarations claim their key and store its answer
in the transaction that decides them (``claim_many``, ``complete_many``), so a retry
finds either nothing or the answer. Other requests claim the key before the work starts
(so a concurrent retry sees it in flight), complete it with the answer, or release it
if the work failed without an answer worth keeping."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.errors import DomainError, IdempotencyKeyInFlight, IdempotencyKeyReused
from app.store.db import write_session
from app.store.models import IdempotencyRecord
from app.store.models.types import utcnow

IN_FLIGHT = "in_flight"
COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    status: int
    body: str
    headers: dict[str, Any]


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    ttl: timedelta
    in_flight_timeout: timedelta


@dataclass(frozen=True, slots=True)
class KeyClaim:
    """A request's claim on its key: whose key, which key, and what the request was."""

    scope: str
    key: str
    fingerprint: str
    policy: KeyPolicy


# The first answer to a key is one of these for its request: the work goes ahead (None),
# an answer to replay, or an error (the key is in flight or was used for another request).
ClaimOutcome = StoredAnswer | DomainError | None

_TABLE = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_TAKE = {
    "sqlite": sqlite.insert(_TABLE)
    .on_conflict_do_nothing()
    .returning(_TABLE.c.scope, _TABLE.c.key),
    "postgresql": postgresql.insert(_TABLE)
    .on_conflict_do_nothing()
    .returning(_TABLE.c.scope, _TABLE.c.key),
}
_COMPLETE = (
    update(_TABLE)
    .where(_TABLE.c.scope == bindparam("b_scope"), _TABLE.c.key == bindparam("b_key"))
    .values(
        state=COMPLETED,
        response_status=bindparam("b_status"),
        response_body=bindparam("b_body"),
        response_headers=bindparam("b_headers"),
    )
)


def claim(
    engine: Engine, scope: str, key: str, fingerprint: str, policy: KeyPolicy
) -> StoredAnswer | None:
    """Take the key for a new request (``None``) or return the answer to replay; raises
    when the key is in flight or was used for another request."""
    with write_session(engine) as session:
        (outcome,) = claim_many(session, [KeyClaim(scope, key, fingerprint, policy)], utcnow())
        session.commit()
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def claim_many(session: Session, claims: Sequence[KeyClaim], now: datetime) -> list[ClaimOutcome]:
    """Take each key in the session's transaction, in one statement for the new ones.
    A key named twice is in flight for the second."""
    first: dict[tuple[str, str], int] = {}
    for index, c in enumerate(claims):
        first.setdefault((c.scope, c.key), index)
    connection = session.connection()
    rows = [
        {
            "scope": claims[index].scope,
            "key": claims[index].key,
            "fingerprint": claims[index].fingerprint,
            "state": IN_FLIGHT,
            "locked_at": now,
            "expires_at": now + claims[index].policy.ttl,
            "created_at": now,
        }
        for index in first.values()
    ]
    taken = {tuple(row) for row in connection.execute(_TAKE[connection.dialect.name], rows)}
    outcomes: list[ClaimOutcome] = []
    for index, c in enumerate(claims):
        if first[(c.scope, c.key)] != index:
            outcomes.append(_in_flight())
        elif (c.scope, c.key) in taken:
            outcomes.append(None)
        else:
            outcomes.append(_claim_existing(session, c, now))
    return outcomes


def _claim_existing(session: Session, claim: KeyClaim, now: datetime) -> ClaimOutcome:
    record = session.scalars(
        select(IdempotencyRecord)
        .where(col(IdempotencyRecord.scope) == claim.scope, col(IdempotencyRecord.key) == claim.key)
        .with_for_update()
    ).one()
    expired = record.expires_at <= now
    abandoned = (
        record.state == IN_FLIGHT and record.locked_at <= now - claim.policy.in_flight_timeout
    )
    if expired or (abandoned and record.fingerprint == claim.fingerprint):
        record.fingerprint = claim.fingerprint
        record.state = IN_FLIGHT
        record.response_status = record.response_body = record.response_headers = None
        record.locked_at = now
        record.expires_at = now + claim.policy.ttl
        session.flush()
        return None
    if record.fingerprint != claim.fingerprint:
        return IdempotencyKeyReused(
            "This Idempotency-Key was first used with a different request; "
            "use a new key for a new request.",
            "该幂等键已用于内容不同的请求；新请求请使用新的幂等键。",
        )
    if record.state == IN_FLIGHT:
        return _in_flight()
    assert record.response_status is not None
    assert record.response_body is not None
    return StoredAnswer(record.response_status, record.response_body, record.response_headers or {})


def _in_flight() -> IdempotencyKeyInFlight:
    return IdempotencyKeyInFlight(
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        "使用该幂等键的请求仍在处理中，请稍后重试。",
    )


def complete(engine: Engine, scope: str, key: str, answer: StoredAnswer) -> None:
    with write_session(engine) as session:
        complete_many(session, [(scope, key, answer)])
        session.commit()


def complete_many(session: Session, answers: Sequence[tuple[str, str, StoredAnswer]]) -> None:
    """Store the answers to claimed keys, in the transaction of the work they answer."""
    if not answers:
        return
    session.connection().execute(
        _COMPLETE,
        [
            {
                "b_scope": scope,
                "b_key": key,
                "b_status": answer.status,
                "b_body": answer.body,
                "b_headers": answer.headers,
            }
            for scope, key, answer in answers
        ],
    )


def release(engine: Engine, scope: str, key: str) -> None:
    """Forget a claim whose request failed, so that a retry can run."""
    with write_session(engine) as session:
        session.connection().execute(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.scope) == scope,
                col(IdempotencyRecord.key) == key,
                col(IdempotencyRecord.state) == IN_FLIGHT,
            )
        )
        session.commit()


def purge_expired(engine: Engine, now: datetime | None = None) -> int:
    with write_session(engine) as session:
        result = session.connection().execute(
            delete(IdempotencyRecord)
            .where(col(IdempotencyRecord.expires_at) <= (now or utcnow()))
            .returning(col(IdempotencyRecord.key))
        )
        purged = len(result.all())
        session.commit()
        return purged
