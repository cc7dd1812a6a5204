"""Declaration intake: every rule in one pass, then an atomic acceptance.

Acceptance writes the declaration, its per-agency rows, its first event and one outbox
message per agency in one transaction, and claims the waybill and the buyer's annual
quota with conditional statements, so concurrent submissions can neither declare an
order twice, reuse a waybill, nor together pass the annual limit."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Engine, Table, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain import rules
from app.domain.clearance import CEB_STATUS, Agency, AgencyStatus, ClearanceStatus
from app.domain.violations import RuleCode, RuleViolation, violation
from app.errors import DeclarationRefused, DuplicateOrder
from app.schemas.declaration import DeclarationSet
from app.store import audit, bound_rows, outbox
from app.store.db import dialect_insert, read_session, write_session
from app.store.models import (
    BuyerQuota,
    Declaration,
    DeclarationAgency,
    DeclarationEvent,
    DeclarationLine,
    Enterprise,
    Refusal,
    RefusalCode,
    Waybill,
)
from app.store.models.types import utcnow

SUBMIT_DECLARATION = "declaration.submit"
# Quota amounts are kept as integers of 1/100000 CNY (CEB amounts have 5 decimals).
QUOTA_SCALE = 100_000


def to_quota_units(amount: Decimal) -> int:
    return int(amount * QUOTA_SCALE)


def from_quota_units(units: int) -> Decimal:
    return Decimal(units) / QUOTA_SCALE


def declaration_location(declaration_id: str) -> str:
    return f"/v1/declarations/{declaration_id}"


@dataclass(frozen=True, slots=True)
class IntakeFacts:
    """What the stored state says about one declaration set."""

    existing_id: str | None
    filings: dict[str, rules.FilingFacts]
    annual_used: Decimal
    waybill_reused: bool


def gather_facts(session: Session, ds: DeclarationSet, now: datetime) -> IntakeFacts:
    """Two round trips: the filings named, then the rest in one statement, which on
    PostgreSQL reads one snapshot, so that a concurrent declaration of the same order is
    seen as a duplicate (409), never through its waybill or its quota."""
    order, logistics = ds.order, ds.logistics
    codes = set(rules.enterprise_codes(ds).values())
    filings = {
        row.customs_code: rules.FilingFacts(frozenset(row.roles.split()), row.status)
        for row in session.execute(
            select(Enterprise.customs_code, Enterprise.roles, Enterprise.status).where(
                col(Enterprise.customs_code).in_(codes)
            )
        )
    }
    used = (
        select(BuyerQuota.used)
        .where(
            col(BuyerQuota.buyer_id_number) == order.buyerIdNumber,
            col(BuyerQuota.year) == rules.china_year(now),
        )
        .scalar_subquery()
    )
    last_used = (
        select(Waybill.declared_at)
        .where(
            col(Waybill.logistics_code) == logistics.logisticsCode,
            col(Waybill.logistics_no) == logistics.logisticsNo,
        )
        .scalar_subquery()
    )
    existing = (
        select(Declaration.id)
        .where(
            col(Declaration.ebp_code) == order.ebpCode,
            col(Declaration.order_no) == order.orderNo,
        )
        .scalar_subquery()
    )
    quota_units, waybill_used_at, existing_id = session.execute(
        sa_select(used, last_used, existing)
    ).one()
    return IntakeFacts(
        existing_id=existing_id,
        filings=filings,
        annual_used=from_quota_units(quota_units or 0),
        waybill_reused=waybill_used_at is not None and waybill_used_at > _reuse_cutoff(now),
    )


def _reuse_cutoff(now: datetime) -> datetime:
    return rules.months_before(now, rules.WAYBILL_REUSE_MONTHS)


def check_all(ds: DeclarationSet, facts: IntakeFacts) -> list[RuleViolation]:
    return [
        *rules.check_documents(ds),
        *rules.check_filings(ds, facts.filings),
        *rules.check_annual_limit(ds, facts.annual_used),
        *rules.check_waybill(ds, facts.waybill_reused),
    ]


def validate(engine: Engine, ds: DeclarationSet) -> list[RuleViolation]:
    """Every check of an intake, storing nothing."""
    with read_session(engine) as session:
        facts = gather_facts(session, ds, utcnow())
    found = check_all(ds, facts)
    if facts.existing_id is not None:
        found.insert(0, duplicate_violation(ds))
    return found


def duplicate_violation(ds: DeclarationSet) -> RuleViolation:
    return violation(
        RuleCode.DUPLICATE_ORDER,
        "/order/orderNo",
        found=ds.order.orderNo,
        platform=ds.order.ebpCode,
    )


def duplicate_order(ds: DeclarationSet, existing_id: str) -> DuplicateOrder:
    return DuplicateOrder(
        f"Order {ds.order.orderNo!r} of platform {ds.order.ebpCode} was declared as "
        f"{existing_id}; changing a declaration is not supported yet.",
        f"电商平台 {ds.order.ebpCode} 的订单 {ds.order.orderNo!r} 已申报为 {existing_id}。",
        location=declaration_location(existing_id),
    )


@dataclass(frozen=True, slots=True)
class NewDeclaration:
    """A declaration about to be stored: a ``declarations`` row. (Plain data: building a
    table model instance costs more than the insert.)"""

    id: str
    ebp_code: str
    ebc_code: str
    pay_code: str
    logistics_code: str
    order_no: str
    logistics_no: str
    buyer_id_number: str
    trade_mode: str
    status: str
    ceb_status: int
    dutiable_value: Decimal
    quota_year: int
    quota_charge: int
    documents: dict[str, Any]
    tax: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime

    def row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def new_declaration(ds: DeclarationSet, now: datetime) -> NewDeclaration:
    order, payment, logistics = ds.order, ds.payment, ds.logistics
    value = rules.dutiable_value(ds)
    return NewDeclaration(
        id=str(uuid.uuid4()),
        ebp_code=order.ebpCode,
        ebc_code=order.ebcCode,
        pay_code=payment.payCode,
        logistics_code=logistics.logisticsCode,
        order_no=order.orderNo,
        logistics_no=logistics.logisticsNo,
        buyer_id_number=order.buyerIdNumber,
        trade_mode=ds.tradeMode,
        status=ClearanceStatus.ACCEPTED.value,
        ceb_status=CEB_STATUS[ClearanceStatus.ACCEPTED],
        dutiable_value=value,
        quota_year=rules.china_year(now),
        quota_charge=to_quota_units(value),
        documents=ds.model_dump(mode="json", exclude_none=True),
        tax=None,
        created_at=now,
        updated_at=now,
    )


def declare(engine: Engine, ds: DeclarationSet, *, actor: str = "system") -> NewDeclaration:
    """Accept the declaration or raise ``DuplicateOrder`` / ``DeclarationRefused``."""
    now = utcnow()
    with write_session(engine) as session:
        facts = gather_facts(session, ds, now)
        if facts.existing_id is not None:
            raise duplicate_order(ds, facts.existing_id)
        found = check_all(ds, facts)
        if found:
            audit.append(session, insert_refusals(session, [(ds, found)], now, [actor]))
            session.commit()
            raise DeclarationRefused(found)
        declaration = new_declaration(ds, now)
        try:
            trail = insert_accepted(session, [declaration], now, [actor])
        except IntegrityError:
            # Another request declared the same order between our read and our insert.
            session.rollback()
            existing_id = session.scalar(
                select(Declaration.id).where(
                    Declaration.ebp_code == ds.order.ebpCode,
                    Declaration.order_no == ds.order.orderNo,
                )
            )
            if existing_id is None:
                raise
            raise duplicate_order(ds, existing_id) from None
        lost_race = _claim_waybill(session, ds, declaration.id, now) + _charge_quota(
            session, ds, declaration, now
        )
        if lost_race:
            session.rollback()
            audit.append(session, insert_refusals(session, [(ds, lost_race)], now, [actor]))
            session.commit()
            raise DeclarationRefused(lost_race)
        audit.append(session, trail)
        session.commit()
        return declaration


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


_INSERT_DECLARATIONS = bound_rows.insert_into(
    _table(Declaration), [f.name for f in fields(NewDeclaration)]
)
_INSERT_PARTS = bound_rows.insert_into(
    _table(DeclarationAgency),
    ("declaration_id", "agency", "status", "sequence", "detail", "updated_at", "created_at"),
)
_INSERT_LINES = bound_rows.insert_into(
    _table(DeclarationLine),
    ("declaration_id", "gnum", "hs_code", "hs_chapter", "country", "total_price", "created_at"),
)
_INSERT_EVENTS = bound_rows.insert_into(
    _table(DeclarationEvent),
    ("declaration_id", "status", "ceb_status", "agency", "note", "created_at"),
)


@dataclass(frozen=True, slots=True)
class AcceptedRows:
    """Everything one accepted declaration writes, built and bound for the driver before
    the transaction: the rows depend on the declaration alone, so that the writer's turn
    only inserts them."""

    declaration: NewDeclaration
    rows: list[bound_rows.DriverRow]  # its declarations row
    parts: list[bound_rows.DriverRow]
    lines: list[bound_rows.DriverRow]
    event: list[bound_rows.DriverRow]
    messages: list[bound_rows.DriverRow]
    entry: audit.Entry

    @classmethod
    def of(cls, d: NewDeclaration, actor: str, now: datetime, dialect: Dialect) -> "AcceptedRows":
        return cls(
            declaration=d,
            rows=_INSERT_DECLARATIONS.bind(dialect, [d.row()]),
            parts=_INSERT_PARTS.bind(
                dialect,
                (
                    {
                        "declaration_id": d.id,
                        "agency": agency.value,
                        "status": AgencyStatus.PENDING.value,
                        "sequence": 0,
                        "detail": None,
                        "updated_at": now,
                        "created_at": d.created_at,
                    }
                    for agency in Agency
                ),
            ),
            lines=_INSERT_LINES.bind(
                dialect,
                (
                    {
                        "declaration_id": d.id,
                        "gnum": line["gnum"],
                        "hs_code": line["gcode"],
                        "hs_chapter": line["gcode"][:2],
                        "country": line["country"],
                        "total_price": Decimal(line["totalPrice"]),
                        "created_at": now,
                    }
                    for line in d.documents["order"]["items"]
                ),
            ),
            event=_INSERT_EVENTS.bind(
                dialect,
                [
                    {
                        "declaration_id": d.id,
                        "status": d.status,
                        "ceb_status": d.ceb_status,
                        "agency": None,
                        "note": "Accepted by the single window; queued for the agencies.",
                        "created_at": now,
                    }
                ],
            ),
            messages=outbox.bind_messages(
                dialect,
                [
                    outbox.Message(
                        destination=agency.value,
                        kind=SUBMIT_DECLARATION,
                        subject_id=d.id,
                        idempotency_key=f"{d.id}:{agency.value}:submit",
                    )
                    for agency in Agency
                ],
                now,
            ),
            entry=audit.Entry(
                kind="declaration.accepted",
                subject_type="declaration",
                subject_id=d.id,
                actor=actor,
                data=_accepted_data(d),
                occurred_at=now,
            ),
        )


def insert_accepted(
    session: Session, accepted: Sequence[NewDeclaration], now: datetime, actors: Sequence[str]
) -> list[audit.Entry]:
    """Write declarations, their agency parts, first events and outbox messages (see
    ``insert_rows``)."""
    dialect = session.get_bind().dialect
    return insert_rows(
        session,
        [AcceptedRows.of(d, a, now, dialect) for d, a in zip(accepted, actors, strict=True)],
    )


def insert_rows(session: Session, accepted: Sequence[AcceptedRows]) -> list[audit.Entry]:
    """Plain multi-row inserts of rows already bound, not the ORM's unit of work: this is
    the hot path of intake. The unique (ebpCode, orderNo) is decided by the first
    statement.

    Returns the audit entries of the acceptances (one per declaration, by its actor), for
    the caller to append last, just before it commits."""
    if not accepted:
        return []
    connection = session.connection()
    _INSERT_DECLARATIONS.execute(connection, [row for a in accepted for row in a.rows])
    _INSERT_PARTS.execute(connection, [row for a in accepted for row in a.parts])
    _INSERT_LINES.execute(connection, [row for a in accepted for row in a.lines])
    _INSERT_EVENTS.execute(connection, [row for a in accepted for row in a.event])
    outbox.ENQUEUE.execute(connection, [row for a in accepted for row in a.messages])
    return [a.entry for a in accepted]


def _accepted_data(d: NewDeclaration) -> dict[str, Any]:
    return {
        "id": d.id,
        "ebpCode": d.ebp_code,
        "ebcCode": d.ebc_code,
        "payCode": d.pay_code,
        "logisticsCode": d.logistics_code,
        "orderNo": d.order_no,
        "logisticsNo": d.logistics_no,
        "tradeMode": d.trade_mode,
        "status": d.status,
        "cebStatus": d.ceb_status,
        "dutiableValue": d.dutiable_value,
        "createdAt": d.created_at,
        # The documents themselves stay out of the trail (they hold buyers' personal
        # data); their hash ties the trail to exactly what was declared.
        "documentsSha256": audit.sha256_hex(audit.canonical(d.documents)),
    }


def _claim_waybill(
    session: Session, ds: DeclarationSet, declaration_id: str, now: datetime
) -> list[RuleViolation]:
    """Take the waybill number unless a declaration used it within six months."""
    stmt = dialect_insert(session, Waybill).values(
        logistics_code=ds.logistics.logisticsCode,
        logistics_no=ds.logistics.logisticsNo,
        declaration_id=declaration_id,
        declared_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["logistics_code", "logistics_no"],
        set_={"declaration_id": declaration_id, "declared_at": now},
        where=col(Waybill.declared_at) <= _reuse_cutoff(now),
    )
    # RETURNING tells whether a row was written; rowcount is not reliable for upserts on
    # every driver.
    if session.connection().execute(stmt.returning(col(Waybill.declaration_id))).first():
        return []
    return rules.check_waybill(ds, reused=True)


def _charge_quota(
    session: Session, ds: DeclarationSet, declaration: NewDeclaration, now: datetime
) -> list[RuleViolation]:
    """Add the declaration to the buyer's annual total, if it stays within the limit: one
    upsert, whose condition PostgreSQL checks against the latest committed total."""
    charge, limit = declaration.quota_charge, to_quota_units(rules.ANNUAL_LIMIT)
    stmt = dialect_insert(session, BuyerQuota).values(
        buyer_id_number=declaration.buyer_id_number,
        year=declaration.quota_year,
        used=charge,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["buyer_id_number", "year"],
        set_={"used": col(BuyerQuota.used) + charge, "updated_at": now},
        where=col(BuyerQuota.used) + charge <= limit,
    ).returning(col(BuyerQuota.used))
    if session.connection().execute(stmt).first() is not None:
        return []
    used = session.scalar(
        select(BuyerQuota.used).where(
            col(BuyerQuota.buyer_id_number) == declaration.buyer_id_number,
            col(BuyerQuota.year) == declaration.quota_year,
        )
    )
    return rules.check_annual_limit(ds, from_quota_units(used or 0))


def insert_refusals(
    session: Session,
    refused: Sequence[tuple[DeclarationSet, Sequence[RuleViolation]]],
    now: datetime,
    actors: Sequence[str],
) -> list[audit.Entry]:
    """Keep refused declarations and why, for counting and for regulators. Returns their
    audit entries, for the caller to append just before it commits."""
    if not refused:
        return []
    connection = session.connection()
    ids = connection.scalars(
        insert(Refusal).returning(col(Refusal.id), sort_by_parameter_order=True),
        [
            {
                "ebp_code": ds.order.ebpCode,
                "order_no": ds.order.orderNo,
                "violations": [
                    {"code": v.code, "pointer": v.pointer, "message": v.message} for v in found
                ],
                "documents": ds.model_dump(mode="json", exclude_none=True),
                "created_at": now,
            }
            for ds, found in refused
        ],
    ).all()
    connection.execute(
        insert(RefusalCode),
        [
            {"refusal_id": refusal_id, "code": code, "created_at": now}
            for refusal_id, (_, found) in zip(ids, refused, strict=True)
            for code in sorted({str(v.code) for v in found})
        ],
    )
    return [
        audit.Entry(
            kind="declaration.refused",
            # The refusal's id, not "ebpCode/orderNo": that can run to 79 characters,
            # more than a subject id holds, and the same order may be refused more than
            # once; the order is in the data, for looking it up.
            subject_type="declaration",
            subject_id=f"refusal:{refusal_id}",
            actor=actor,
            data={
                "ebpCode": ds.order.ebpCode,
                "orderNo": ds.order.orderNo,
                "codes": sorted({str(v.code) for v in found}),
            },
            occurred_at=now,
        )
        for refusal_id, (ds, found), actor in zip(ids, refused, actors, strict=True)
    ]
