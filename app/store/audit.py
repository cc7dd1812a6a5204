"""The tamper-evident audit trail, which is also the regulators' change feed.

Every filing, declaration and status change appends a row to ``audit_log`` in the same
transaction as the change. Rows are numbered 1, 2, 3 … without gaps, in commit order,
and each row's hash covers the previous row's hash and the row's own content, so that
changing, removing or inserting any row breaks the chain from that row on.

The hash of a row, for anyone who checks the trail with their own tools::

    sha256(utf8(prev_hash + canonical({
        "seq": seq, "occurredAt": occurred_at, "kind": kind,
        "subjectType": subject_type, "subjectId": subject_id,
        "actor": actor, "data": data,
    }))).hexdigest()

where ``data`` is the stored text of the ``data`` column (itself canonical JSON), the
time is ISO 8601 in UTC with microseconds (``2026-11-27T08:40:00.000000+00:00``), and
the first row's ``prev_hash`` is 64 zeros."""

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.store import bound_rows
from app.store.db import holds_write_lock
from app.store.models import AuditEntry
from app.store.pagination import Keyset

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that lines appends up one at a time: any constant
# the application uses for nothing else ("sw-audit" in ASCII).
APPEND_LOCK = 0x73772D6175646974

SubjectType = Literal["enterprise", "declaration"]
Problem = Literal["hash mismatch", "prev_hash mismatch", "gap in seq", "unreadable row"]


def _json_value(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return iso_time(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


# A JSON string literal exactly as canonical() writes one (non-ASCII kept as is).
_json_string = encode_basestring

# One encoder, made once (json.dumps with options makes a new one on every call).
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_value
)


def canonical(data: Any) -> str:
    """JSON with sorted keys and no spaces, UTF-8 as is; decimals and times as strings."""
    return _CANONICAL.encode(data)


def iso_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the audit trail")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def row_hash(
    prev_hash: str,
    *,
    seq: int,
    occurred_at: datetime,
    kind: str,
    subject_type: str,
    subject_id: str,
    actor: str,
    data: str,
) -> str:
    """The one definition of a row's hash (see the module's docstring)."""
    # canonical() of the documented object, spelled out (keys in sorted order) because
    # verify computes it for every row: several times faster than encoding a dict.
    text = _json_string
    content = (
        f'{{"actor":{text(actor)},"data":{text(data)},"kind":{text(kind)},'
        f'"occurredAt":"{iso_time(occurred_at)}","seq":{int(seq)},'
        f'"subjectId":{text(subject_id)},"subjectType":{text(subject_type)}}}'
    )
    return sha256_hex(prev_hash + content)


@dataclass(frozen=True, slots=True)
class Entry:
    """What happened, to what, by whom: one row of the trail before it is numbered."""

    kind: str
    subject_type: SubjectType
    subject_id: str
    actor: str
    data: Mapping[str, Any]
    occurred_at: datetime


# Built once: append runs in every intake transaction.
_HEAD = (
    select(col(AuditEntry.seq), col(AuditEntry.hash)).order_by(col(AuditEntry.seq).desc()).limit(1)
)
_INSERT = bound_rows.insert_into(
    AuditEntry.__table__,  # type: ignore[attr-defined]
    (
        "seq",
        "occurred_at",
        "kind",
        "subject_type",
        "subject_id",
        "actor",
        "data",
        "prev_hash",
        "hash",
    ),
)
_LOCK = select(func.pg_advisory_xact_lock(APPEND_LOCK))


def append(session: Session, entries: Sequence[Entry]) -> range:
    """Number, chain and insert ``entries`` in the session's transaction; the seqs given.

    Call it last, just before the commit: from here to the end of the transaction no
    other transaction can append, which is what makes seq order commit order (a reader
    who has seen ``seq`` N never later finds a smaller one appear)."""
    if not entries:
        return range(0)
    connection = session.connection()
    _take_turn(connection)
    head = connection.execute(_HEAD).first()
    last_seq, prev_hash = (head[0], head[1]) if head is not None else (0, GENESIS)
    first = last_seq + 1
    rows = []
    for seq, entry in enumerate(entries, start=first):
        data = canonical(entry.data)
        digest = row_hash(
            prev_hash,
            seq=seq,
            occurred_at=entry.occurred_at,
            kind=entry.kind,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            actor=entry.actor,
            data=data,
        )
        rows.append(
            {
                "seq": seq,
                "occurred_at": entry.occurred_at,
                "kind": entry.kind,
                "subject_type": entry.subject_type,
                "subject_id": entry.subject_id,
                "actor": entry.actor,
                "data": data,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    _INSERT.execute(connection, _INSERT.bind(connection.dialect, rows))
    return range(first, first + len(rows))


def _take_turn(connection: Connection) -> None:
    """Wait until no other transaction can append before this one ends."""
    if connection.dialect.name == "postgresql":
        # Held to the end of the transaction. Under READ COMMITTED (the default) the head
        # read next sees the previous holder's rows, committed before it let go.
        connection.execute(_LOCK)
    elif not holds_write_lock(connection):
        # SQLite: a write session began with BEGIN IMMEDIATE, so it has held the
        # database's one write lock since its start (and this process's writers queue
        # on a lock before it); anything else could read a head that is already stale.
        raise RuntimeError("the audit trail is appended to in a write session only")


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: Problem | None = None


_COLUMNS = (
    col(AuditEntry.seq),
    col(AuditEntry.occurred_at),
    col(AuditEntry.kind),
    col(AuditEntry.subject_type),
    col(AuditEntry.subject_id),
    col(AuditEntry.actor),
    col(AuditEntry.data),
    col(AuditEntry.prev_hash),
    col(AuditEntry.hash),
)


def verify(engine: Engine, chunk: int = 10_000) -> Verification:
    """Walk the whole chain in seq order, ``chunk`` rows at a time, and say where it
    first breaks: a row whose hash is not its content's, whose ``prev_hash`` is not the
    previous row's hash, or a seq that is not the previous one plus one."""
    checked, expected_seq, prev_hash = 0, 1, GENESIS
    with engine.connect() as connection:
        for rows in _chunks(connection, chunk):
            for row in rows:
                if row is None:  # could not be read back at all
                    return Verification(False, checked, expected_seq, "unreadable row")
                seq, occurred_at, kind, subject_type, subject_id, actor, data, prev, stored = row
                if seq != expected_seq:
                    return Verification(False, checked, expected_seq, "gap in seq")
                if prev != prev_hash:
                    return Verification(False, checked, seq, "prev_hash mismatch")
                computed = row_hash(
                    prev,
                    seq=seq,
                    occurred_at=occurred_at,
                    kind=kind,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    actor=actor,
                    data=data,
                )
                if computed != stored:
                    return Verification(False, checked, seq, "hash mismatch")
                checked, expected_seq, prev_hash = checked + 1, seq + 1, stored
    return Verification(True, checked)


# The trail in the order it was written; the change feed's cursor is the plain seq.
IN_ORDER = Keyset((col(AuditEntry.seq),), (int,))


def _chunks(connection: Connection, size: int) -> Iterator[Sequence[Any]]:
    after = 0
    while True:
        query = IN_ORDER.ordered(select(*_COLUMNS).where(IN_ORDER.after([after])))
        try:
            rows: Sequence[Any] = connection.execute(query.limit(size)).all()
        except ValueError:
            # A column altered beyond what its type can read (say, a time that is no time
            # any more): read the chunk row by row to find the row.
            rows = _row_by_row(connection, after, size)
        if not rows:
            return
        yield rows
        last = rows[-1]
        if last is None:
            return
        after = last[0]


def _row_by_row(connection: Connection, after: int, size: int) -> list[Any]:
    seqs = connection.scalars(
        IN_ORDER.ordered(select(col(AuditEntry.seq)).where(IN_ORDER.after([after]))).limit(size)
    ).all()
    rows: list[Any] = []  # None for the row that cannot be read
    for seq in seqs:
        try:
            rows.append(
                connection.execute(select(*_COLUMNS).where(col(AuditEntry.seq) == seq)).one()
            )
        except ValueError:
            rows.append(None)
            break
    return rows


@dataclass(frozen=True, slots=True)
class Record:
    """A row of the trail as the change feed gives it."""

    seq: int
    occurred_at: datetime
    kind: str
    subject_type: str
    subject_id: str
    actor: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


def feed(engine: Engine, after: int, limit: int) -> tuple[list[Record], int]:
    """The rows after seq ``after``, in order, at most ``limit``; and the seq to ask after
    next time (``after`` again when there is nothing new)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    with engine.connect() as connection:
        rows = connection.execute(
            IN_ORDER.ordered(select(*_COLUMNS).where(IN_ORDER.after([after]))).limit(limit)
        ).all()
    records = [
        Record(
            seq=seq,
            occurred_at=occurred_at,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            actor=actor,
            data=json.loads(data),
            prev_hash=prev,
            hash=stored,
        )
        for seq, occurred_at, kind, subject_type, subject_id, actor, data, prev, stored in rows
    ]
    return records, records[-1].seq if records else after
