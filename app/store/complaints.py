"""Complaints and reports (投诉举报), their triage, take-down notices, blocked goods and
reverse tracing (反向追溯).

A complaint is kept with its evidence and the hash of the token its complainant follows
it with. Upheld, it becomes a take-down notice to the platform (a record the platform
reads and acknowledges, and a ``takedown.issued`` webhook event), an entry on the
seller's credit record and, if the regulator says so, goods blocked at the intake (which
reads them with its other facts). All of it in one transaction, audited."""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import uuid_utils
from sqlalchemy import (
    Engine,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, defer
from sqlmodel import col, select

from app.domain import trust
from app.store import audit, credit, webhooks
from app.store.db import read_session, write_session
from app.store.models import (
    BlockedProduct,
    Complaint,
    ComplaintAttachment,
    Declaration,
    Enterprise,
    Takedown,
)
from app.store.pagination import Keyset, page

TOKEN_PREFIX = "swc_"
# How far back reverse tracing looks by default.
TRACE_DAYS = 366


def new_token() -> str:
    """The complainant's follow-up token: ``swc_`` and 256 random bits (told apart from
    API keys by its prefix, so that it may be sent as a bearer token too)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    complainant_kind: str
    complainant_name: str | None
    complainant_contact: str | None
    kind: trust.ComplaintKind
    product_name: str
    item_no: str | None
    barcode: str | None
    listing_url: str | None
    order_no: str | None
    logistics_no: str | None
    enterprise_code: str
    description: str


@dataclass(frozen=True, slots=True)
class Filed:
    complaint: Complaint
    token: str  # shown once
    attachments: list[ComplaintAttachment]


def file_complaint(
    engine: Engine,
    draft: ComplaintDraft,
    evidence: Sequence[trust.Evidence],
    filed_by: str,
    now: datetime,
) -> Filed:
    token = new_token()
    complaint = Complaint(
        id=str(uuid_utils.uuid7()),
        token_hash=hash_token(token),
        status=trust.ComplaintStatus.OPEN.value,
        kind=draft.kind.value,
        complainant_kind=draft.complainant_kind,
        complainant_name=draft.complainant_name,
        complainant_contact=draft.complainant_contact,
        filed_by=filed_by,
        product_name=draft.product_name,
        item_no=draft.item_no,
        barcode=draft.barcode,
        listing_url=draft.listing_url,
        order_no=draft.order_no,
        logistics_no=draft.logistics_no,
        enterprise_code=draft.enterprise_code,
        description=draft.description,
        product_blocked=False,
        created_at=now,
        updated_at=now,
    )
    attachments = [
        ComplaintAttachment(
            complaint_id=complaint.id,
            position=position,
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
            data=item.data,
        )
        for position, item in enumerate(evidence, start=1)
    ]
    with write_session(engine) as session:
        session.add(complaint)
        session.flush()
        session.add_all(attachments)
        session.flush()
        # No complainant's name or contact in the trail; the evidence by its hashes.
        audit.append(
            session,
            [
                _entry(
                    "complaint.filed",
                    complaint,
                    filed_by,
                    {
                        "kind": complaint.kind,
                        "enterpriseCode": complaint.enterprise_code,
                        "product": _product(complaint),
                        "attachmentsSha256": [a.sha256 for a in attachments],
                    },
                    now,
                )
            ],
        )
        session.commit()
    return Filed(complaint, token, attachments)


def _product(c: Complaint | Takedown) -> dict[str, Any]:
    return {"name": c.product_name, "itemNo": c.item_no, "barcode": c.barcode}


def _entry(kind: str, c: Complaint, actor: str, data: dict[str, Any], now: datetime) -> audit.Entry:
    return audit.Entry(
        kind=kind,
        subject_type="complaint",
        subject_id=c.id,
        actor=actor,
        data=data | {"status": c.status},
        occurred_at=now,
    )


def _not_found(complaint_id: str) -> trust.ComplaintNotFound:
    return trust.ComplaintNotFound(
        f"No complaint has id {complaint_id!r} (or the token does not match it).",
        f"投诉 {complaint_id!r} 不存在（或跟进令牌不匹配）。",
    )


def complaint(engine: Engine, complaint_id: str, token: str | None = None) -> Complaint:
    """A complaint; with ``token``, only if it is the complaint's (as if there were none
    otherwise: its complainant alone may learn it exists)."""
    with read_session(engine) as session:
        found = session.get(Complaint, complaint_id)
    if found is None:
        raise _not_found(complaint_id)
    if token is not None and not hmac.compare_digest(found.token_hash, hash_token(token)):
        raise _not_found(complaint_id)
    return found


def attachments_of(engine: Engine, complaint_ids: Sequence[str]) -> dict[str, list[Any]]:
    """Complaint id → its attachments, without their bytes."""
    found: dict[str, list[Any]] = {i: [] for i in complaint_ids}
    if not complaint_ids:
        return found
    with read_session(engine) as session:
        for a in session.scalars(
            select(ComplaintAttachment)
            .options(defer(ComplaintAttachment.data))  # type: ignore[arg-type]
            .where(col(ComplaintAttachment.complaint_id).in_(list(complaint_ids)))
            .order_by(col(ComplaintAttachment.complaint_id), col(ComplaintAttachment.position))
        ):
            found[a.complaint_id].append(a)
    return found


def attachment(engine: Engine, complaint_id: str, position: int) -> ComplaintAttachment:
    with read_session(engine) as session:
        found = session.get(ComplaintAttachment, (complaint_id, position))
    if found is None:
        raise trust.AttachmentNotFound(
            f"Complaint {complaint_id!r} has no attachment {position}.",
            f"投诉 {complaint_id!r} 没有第 {position} 个附件。",
        )
    return found


def takedowns_of(engine: Engine, complaint_ids: Sequence[str]) -> dict[str, Takedown]:
    """Complaint id → its take-down notice, for the upheld ones."""
    if not complaint_ids:
        return {}
    with read_session(engine) as session:
        return {
            t.complaint_id: t
            for t in session.scalars(
                select(Takedown).where(col(Takedown.complaint_id).in_(list(complaint_ids)))
            )
        }


NEWEST_COMPLAINTS = Keyset(
    (col(Complaint.created_at), col(Complaint.id)), (datetime, str), descending=True
)


def list_complaints(
    engine: Engine,
    *,
    status: trust.ComplaintStatus | None,
    kind: trust.ComplaintKind | None,
    enterprise_code: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Complaint], str | None]:
    """Newest first, with filters."""
    query = select(Complaint)
    if status is not None:
        query = query.where(col(Complaint.status) == status.value)
    if kind is not None:
        query = query.where(col(Complaint.kind) == kind.value)
    if enterprise_code is not None:
        query = query.where(col(Complaint.enterprise_code) == enterprise_code.upper())
    with read_session(engine) as session:
        return page(session, query, NEWEST_COMPLAINTS, cursor, limit)


# -- triage --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TriageDraft:
    decision: trust.Triage
    reason: str
    block_product: bool
    acknowledge_within_hours: int
    platform_code: str | None


@dataclass(frozen=True, slots=True)
class Decided:
    complaint: Complaint
    takedown: Takedown | None


def decide(
    engine: Engine, complaint_id: str, triage: TriageDraft, actor: str, now: datetime
) -> Decided:
    """Reject an open complaint, or uphold it: a take-down notice to the platform, an
    upheld complaint on the seller's credit record and, with ``block_product``, the goods
    refused at the intake from now on."""
    with write_session(engine) as session:
        c = session.scalars(
            select(Complaint).where(col(Complaint.id) == complaint_id).with_for_update()
        ).first()
        if c is None:
            raise _not_found(complaint_id)
        if c.status != trust.ComplaintStatus.OPEN:
            raise trust.ComplaintAlreadyDecided(
                f"Complaint {complaint_id} was {c.status} already.",
                f"投诉 {complaint_id} 已处理（{c.status}）。",
                status=c.status,
            )
        c.decision_reason = triage.reason
        c.decided_by = actor
        c.decided_at = now
        c.updated_at = now
        takedown = None
        if triage.decision is trust.Triage.REJECT:
            c.status = trust.ComplaintStatus.REJECTED.value
            entries = [_entry("complaint.rejected", c, actor, {"reason": triage.reason}, now)]
        else:
            takedown, entries = _uphold(session, c, triage, actor, now)
        session.flush()
        audit.append(session, entries)
        session.commit()
    return Decided(c, takedown)


def _uphold(
    session: Session, c: Complaint, triage: TriageDraft, actor: str, now: datetime
) -> tuple[Takedown, list[audit.Entry]]:
    parties = _parties(session, c, triage.platform_code)
    if parties.platform is None:
        raise trust.invalid(
            "platform_unknown",
            "/platformCode",
            "the platform to take the goods down cannot be told from the complaint: name it "
            "in platformCode",
            "无法根据投诉确定应下架商品的电商平台，请在 platformCode 中指明",
        )
    item, barcode = trust.product_keys(c.item_no, c.barcode, parties.seller)
    if triage.block_product and item is None and barcode is None:
        raise trust.invalid(
            "product_unidentified",
            "/blockProduct",
            "the goods cannot be blocked: the complaint names neither their barcode nor the "
            "seller's item number",
            "无法禁止该商品申报：投诉既未提供商品条码，也无法确定电商企业的商品货号",
        )
    c.status = trust.ComplaintStatus.UPHELD.value
    c.seller_code = parties.seller
    c.platform_code = parties.platform
    c.product_blocked = triage.block_product
    takedown = Takedown(
        id=str(uuid_utils.uuid7()),
        complaint_id=c.id,
        platform_code=parties.platform,
        seller_code=parties.seller,
        product_name=c.product_name,
        item_no=c.item_no,
        barcode=c.barcode,
        listing_url=c.listing_url,
        reason=triage.reason,
        issued_by=actor,
        issued_at=now,
        due_at=trust.acknowledgement_due(now, triage.acknowledge_within_hours),
    )
    session.add(takedown)
    # The seller answers for it; when the complaint does not tell who sold the goods,
    # the enterprise it names.
    credit.record_event(
        session,
        parties.seller or c.enterprise_code,
        trust.CreditEventKind.COMPLAINT_UPHELD,
        actor,
        {
            "complaintId": c.id,
            "kind": c.kind,
            "product": _product(c),
            "takedownId": takedown.id,
            "reason": triage.reason,
        },
        now,
    )
    if triage.block_product:
        if item is not None:
            seller, item_no = item
            session.add(
                BlockedProduct(complaint_id=c.id, ebc_code=seller, item_no=item_no, blocked_at=now)
            )
        if barcode is not None:
            session.add(BlockedProduct(complaint_id=c.id, barcode=barcode, blocked_at=now))
    session.flush()
    webhooks.announce_takedown(
        session,
        webhooks.TakedownNotice(
            takedown_id=takedown.id,
            complaint_id=c.id,
            platform_code=takedown.platform_code,
            seller_code=takedown.seller_code,
            product=_product(takedown),
            listing_url=takedown.listing_url,
            reason=takedown.reason,
            issued_at=takedown.issued_at,
            due_at=takedown.due_at,
        ),
        now,
    )
    entries = [
        _entry(
            "complaint.upheld",
            c,
            actor,
            {
                "reason": triage.reason,
                "sellerCode": c.seller_code,
                "platformCode": c.platform_code,
                "productBlocked": c.product_blocked,
            },
            now,
        ),
        _takedown_entry("takedown.issued", takedown, actor, now),
    ]
    return takedown, entries


def _parties(session: Session, c: Complaint, platform_given: str | None) -> trust.Parties:
    """The seller and the platform of an upheld complaint, from the filings and the
    declarations."""
    codes = {c.enterprise_code, *([platform_given] if platform_given else [])}
    filed = {
        code: frozenset(roles.split())
        for code, roles in session.execute(
            select(col(Enterprise.customs_code), col(Enterprise.roles)).where(
                col(Enterprise.customs_code).in_(sorted(codes))
            )
        )
    }
    if platform_given is not None and "platform" not in filed.get(platform_given, frozenset()):
        raise trust.invalid(
            "platform_not_filed",
            "/platformCode",
            f"{platform_given!r} is not filed as a platform",
            f"{platform_given!r} 未以电商平台身份备案",
        )
    named = c.enterprise_code
    declared = None
    numbers = [
        condition
        for condition in (
            col(Declaration.order_no) == c.order_no if c.order_no else None,
            col(Declaration.logistics_no) == c.logistics_no if c.logistics_no else None,
        )
        if condition is not None
    ]
    if numbers:
        row = session.execute(
            select(col(Declaration.ebp_code), col(Declaration.ebc_code))
            .where(
                or_(col(Declaration.ebp_code) == named, col(Declaration.ebc_code) == named),
                or_(*numbers),
            )
            .order_by(col(Declaration.created_at).desc())
            .limit(1)
        ).first()
        declared = (row[0], row[1]) if row is not None else None
    parties = trust.complaint_parties(
        named, filed.get(named, frozenset()), declared=declared, platform_given=platform_given
    )
    if parties.platform is not None:
        return parties
    goods = names_goods(session, c.item_no, parties.seller, c.barcode)
    if goods is None:
        return parties
    last = session.execute(
        select(col(Declaration.ebp_code))
        .where(goods)
        .order_by(col(Declaration.created_at).desc())
        .limit(1)
    ).first()
    return trust.Parties(parties.seller, last[0] if last is not None else None)


def _takedown_entry(kind: str, t: Takedown, actor: str, now: datetime, **extra: Any) -> audit.Entry:
    return audit.Entry(
        kind=kind,
        subject_type="takedown",
        subject_id=t.id,
        actor=actor,
        data={
            "complaintId": t.complaint_id,
            "platformCode": t.platform_code,
            "sellerCode": t.seller_code,
            "product": _product(t),
            "dueAt": t.due_at,
            "acknowledgedAt": t.acknowledged_at,
            "actionTaken": t.action_taken,
        }
        | extra,
        occurred_at=now,
    )


# -- take-down notices ---------------------------------------------------------------------

NEWEST_TAKEDOWNS = Keyset(
    (col(Takedown.issued_at), col(Takedown.id)), (datetime, str), descending=True
)


def takedowns(
    engine: Engine,
    *,
    platform_code: str | None,
    acknowledged: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Takedown], str | None]:
    """Newest first: one platform's, or every one."""
    query = select(Takedown)
    if platform_code is not None:
        query = query.where(col(Takedown.platform_code) == platform_code)
    if acknowledged is not None:
        acked = col(Takedown.acknowledged_at)
        query = query.where(acked.is_not(None) if acknowledged else acked.is_(None))
    with read_session(engine) as session:
        return page(session, query, NEWEST_TAKEDOWNS, cursor, limit)


def _takedown_not_found(takedown_id: str) -> trust.TakedownNotFound:
    return trust.TakedownNotFound(
        f"No take-down notice has id {takedown_id!r}.", f"下架通知 {takedown_id!r} 不存在。"
    )


def acknowledge(
    engine: Engine,
    takedown_id: str,
    action_taken: str,
    actor: str,
    now: datetime,
    platform_code: str | None = None,
) -> Takedown:
    """The platform says what it did; once (with ``platform_code``, only its own notices:
    another's is as if there were none)."""
    with write_session(engine) as session:
        found = session.get(Takedown, takedown_id)
        if found is None or (platform_code is not None and found.platform_code != platform_code):
            raise _takedown_not_found(takedown_id)
        done = (
            session.connection()
            .execute(
                update(Takedown)
                .where(col(Takedown.id) == takedown_id, col(Takedown.acknowledged_at).is_(None))
                .values(acknowledged_at=now, acknowledged_by=actor, action_taken=action_taken)
                .returning(col(Takedown.id))
            )
            .first()
        )
        if done is None:
            raise trust.TakedownAlreadyAcknowledged(
                f"Take-down notice {takedown_id} was acknowledged already.",
                f"下架通知 {takedown_id} 已确认。",
            )
        session.refresh(found)
        late = trust.is_late(found.due_at, now, now)
        audit.append(
            session, [_takedown_entry("takedown.acknowledged", found, actor, now, late=late)]
        )
        session.commit()
    return found


# -- reverse tracing -----------------------------------------------------------------------


def _line_has(dialect: str, field: str, value: str) -> Any:
    """Whether one of a declaration's order lines has ``field`` = ``value``: searched in
    the stored documents (JSON containment on PostgreSQL, ``json_each`` on SQLite)."""
    if dialect == "postgresql":
        pattern = {"order": {"items": [{field: value}]}}
        return type_coerce(col(Declaration.documents), JSONB()).op("@>")(
            bindparam(None, pattern, type_=JSONB())
        )
    items = (
        func.json_each(col(Declaration.documents), "$.order.items").table_valued("value").alias()
    )
    return exists(
        select(literal(1))
        .select_from(items)
        .where(func.json_extract(items.c.value, f"$.{field}") == value)
    )


def names_goods(
    session: Session, item_no: str | None, seller: str | None, barcode: str | None
) -> Any | None:
    """The condition for declarations naming the goods: the seller's item number, or
    their barcode (None when neither is known)."""
    dialect = session.get_bind().dialect.name
    conditions = []
    if item_no is not None and seller is not None:
        conditions.append(
            and_(col(Declaration.ebc_code) == seller, _line_has(dialect, "itemNo", item_no))
        )
    if barcode is not None:
        conditions.append(_line_has(dialect, "barCode", barcode))
    return or_(*conditions) if conditions else None


NEWEST_DECLARATIONS = Keyset(
    (col(Declaration.created_at), col(Declaration.id)), (datetime, str), descending=True
)


@dataclass(frozen=True, slots=True)
class Trace:
    complaint: Complaint
    seller: Enterprise | None
    declarations: Sequence[Declaration]
    next_cursor: str | None
    # Customs code → name, of the page's payment and logistics companies (filed ones).
    companies: dict[str, str]


def trace(
    engine: Engine,
    complaint_id: str,
    *,
    cursor: str | None,
    limit: int,
    since: datetime | None,
    now: datetime,
) -> Trace:
    """From a complaint to the seller and every declaration of the goods (newest first,
    a page at a time, from ``since``: by default the last ``TRACE_DAYS`` days); when the
    complaint names no goods, the declaration of the order or waybill it names."""
    c = complaint(engine, complaint_id)
    seller_code = c.seller_code
    with read_session(engine) as session:
        named = _filing(session, c.enterprise_code)
        if seller_code is None and named is not None and "ecommerce" in named.roles.split():
            seller_code = named.customs_code
        seller: Enterprise | None
        if named is not None and named.customs_code == seller_code:
            seller = named
        else:
            seller = _filing(session, seller_code) if seller_code is not None else None
        goods = names_goods(session, c.item_no, seller_code, c.barcode)
        if goods is None:
            goods = _order_or_waybill(c)
        if goods is None:
            return Trace(c, seller, [], None, {})
        query = select(Declaration).where(
            goods, col(Declaration.created_at) >= (since or now - timedelta(days=TRACE_DAYS))
        )
        rows, next_cursor = page(session, query, NEWEST_DECLARATIONS, cursor, limit)
        codes = sorted({code for d in rows for code in (d.pay_code, d.logistics_code)})
        companies = {
            code: name
            for code, name in session.execute(
                select(col(Enterprise.customs_code), col(Enterprise.name)).where(
                    col(Enterprise.customs_code).in_(codes)
                )
            )
        }
    return Trace(c, seller, rows, next_cursor, companies)


def _filing(session: Session, customs_code: str) -> Enterprise | None:
    return session.scalars(
        select(Enterprise).where(col(Enterprise.customs_code) == customs_code)
    ).first()


def _order_or_waybill(c: Complaint) -> Any | None:
    numbers = [
        condition
        for condition in (
            col(Declaration.order_no) == c.order_no if c.order_no else None,
            col(Declaration.logistics_no) == c.logistics_no if c.logistics_no else None,
        )
        if condition is not None
    ]
    if not numbers:
        return None
    return and_(
        or_(
            col(Declaration.ebp_code) == c.enterprise_code,
            col(Declaration.ebc_code) == c.enterprise_code,
        ),
        or_(*numbers),
    )
