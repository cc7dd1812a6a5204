"""Idempotency keys: the first answer to a key is stored and replayed to retries.

A key belongs to one caller. It is claimed before the work starts (so a concurrent retry
sees it in flight), completed with the answer, or released if the work failed without
an answer worth keeping."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete
from sqlmodel import col, select

from app.db import dialect_insert, write_session
from app.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from app.models import IdempotencyRecord
from app.models.types import utcnow

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


def claim(
    engine: Engine, scope: str, key: str, fingerprint: str, policy: KeyPolicy
) -> StoredAnswer | None:
    """Take the key for a new request (``None``) or return the answer to replay."""
    now = utcnow()
    with write_session(engine) as session:
        inserted = session.connection().execute(
            dialect_insert(session, IdempotencyRecord)
            .values(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                state=IN_FLIGHT,
                locked_at=now,
                expires_at=now + policy.ttl,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(col(IdempotencyRecord.key))
        )
        if inserted.first() is not None:
            session.commit()
            return None
        record = session.scalars(
            select(IdempotencyRecord)
            .where(col(IdempotencyRecord.scope) == scope, col(IdempotencyRecord.key) == key)
            .with_for_update()
        ).one()
        expired = record.expires_at <= now
        abandoned = record.state == IN_FLIGHT and record.locked_at <= now - policy.in_flight_timeout
        if expired or (abandoned and record.fingerprint == fingerprint):
            record.fingerprint = fingerprint
            record.state = IN_FLIGHT
            record.response_status = record.response_body = record.response_headers = None
            record.locked_at = now
            record.expires_at = now + policy.ttl
            session.commit()
            return None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was first used with a different request; "
                "use a new key for a new request.",
                "该幂等键已用于内容不同的请求；新请求请使用新的幂等键。",
            )
        if record.state == IN_FLIGHT:
            raise IdempotencyKeyInFlight(
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                "使用该幂等键的请求仍在处理中，请稍后重试。",
            )
        assert record.response_status is not None
        assert record.response_body is not None
        return StoredAnswer(
            record.response_status, record.response_body, record.response_headers or {}
        )


def complete(engine: Engine, scope: str, key: str, answer: StoredAnswer) -> None:
    with write_session(engine) as session:
        record = session.get(IdempotencyRecord, (scope, key))
        if record is not None:
            record.state = COMPLETED
            record.response_status = answer.status
            record.response_body = answer.body
            record.response_headers = answer.headers
            session.commit()


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
