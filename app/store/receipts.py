"""Applying agency receipts: forward-only per agency, folded into one declaration status.

One transaction per batch, or per group of batches that arrived together, in plain
statements (receipts arrive several times per declaration, so this is on the hot path):
the declarations concerned are locked first, so that receipts from different agencies
for one declaration, arriving at once, fold in turn; then each receipt is folded in
memory, and the changes are written with one statement per table.

Statuses only move forward, so a receipt that does not advance its agency's status when
read without a lock never will: those (an agency's callback repeating the acknowledgement
its delivery answer already gave, redelivered batches) are counted as ignored before the
write transaction, and a batch of nothing else takes none."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, bindparam, select, update

from app.agencies.wire import Receipt
from app.domain.clearance import (
    CEB_STATUS,
    CLOSED,
    FINAL,
    RELEASES_QUOTA,
    Agency,
    AgencyStatus,
    ClearanceStatus,
    advances,
    fold,
    next_status,
)
from app.store import audit, bound_rows, outbox, webhooks
from app.store.db import read_session, write_session
from app.store.models import BuyerQuota, Declaration, DeclarationAgency, DeclarationEvent
from app.store.models.types import utcnow

_DECLARATIONS = Declaration.__table__  # type: ignore[attr-defined]
_PARTS = DeclarationAgency.__table__  # type: ignore[attr-defined]
_EVENTS = DeclarationEvent.__table__  # type: ignore[attr-defined]
_QUOTAS = BuyerQuota.__table__  # type: ignore[attr-defined]

# Built once. Not the documents: receipts never need them, and they are the bulk.
_LOAD_DECLARATIONS = (
    select(
        _DECLARATIONS.c.id,
        _DECLARATIONS.c.status,
        _DECLARATIONS.c.finalized_at,
        _DECLARATIONS.c.ebp_code,
        _DECLARATIONS.c.ebc_code,
        _DECLARATIONS.c.pay_code,
        _DECLARATIONS.c.logistics_code,
        _DECLARATIONS.c.order_no,
        _DECLARATIONS.c.buyer_id_number,
        _DECLARATIONS.c.quota_year,
        _DECLARATIONS.c.quota_charge,
        _DECLARATIONS.c.version,
        _DECLARATIONS.c.released_at,
    )
    .where(_DECLARATIONS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_DECLARATIONS.c.id)
    .with_for_update()
)
_LOAD_PARTS = select(_PARTS.c.declaration_id, _PARTS.c.agency, _PARTS.c.status).where(
    _PARTS.c.declaration_id.in_(bindparam("ids", expanding=True))
)
# Bound before (parts) or in (the rest) the writer's turn without SQLAlchemy's per-row
# work: these run for every receipt.
_UPDATE_PART = bound_rows.Prepared(
    update(_PARTS)
    .where(
        _PARTS.c.declaration_id == bindparam("b_declaration_id"),
        _PARTS.c.agency == bindparam("b_agency"),
    )
    .values(
        status=bindparam("b_status"),
        sequence=bindparam("b_sequence"),
        detail=bindparam("b_detail"),
        updated_at=bindparam("b_updated_at"),
    ),
    ("b_declaration_id", "b_agency", "b_status", "b_sequence", "b_detail", "b_updated_at"),
)
_UPDATE_DECLARATION = bound_rows.Prepared(
    update(_DECLARATIONS)
    .where(_DECLARATIONS.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        ceb_status=bindparam("b_ceb_status"),
        finalized_at=bindparam("b_finalized_at"),
        released_at=bindparam("b_released_at"),
        updated_at=bindparam("b_updated_at"),
    ),
    ("b_id", "b_status", "b_ceb_status", "b_finalized_at", "b_released_at", "b_updated_at"),
)
_UPDATE_TAX = (
    update(_DECLARATIONS)
    .where(_DECLARATIONS.c.id == bindparam("b_id"))
    .values(tax=bindparam("b_tax"), tax_total=bindparam("b_tax_total"))
)
_INSERT_EVENTS = bound_rows.insert_into(
    _EVENTS, ("declaration_id", "status", "ceb_status", "agency", "note", "created_at")
)
_RELEASE_QUOTA = (
    update(_QUOTAS)
    .where(
        _QUOTAS.c.buyer_id_number == bindparam("b_buyer"),
        _QUOTAS.c.year == bindparam("b_year"),
    )
    .values(used=_QUOTAS.c.used - bindparam("b_charge"), updated_at=bindparam("b_updated_at"))
)


@dataclass
class ReceiptOutcome:
    applied: int = 0
    ignored: int = 0  # duplicates, late or out-of-order receipts
    unknown: list[str] = field(default_factory=list)  # declarations we never sent


class _Staged(NamedTuple):
    outcome: ReceiptOutcome  # its batch's
    receipt: Receipt
    received: AgencyStatus
    part: bound_rows.DriverRow  # its agency's row, as updated
    note: str
    tax: dict[str, Any] | None


@dataclass(slots=True)
class _Folding:
    """A declaration as its receipts are folded into it."""

    id: str
    status: ClearanceStatus
    finalized_at: datetime | None
    parties: frozenset[str]
    ebp_code: str
    ebc_code: str
    order_no: str
    buyer_id_number: str
    quota_year: int
    quota_charge: int
    version: int
    released_at: datetime | None
    agencies: dict[str, AgencyStatus]
    touched: bool = False


def apply_receipts(
    engine: Engine, receipts: Sequence[Receipt], *, delivered: Sequence[int] = ()
) -> ReceiptOutcome:
    """Fold ``receipts`` in; ``delivered``: outbox messages to mark delivered in the same
    transaction (the deliveries whose answers carried these receipts)."""
    return apply_receipt_batches(engine, [receipts], delivered=delivered)[0]


def apply_receipt_batches(
    engine: Engine, batches: Sequence[Sequence[Receipt]], *, delivered: Sequence[int] = ()
) -> list[ReceiptOutcome]:
    """Fold several batches in, in one transaction; one outcome per batch."""
    outcomes = [ReceiptOutcome() for _ in batches]
    ahead = _maybe_advancing(engine, batches, outcomes)
    if not ahead and not delivered:
        return outcomes
    ids = sorted({r.declarationId for _, r in ahead})
    now = utcnow()
    dialect = engine.dialect
    # What each receipt writes, as far as it depends on the receipt alone, is made and
    # bound before the writer's turn.
    staged = [
        _Staged(
            outcomes[index],
            r,
            AgencyStatus(r.status.value),
            _UPDATE_PART.bind(
                dialect,
                [
                    {
                        "b_declaration_id": r.declarationId,
                        "b_agency": r.agency.value,
                        "b_status": r.status.value,
                        "b_sequence": r.sequence,
                        "b_detail": _detail(r),
                        "b_updated_at": now,
                    }
                ],
            )[0],
            _note(r),
            r.tax.model_dump(mode="json") if r.tax is not None else None,
        )
        for index, r in sorted(ahead, key=lambda a: (a[1].declarationId, a[1].sequence))
    ]
    with write_session(engine) as session:
        connection = session.connection()
        folding = _load(connection, ids) if ids else {}
        parts: dict[tuple[str, str], bound_rows.DriverRow] = {}
        taxes: dict[str, dict[str, Any]] = {}
        events: list[dict[str, Any]] = []
        changes: list[webhooks.StatusChange] = []
        released: list[dict[str, Any]] = []
        trail: list[audit.Entry] = []
        for outcome, receipt, received, part, note, tax in staged:
            declaration = folding.get(receipt.declarationId)
            agency = receipt.agency.value
            if declaration is None or agency not in declaration.agencies:
                outcome.unknown.append(receipt.declarationId)
                continue
            # About a version since amended, or a declaration cancelled or returned: it
            # no longer counts.
            stale = receipt.version != declaration.version or declaration.status in CLOSED
            if stale or not advances(declaration.agencies[agency], received):
                outcome.ignored += 1
                continue
            outcome.applied += 1
            declaration.agencies[agency] = received
            declaration.touched = True
            parts[(declaration.id, agency)] = part
            if received is AgencyStatus.RELEASED and declaration.released_at is None:
                declaration.released_at = now
            if receipt.tax is not None:
                taxes[declaration.id] = {
                    "b_id": declaration.id,
                    "b_tax": tax,
                    "b_tax_total": receipt.tax.total,
                }
            before = declaration.status
            after = next_status(
                before, fold({Agency(a): s for a, s in declaration.agencies.items()})
            )
            if after != before:
                declaration.status = after
                changes.append(_change(declaration, before))
                if after in FINAL and declaration.finalized_at is None:
                    declaration.finalized_at = now
                if after in RELEASES_QUOTA:
                    released.append(
                        {
                            "b_buyer": declaration.buyer_id_number,
                            "b_year": declaration.quota_year,
                            "b_charge": declaration.quota_charge,
                            "b_updated_at": now,
                        }
                    )
            event = {
                "declaration_id": declaration.id,
                "status": declaration.status.value,
                "ceb_status": CEB_STATUS[declaration.status],
                "agency": agency,
                "note": note,
                "created_at": now,
            }
            events.append(event)
            trail.append(_audit_entry(event, received))
        if parts:
            _UPDATE_PART.execute(connection, list(parts.values()))
            _UPDATE_DECLARATION.execute(
                connection,
                _UPDATE_DECLARATION.bind(
                    dialect,
                    [
                        {
                            "b_id": d.id,
                            "b_status": d.status.value,
                            "b_ceb_status": CEB_STATUS[d.status],
                            "b_finalized_at": d.finalized_at,
                            "b_released_at": d.released_at,
                            "b_updated_at": now,
                        }
                        for d in folding.values()
                        if d.touched
                    ],
                ),
            )
        if taxes:
            connection.execute(_UPDATE_TAX, list(taxes.values()))
        if released:
            connection.execute(_RELEASE_QUOTA, released)
        if events:
            _INSERT_EVENTS.execute(connection, _INSERT_EVENTS.bind(dialect, events))
        webhooks.announce_changes(session, changes, now)
        outbox.mark_delivered_in(session, delivered, now)
        audit.append(session, trail)
        session.commit()
    return outcomes


def _maybe_advancing(
    engine: Engine, batches: Sequence[Sequence[Receipt]], outcomes: list[ReceiptOutcome]
) -> list[tuple[int, Receipt]]:
    """The receipts that may move their agency's status forward (with their batch's
    index), read without a lock; the others are counted as ignored. Unknown declarations
    are left for the transaction."""
    ids = sorted({r.declarationId for batch in batches for r in batch})
    if not ids:
        return []
    with read_session(engine) as session:
        current = {
            (declaration_id, agency): AgencyStatus(status)
            for declaration_id, agency, status in session.connection().execute(
                _LOAD_PARTS, {"ids": ids}
            )
        }
    ahead = []
    for index, batch in enumerate(batches):
        for receipt in batch:
            status = current.get((receipt.declarationId, receipt.agency.value))
            if status is not None and not advances(status, AgencyStatus(receipt.status.value)):
                outcomes[index].ignored += 1
            else:
                ahead.append((index, receipt))
    return ahead


def _load(connection: Connection, ids: list[str]) -> dict[str, _Folding]:
    """The declarations, locked in id order, with each agency's status."""
    folding = {
        row.id: _Folding(
            id=row.id,
            status=ClearanceStatus(row.status),
            finalized_at=row.finalized_at,
            parties=frozenset((row.ebp_code, row.ebc_code, row.pay_code, row.logistics_code)),
            ebp_code=row.ebp_code,
            ebc_code=row.ebc_code,
            order_no=row.order_no,
            buyer_id_number=row.buyer_id_number,
            quota_year=row.quota_year,
            quota_charge=row.quota_charge,
            version=row.version,
            released_at=row.released_at,
            agencies={},
        )
        for row in connection.execute(_LOAD_DECLARATIONS, {"ids": ids})
    }
    for declaration_id, agency, status in connection.execute(_LOAD_PARTS, {"ids": ids}):
        if (declaration := folding.get(declaration_id)) is not None:
            declaration.agencies[agency] = AgencyStatus(status)
    return folding


def _change(declaration: _Folding, before: ClearanceStatus) -> "webhooks.StatusChange":
    return webhooks.StatusChange(
        declaration_id=declaration.id,
        ebp_code=declaration.ebp_code,
        order_no=declaration.order_no,
        parties=declaration.parties,
        previous_status=before,
        status=declaration.status,
        ceb_status=CEB_STATUS[declaration.status],
        ebc_code=declaration.ebc_code,
    )


def _audit_entry(event: dict[str, Any], received: AgencyStatus) -> audit.Entry:
    return audit.Entry(
        kind="declaration.status",
        subject_type="declaration",
        subject_id=event["declaration_id"],
        actor=f"agency:{event['agency']}",
        data={
            "status": event["status"],
            "cebStatus": event["ceb_status"],
            "agency": event["agency"],
            "agencyStatus": received.value,
            "note": event["note"],
            "stateSha256": audit.state_sha256(
                audit.declaration_state(
                    event["declaration_id"], event["status"], event["ceb_status"]
                )
            ),
        },
        occurred_at=event["created_at"],
    )


def _detail(receipt: Receipt) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "reasons": [r.model_dump() for r in receipt.reasons],
        "decidedAt": receipt.decidedAt.isoformat(),
    }
    if receipt.tax is not None:
        detail["tax"] = receipt.tax.model_dump(mode="json")
    return detail


def _note(receipt: Receipt) -> str:
    note = f"{receipt.agency.value}: {receipt.status.value}"
    if receipt.reasons:
        note += " — " + "; ".join(f"{r.code}: {r.message}" for r in receipt.reasons)
    return note[:1000]
