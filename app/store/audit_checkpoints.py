"""Signed checkpoints of the audit trail's head, which regulators fetch and keep.

The hash chain alone shows that no row was changed or removed *between* two rows; it
cannot show that the newest rows were removed, since what is left is still a valid
chain. A checkpoint says "row ``seq`` of the trail had hash ``hash``", signed by the
single window: once a regulator holds it, a trail that stops before ``seq``, or holds
another hash there, has lost or rewritten rows since.

The signature is HMAC-SHA256 under the server's audit key (``SW_AUDIT_SIGNING_KEY``),
hex, over the canonical JSON of the checkpoint's other fields::

    {"createdAt":"2026-11-27T08:40:00.000000+00:00","hash":"…","keyId":"…","seq":1234}

``keyId`` names the key (a fingerprint, not the key): checkpoints signed under a key
that has since been replaced are still compared with the trail."""

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select
from sqlmodel import col

from app.store.db import read_session
from app.store.models.access import AuditCheckpoint
from app.store.pagination import Keyset, page


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    created_at: datetime
    key_id: str
    signature: str


def key_id(key: str) -> str:
    """The fingerprint of a signing key, which tells keys apart and reveals nothing."""
    return hashlib.sha256(f"singlewindow-audit-key:{key}".encode()).hexdigest()[:16]


def signed_text(seq: int, digest: str, created_at: datetime, signer: str) -> str:
    if created_at.tzinfo is None:
        raise ValueError("naive datetime in an audit checkpoint")
    return json.dumps(
        {
            "createdAt": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "hash": digest,
            "keyId": signer,
            "seq": seq,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def sign(key: str, seq: int, digest: str, created_at: datetime) -> Checkpoint:
    signer = key_id(key)
    text = signed_text(seq, digest, created_at, signer)
    signature = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()
    return Checkpoint(seq, digest, created_at, signer, signature)


def signed_by(key: str, checkpoint: Checkpoint) -> bool:
    """Whether ``key`` made this checkpoint's signature (``False`` for another key's)."""
    if not hmac.compare_digest(checkpoint.key_id, key_id(key)):
        return False
    expected = sign(key, checkpoint.seq, checkpoint.hash, checkpoint.created_at)
    return hmac.compare_digest(expected.signature, checkpoint.signature)


def _of(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.seq, row.hash, row.created_at, row.key_id, row.signature)


_COLUMNS = (
    col(AuditCheckpoint.seq),
    col(AuditCheckpoint.hash),
    col(AuditCheckpoint.created_at),
    col(AuditCheckpoint.key_id),
    col(AuditCheckpoint.signature),
)
# Newest first: the highest seq, and of two at one seq the later.
NEWEST_FIRST = Keyset((col(AuditCheckpoint.seq), col(AuditCheckpoint.id)), (int, int), True)


def newest(connection: Connection) -> Checkpoint | None:
    row = connection.execute(NEWEST_FIRST.ordered(select(*_COLUMNS)).limit(1)).first()
    return Checkpoint(*row) if row is not None else None


def store(connection: Connection, checkpoint: Checkpoint) -> None:
    connection.execute(
        AuditCheckpoint.__table__.insert(),  # type: ignore[attr-defined]
        {
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "created_at": checkpoint.created_at,
            "key_id": checkpoint.key_id,
            "signature": checkpoint.signature,
        },
    )


def between(connection: Connection, first: int, last: int) -> list[Checkpoint]:
    """The stored checkpoints of rows ``first`` to ``last``, in seq order."""
    rows = connection.execute(
        select(*_COLUMNS)
        .where(col(AuditCheckpoint.seq) >= first, col(AuditCheckpoint.seq) <= last)
        .order_by(col(AuditCheckpoint.seq), col(AuditCheckpoint.id))
    ).all()
    return [Checkpoint(*row) for row in rows]


def beyond(connection: Connection, seq: int) -> list[Checkpoint]:
    """The stored checkpoints of rows after ``seq``: the trail should reach them."""
    rows = connection.execute(
        select(*_COLUMNS)
        .where(col(AuditCheckpoint.seq) > seq)
        .order_by(col(AuditCheckpoint.seq), col(AuditCheckpoint.id))
    ).all()
    return [Checkpoint(*row) for row in rows]


def latest(engine: Engine) -> Checkpoint | None:
    with engine.connect() as connection:
        return newest(connection)


def listing(
    engine: Engine, cursor: str | None, limit: int
) -> tuple[Sequence[Checkpoint], str | None]:
    """A page of checkpoints, newest first."""
    with read_session(engine) as session:
        rows, next_cursor = page(session, select(AuditCheckpoint), NEWEST_FIRST, cursor, limit)
    return [_of(row) for row in rows], next_cursor
