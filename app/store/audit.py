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
the first row's ``prev_hash`` is 64 zeros.

Two things anchor the trail beyond its own chain. Signed checkpoints of its head
(``app.store.audit_checkpoints``) show that no row was removed from its end. And each
entry that changes a filing, a declaration or an API key carries ``stateSha256``, the
hash of the row as the change left it (``state_sha256`` of ``filing_state``,
``declaration_state`` or ``key_state``), so that a row edited without an entry no longer
matches its newest entry (``app.store.audit_rows``)."""

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.store import audit_checkpoints, bound_rows
from app.store.audit_checkpoints import Checkpoint
from app.store.db import holds_write_lock, write_session
from app.store.models import ApiKey, AuditEntry, Enterprise
from app.store.models.types import utcnow
from app.store.pagination import Keyset

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that lines appends up one at a time: any constant
# the application uses for nothing else ("sw-audit" in ASCII).
APPEND_LOCK = 0x73772D6175646974

SubjectType = Literal[
    "enterprise",
    "declaration",
    "key",
    "webhook",
    "outbox",
    "certificate",
    "complaint",
    "takedown",
    "product",
    "waybill",
    "recall",
    "origin_cert",
]
Problem = Literal[
    "hash mismatch",
    "prev_hash mismatch",
    "gap in seq",
    "unreadable row",
    "rows missing after a checkpoint",
    "checkpoint hash mismatch",
    "checkpoint signature invalid",
]


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


def declaration_identity(row: Any) -> dict[str, Any]:
    """What a declaration's acceptance entry says of it that never changes. The
    documents themselves stay out of the trail (they hold buyers' personal data); their
    hash ties the trail to exactly what was declared."""
    return {
        "id": row.id,
        "ebpCode": row.ebp_code,
        "ebcCode": row.ebc_code,
        "payCode": row.pay_code,
        "logisticsCode": row.logistics_code,
        "orderNo": row.order_no,
        "logisticsNo": row.logistics_no,
        "tradeMode": row.trade_mode,
        "dutiableValue": row.dutiable_value,
        "createdAt": row.created_at,
        "documentsSha256": sha256_hex(canonical(row.documents)),
    }


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


def record_action(
    session: Session,
    actor: str,
    action: str,
    subject_type: SubjectType,
    subject_id: str,
    data: Mapping[str, Any],
) -> int:
    """Record one action (``webhook.created``, ``outbox.redriven`` …) in the session's
    transaction, now; its seq. Like ``append``, call it last, just before the commit."""
    (seq,) = append(
        session, [Entry(action, subject_type, subject_id, actor, data, occurred_at=utcnow())]
    )
    return seq


# The state of a row an entry describes: the columns that identify and decide it, as
# canonical JSON's input. Verification recomputes them from the rows as they stand.


def state_sha256(state: Mapping[str, Any]) -> str:
    return sha256_hex(canonical(state))


def filing_state(enterprise: Enterprise) -> dict[str, Any]:
    state: dict[str, Any] = {
        "customsCode": enterprise.customs_code,
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "roles": enterprise.roles.split(),
        "contactName": enterprise.contact_name,
        "telephone": enterprise.telephone,
        "status": str(enterprise.status),
        "statusReason": enterprise.status_reason,
        "creditGrade": str(enterprise.credit_grade),
    }
    # Only once it was ever listed: the state hashes of filings never listed, written
    # before the negative list existed, still hold.
    if enterprise.listed_until is not None:
        state["listedUntil"] = enterprise.listed_until
    return state


def key_state(key: ApiKey) -> dict[str, Any]:
    """What a key can do and whose it is; its hash, so that a key swapped in shows."""
    return {
        "id": key.id,
        "keyHash": key.key_hash,
        "kind": key.kind,
        "agency": key.agency,
        "customsCode": key.customs_code,
        "label": key.label,
        "createdBy": key.created_by,
        "revoked": key.revoked_at is not None,
    }


def declaration_state(declaration_id: str, status: str, ceb_status: int) -> dict[str, Any]:
    """What changes in a declaration: its status. What identifies it never changes, and
    its acceptance entry holds it (the parties, numbers, value and documents' hash)."""
    return {"id": declaration_id, "status": str(status), "cebStatus": int(ceb_status)}


@dataclass(frozen=True, slots=True)
class CheckpointProblem:
    seq: int
    problem: Problem
    # A checkpoint given to verify (one a regulator kept), not one stored here.
    kept: bool = False


@dataclass(frozen=True, slots=True)
class Verification:
    """The chain's verdict: ``ok``, the rows checked and the first that breaks it (or the
    first checkpoint the trail no longer matches). The other fields count and list what
    was checked; they are not part of comparing two verdicts."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: Problem | None = None
    checkpoints_checked: int = field(default=0, compare=False)
    checkpoint_problems: tuple[CheckpointProblem, ...] = field(default=(), compare=False)
    # The hash of the last row verified (row ``checked``).
    head_hash: str = field(default=GENESIS, compare=False)


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


def verify(
    engine: Engine,
    chunk: int = 10_000,
    *,
    key: str | None = None,
    kept: Sequence[Checkpoint] = (),
) -> Verification:
    """Walk the whole chain in seq order, ``chunk`` rows at a time, and say where it
    first breaks: a row whose hash is not its content's, whose ``prev_hash`` is not the
    previous row's hash, or a seq that is not the previous one plus one.

    Every stored checkpoint, and those given in ``kept``, must name a row of the chain
    with the hash it has: one beyond the chain's end shows that rows were removed from
    the end, one with another hash that rows were rewritten. With ``key``, stored
    checkpoints signed under it must bear its signature (``kept`` ones are the caller's
    to check first, see ``audit_checkpoints.signed_by``)."""
    checked, expected_seq, prev_hash = 0, 1, GENESIS
    broken: tuple[int, Problem] | None = None
    compared = 0
    troubles: list[CheckpointProblem] = []
    waiting = sorted(kept, key=lambda c: c.seq)

    def compare(checkpoints: Sequence[Checkpoint], hashes: Mapping[int, str], given: bool) -> None:
        nonlocal compared
        for point in checkpoints:
            compared += 1
            ours = key is not None and point.key_id == audit_checkpoints.key_id(key)
            if ours and not given and not audit_checkpoints.signed_by(str(key), point):
                troubles.append(CheckpointProblem(point.seq, "checkpoint signature invalid"))
                continue
            if hashes.get(point.seq) != point.hash:
                troubles.append(CheckpointProblem(point.seq, "checkpoint hash mismatch", given))

    with engine.connect() as connection:
        compare(audit_checkpoints.between(connection, 0, 0), {0: GENESIS}, False)
        compare([c for c in waiting if c.seq <= 0], {0: GENESIS}, True)
        for rows in _chunks(connection, chunk):
            hashes: dict[int, str] = {}
            for row in rows:
                if row is None:  # could not be read back at all
                    broken = (expected_seq, "unreadable row")
                    break
                seq, occurred_at, kind, subject_type, subject_id, actor, data, prev, stored = row
                if seq != expected_seq:
                    broken = (expected_seq, "gap in seq")
                    break
                if prev != prev_hash:
                    broken = (seq, "prev_hash mismatch")
                    break
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
                    broken = (seq, "hash mismatch")
                    break
                hashes[seq] = stored
                checked, expected_seq, prev_hash = checked + 1, seq + 1, stored
            if hashes:
                first, last = min(hashes), max(hashes)
                compare(audit_checkpoints.between(connection, first, last), hashes, False)
                compare([c for c in waiting if first <= c.seq <= last], hashes, True)
            if broken is not None:
                break
        if broken is None:
            # The trail ends at ``checked``: a checkpoint beyond it names removed rows.
            for point, given in [
                *((c, False) for c in audit_checkpoints.beyond(connection, checked)),
                *((c, True) for c in waiting if c.seq > checked),
            ]:
                compared += 1
                troubles.append(
                    CheckpointProblem(point.seq, "rows missing after a checkpoint", given)
                )
    if broken is not None:
        broken_seq, problem = broken
        return Verification(
            False, checked, broken_seq, problem, compared, tuple(troubles), prev_hash
        )
    if troubles:
        first_trouble = min(troubles, key=lambda t: t.seq)
        return Verification(
            False,
            checked,
            first_trouble.seq,
            first_trouble.problem,
            compared,
            tuple(troubles),
            prev_hash,
        )
    return Verification(True, checked, None, None, compared, (), prev_hash)


def checkpoint(engine: Engine, key: str) -> Checkpoint:
    """Sign the trail's head as it stands and keep the checkpoint; the newest one
    instead when the head has not moved since it was signed (under the same key)."""
    with write_session(engine) as session:
        connection = session.connection()
        # On PostgreSQL rows commit in seq order (append's lock), so the newest committed
        # row is a head whose every earlier row is committed too.
        head = connection.execute(_HEAD).first()
        seq, digest = (head[0], head[1]) if head is not None else (0, GENESIS)
        newest = audit_checkpoints.newest(connection)
        if (
            newest is not None
            and (newest.seq, newest.hash) == (seq, digest)
            and newest.key_id == audit_checkpoints.key_id(key)
        ):
            return newest
        made = audit_checkpoints.sign(key, seq, digest, utcnow())
        audit_checkpoints.store(connection, made)
        session.commit()
    return made


def checkpoint_if_due(engine: Engine, key: str, every_seconds: float) -> Checkpoint | None:
    """Take a checkpoint when the newest is ``every_seconds`` old and the head has moved
    since; otherwise do nothing (one read). For a periodic loop."""
    with engine.connect() as connection:
        newest = audit_checkpoints.newest(connection)
        head = connection.execute(_HEAD).first()
    if newest is not None:
        if head is None or head[0] == newest.seq:
            return None
        if utcnow() - newest.created_at < timedelta(seconds=every_seconds):
            return None
    return checkpoint(engine, key)


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
