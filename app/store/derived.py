"""What derives from an accepted declaration, written after the acceptance by the worker,
in batches, from the declaration row: its agency rows, goods lines, first event, the
audit entry and one outbox message per agency. The declaration row is the durable
record: a worker that dies mid-batch leaves the batch to the next round, and a batch is
written in one transaction, so nothing is written twice."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select, text, update
from sqlalchemy.orm import Session
from sqlmodel import col

from app.domain.clearance import Agency, AgencyStatus
from app.store import audit, bound_rows, outbox
from app.store.db import write_session
from app.store.models import Declaration, DeclarationAgency, DeclarationEvent, DeclarationLine

SUBMIT_DECLARATION = "declaration.submit"
ACCEPTED_NOTE = "Accepted by the single window; queued for the agencies."

_INSERT_PARTS = bound_rows.insert_into(
    DeclarationAgency.__table__,  # type: ignore[attr-defined]
    ("declaration_id", "agency", "status", "sequence", "detail", "updated_at", "created_at"),
)
_INSERT_LINES = bound_rows.insert_into(
    DeclarationLine.__table__,  # type: ignore[attr-defined]
    ("declaration_id", "gnum", "hs_code", "hs_chapter", "country", "total_price", "created_at"),
)
_INSERT_EVENTS = bound_rows.insert_into(
    DeclarationEvent.__table__,  # type: ignore[attr-defined]
    ("declaration_id", "status", "ceb_status", "agency", "note", "created_at"),
)
# Worded as the partial index ix_declarations_underived is: SQLite uses a partial index
# only for the condition it was made with, and SQLAlchemy writes ``derived = 0`` there,
# which made every round scan past all the declarations derived before (measured: 40 %
# of the worker's time with 90,000 declarations).
_UNDERIVED = text("NOT declarations.derived")
_PENDING_COLUMNS = (
    col(Declaration.id),
    col(Declaration.ebp_code),
    col(Declaration.ebc_code),
    col(Declaration.pay_code),
    col(Declaration.logistics_code),
    col(Declaration.order_no),
    col(Declaration.logistics_no),
    col(Declaration.trade_mode),
    col(Declaration.status),
    col(Declaration.ceb_status),
    col(Declaration.dutiable_value),
    col(Declaration.documents),
    col(Declaration.created_at),
    col(Declaration.declared_by),
)


def pending_query(limit: int) -> Select[Any]:
    """The oldest ``limit`` declarations still to derive."""
    return (
        select(*_PENDING_COLUMNS)
        .where(_UNDERIVED)
        .order_by(col(Declaration.created_at), col(Declaration.id))
        .limit(limit)
    )


def _pending(connection: Connection, limit: int) -> Sequence[Any]:
    query = pending_query(limit)
    if connection.dialect.name == "postgresql":
        # Several workers take different declarations.
        query = query.with_for_update(skip_locked=True)
    return connection.execute(query).all()


def derive_pending(engine: Engine, limit: int = 200) -> int:
    """Write the derived rows of up to ``limit`` declarations, oldest first; answers how
    many declarations it derived."""
    with write_session(engine) as session:
        rows = _pending(session.connection(), limit)
        if not rows:
            return 0
        derive_rows(session, rows)
        session.commit()
    return len(rows)


def derive_one(session: Session, declaration_id: str) -> None:
    """Write a declaration's derived rows now, in the caller's transaction, if the worker
    has not yet (a declaration changed a moment after it was accepted)."""
    rows = (
        session.connection()
        .execute(select(*_PENDING_COLUMNS).where(_UNDERIVED, col(Declaration.id) == declaration_id))
        .all()
    )
    if rows:
        derive_rows(session, rows)


def derive_rows(session: Session, rows: Sequence[Any]) -> None:
    """The derived rows of ``rows`` (``pending_query``'s columns), in the session's
    transaction; the caller commits."""
    connection = session.connection()
    dialect = connection.dialect
    parts: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    messages: list[outbox.Message] = []
    entries: list[audit.Entry] = []
    for row in rows:
        at: datetime = row.created_at
        parts += [
            {
                "declaration_id": row.id,
                "agency": agency.value,
                "status": AgencyStatus.PENDING.value,
                "sequence": 0,
                "detail": None,
                "updated_at": at,
                "created_at": at,
            }
            for agency in Agency
        ]
        lines += line_rows(row.id, row.documents, at)
        events.append(
            {
                "declaration_id": row.id,
                "status": row.status,
                "ceb_status": row.ceb_status,
                "agency": None,
                "note": ACCEPTED_NOTE,
                "created_at": at,
            }
        )
        messages += submit_messages(row.id)
        entries.append(_accepted_entry(row))
    _INSERT_PARTS.execute(connection, _INSERT_PARTS.bind(dialect, parts))
    _INSERT_LINES.execute(connection, _INSERT_LINES.bind(dialect, lines))
    _INSERT_EVENTS.execute(connection, _INSERT_EVENTS.bind(dialect, events))
    # The messages are due when the declaration was accepted: delivery keeps that order.
    outbox.ENQUEUE.execute(connection, outbox.bind_messages(dialect, messages, rows[0].created_at))
    connection.execute(
        update(Declaration)
        .where(col(Declaration.id).in_([r.id for r in rows]))
        .values(derived=True)
    )
    audit.append(session, entries)


def line_rows(declaration_id: str, documents: dict[str, Any], at: datetime) -> list[dict[str, Any]]:
    """A declaration's goods lines, for statistics and regulators' filters."""
    return [
        {
            "declaration_id": declaration_id,
            "gnum": line["gnum"],
            "hs_code": line["gcode"],
            "hs_chapter": line["gcode"][:2],
            "country": line["country"],
            "total_price": Decimal(line["totalPrice"]),
            "created_at": at,
        }
        for line in documents["order"]["items"]
    ]


def insert_lines(connection: Connection, lines: list[dict[str, Any]]) -> None:
    _INSERT_LINES.execute(connection, _INSERT_LINES.bind(connection.dialect, lines))


def submit_messages(declaration_id: str, version: int = 1) -> list[outbox.Message]:
    """One message per agency delivering a declaration's version (the first version's
    keys are as they always were)."""
    suffix = "" if version == 1 else f":v{version}"
    return [
        outbox.Message(
            destination=agency.value,
            kind=SUBMIT_DECLARATION,
            subject_id=declaration_id,
            idempotency_key=f"{declaration_id}:{agency.value}:submit{suffix}",
        )
        for agency in Agency
    ]


def _accepted_entry(row: Any) -> audit.Entry:
    return audit.Entry(
        kind="declaration.accepted",
        subject_type="declaration",
        subject_id=row.id,
        actor=row.declared_by or "system",
        data=audit.declaration_identity(row)
        | {
            "status": row.status,
            "cebStatus": row.ceb_status,
            "stateSha256": audit.state_sha256(
                audit.declaration_state(row.id, row.status, row.ceb_status)
            ),
        },
        occurred_at=row.created_at,
    )


def overdue(engine: Engine, accepted_before: datetime) -> int:
    """Declarations accepted before the time given whose derived rows are still to be
    written: nothing goes to the agencies for them until they are."""
    with engine.connect() as connection:
        count: int = connection.execute(
            select(func.count())
            .select_from(Declaration)
            .where(_UNDERIVED, col(Declaration.created_at) < accepted_before)
        ).scalar_one()
    return count


def backlog(engine: Engine) -> int:
    """Declarations accepted whose derived rows are still to be written."""
    with engine.connect() as connection:
        count: int = connection.execute(
            select(func.count()).select_from(Declaration).where(_UNDERIVED)
        ).scalar_one()
    return count


def arrivals_query(since: datetime, until: datetime) -> Select[int]:
    return (
        select(func.count())
        .select_from(Declaration)
        .where(col(Declaration.created_at) >= since, col(Declaration.created_at) < until)
    )


def arrivals(engine: Engine, since: datetime, until: datetime) -> int:
    """Declarations accepted in [since, until): the arrival rate the worker paces itself
    by, read from the index by time whatever the backlog."""
    with engine.connect() as connection:
        count: int = connection.execute(arrivals_query(since, until)).scalar_one()
    return count
