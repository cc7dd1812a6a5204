"""Applying agency receipts: forward-only per agency, folded into one declaration status.

One transaction per batch. The declarations concerned are locked first, so that receipts
from different agencies for one declaration, arriving at once, fold in turn."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, defer
from sqlmodel import col, select

from app.agencies.wire import Receipt
from app.db import write_session
from app.models import BuyerQuota, Declaration, DeclarationAgency, DeclarationEvent
from app.models.types import utcnow
from app.services import audit, webhooks
from app.services.clearance import (
    CEB_STATUS,
    FINAL,
    RELEASES_QUOTA,
    Agency,
    AgencyStatus,
    ClearanceStatus,
    advances,
    fold,
    next_status,
)


@dataclass
class ReceiptOutcome:
    applied: int = 0
    ignored: int = 0  # duplicates, late or out-of-order receipts
    unknown: list[str] = field(default_factory=list)  # declarations we never sent


def apply_receipts(engine: Engine, receipts: Sequence[Receipt]) -> ReceiptOutcome:
    outcome = ReceiptOutcome()
    ids = sorted({r.declarationId for r in receipts})
    now = utcnow()
    with write_session(engine) as session:
        declarations = {
            d.id: d
            for d in session.scalars(
                select(Declaration)
                # Not the documents: receipts never need them, and they are the bulk.
                .options(defer(Declaration.documents))  # type: ignore[arg-type]
                .where(col(Declaration.id).in_(ids))
                .order_by(col(Declaration.id))
                .with_for_update()
            )
        }
        # Declaration id → its agency parts, by agency.
        parts: dict[str, dict[str, DeclarationAgency]] = {}
        for row in session.scalars(
            select(DeclarationAgency).where(col(DeclarationAgency.declaration_id).in_(ids))
        ):
            parts.setdefault(row.declaration_id, {})[row.agency] = row
        changed: list[tuple[Declaration, ClearanceStatus]] = []
        trail: list[audit.Entry] = []
        for receipt in sorted(receipts, key=lambda r: (r.declarationId, r.sequence)):
            declaration = declarations.get(receipt.declarationId)
            part = parts.get(receipt.declarationId, {}).get(receipt.agency.value)
            if declaration is None or part is None:
                outcome.unknown.append(receipt.declarationId)
                continue
            received = AgencyStatus(receipt.status.value)
            if not advances(AgencyStatus(part.status), received):
                outcome.ignored += 1
                continue
            outcome.applied += 1
            part.status = received
            part.sequence = receipt.sequence
            part.detail = _detail(receipt)
            part.updated_at = now
            if receipt.tax is not None:
                declaration.tax = receipt.tax.model_dump(mode="json")
                declaration.tax_total = receipt.tax.total
            before = ClearanceStatus(declaration.status)
            statuses = {
                Agency(agency): AgencyStatus(row.status)
                for agency, row in parts[declaration.id].items()
            }
            after = next_status(before, fold(statuses))
            if after != before:
                declaration.status = after
                declaration.ceb_status = CEB_STATUS[after]
                changed.append((declaration, before))
                if after in FINAL and declaration.finalized_at is None:
                    declaration.finalized_at = now
                if after in RELEASES_QUOTA:
                    _release_quota(session, declaration)
            declaration.updated_at = now
            event = DeclarationEvent(
                declaration_id=declaration.id,
                status=declaration.status,
                ceb_status=declaration.ceb_status,
                agency=receipt.agency.value,
                note=_note(receipt),
                created_at=now,
            )
            session.add(event)
            trail.append(_audit_entry(event, received))
        webhooks.announce_changes(session, changed, now)
        session.flush()
        audit.append(session, trail)
        session.commit()
    return outcome


def _audit_entry(event: DeclarationEvent, received: AgencyStatus) -> audit.Entry:
    return audit.Entry(
        kind="declaration.status",
        subject_type="declaration",
        subject_id=event.declaration_id,
        actor=f"agency:{event.agency}",
        data={
            "status": event.status,
            "cebStatus": event.ceb_status,
            "agency": event.agency,
            "agencyStatus": received.value,
            "note": event.note,
        },
        occurred_at=event.created_at,
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


def _release_quota(session: Session, declaration: Declaration) -> None:
    """A refused declaration no longer counts towards the buyer's annual limit."""
    session.connection().execute(
        update(BuyerQuota)
        .where(
            col(BuyerQuota.buyer_id_number) == declaration.buyer_id_number,
            col(BuyerQuota.year) == declaration.quota_year,
        )
        .values(used=col(BuyerQuota.used) - declaration.quota_charge, updated_at=utcnow())
    )
