"""Traceability (源头可溯、去向可查) and recalls.

A trace goes from the goods' filings (the manufacturer and the origin) to the
declarations naming them (by barcode, or by an item number filed with that barcode),
their clearance and their delivery events; or from a waybill back to its goods. A recall
finds every declaration of the goods (of a batch, if it names one) and which of their
parcels were delivered, keeps them with the recall and whom it concerns, and tells those
enterprises (the ``product.recalled`` webhook event), in one audited transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import uuid_utils
from sqlalchemy import Engine, and_, false, or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain import goods
from app.store import audit, complaints, deliveries, webhooks
from app.store.db import read_session, write_session
from app.store.models import (
    Declaration,
    DeliveryEventRecord,
    Product,
    Recall,
    RecallDeclaration,
    RecallParty,
    Waybill,
)
from app.store.pagination import Keyset, page

# How far back a trace looks by default.
TRACE_DAYS = 366
# A recall reads the declarations a page of this many at a time.
RECALL_PAGE = 500

NEWEST_DECLARATIONS = Keyset(
    (col(Declaration.created_at), col(Declaration.id)), (datetime, str), descending=True
)


@dataclass(frozen=True, slots=True)
class TraceQuery:
    """What to trace from: a barcode, an item number of an e-commerce company, or a
    waybill number (of a logistics company, when given)."""

    barcode: str | None = None
    item_no: str | None = None
    ebc_code: str | None = None
    waybill: str | None = None
    logistics_code: str | None = None


@dataclass(frozen=True, slots=True)
class Traced:
    sources: list[Product]
    declarations: Sequence[Declaration]
    events: dict[str, list[DeliveryEventRecord]]
    next_cursor: str | None


def _naming(session: Session, barcode: str | None, filed: Sequence[Product]) -> Any:
    """The condition for declarations whose lines name the goods: their barcode (the one
    given, and those they are filed with), or an item number filed for them."""
    conditions = [complaints.names_goods(session, p.item_no, p.ebc_code, None) for p in filed]
    barcodes = {p.barcode for p in filed} | ({barcode} if barcode is not None else set())
    for code in sorted(barcodes):
        conditions.append(complaints.names_goods(session, None, None, code))
    found = [c for c in conditions if c is not None]
    return or_(*found) if found else false()


def _of_party(party: str) -> Any:
    return or_(
        col(Declaration.ebp_code) == party,
        col(Declaration.ebc_code) == party,
        col(Declaration.pay_code) == party,
        col(Declaration.logistics_code) == party,
    )


def trace(
    engine: Engine,
    query: TraceQuery,
    *,
    party: str | None,
    since: datetime | None,
    cursor: str | None,
    limit: int,
    now: datetime,
) -> Traced:
    """Source to destination, for a party (its own declarations; the filings of the goods
    it filed or is declared with) or anyone who reads everything (``party`` None)."""
    with read_session(engine) as session:
        if query.waybill is not None:
            waybills = select(col(Waybill.declaration_id)).where(
                col(Waybill.logistics_no) == query.waybill
            )
            if query.logistics_code is not None:
                waybills = waybills.where(
                    col(Waybill.logistics_code) == query.logistics_code.upper()
                )
            naming: Any = col(Declaration.id).in_(waybills)
            filed: list[Product] = []
        else:
            filed = _filings(session, query)
            naming = _naming(session, query.barcode, filed)
            naming = and_(
                naming,
                col(Declaration.created_at) >= (since or now - timedelta(days=TRACE_DAYS)),
            )
        statement = select(Declaration).where(naming)
        if party is not None:
            statement = statement.where(_of_party(party))
        rows, next_cursor = page(session, statement, NEWEST_DECLARATIONS, cursor, limit)
        if query.waybill is not None:
            filed = _filings_of_lines(session, rows)
        events = deliveries.events_of(session, [d.id for d in rows])
    if party is not None:
        seen = {party, *(d.ebc_code for d in rows)}
        filed = [p for p in filed if p.ebc_code in seen]
    return Traced(filed, rows, events, next_cursor)


def _filings(session: Session, query: TraceQuery) -> list[Product]:
    statement = select(Product)
    if query.barcode is not None:
        statement = statement.where(col(Product.barcode) == query.barcode)
    else:
        statement = statement.where(
            col(Product.ebc_code) == (query.ebc_code or "").upper(),
            col(Product.item_no) == query.item_no,
        )
    return list(session.scalars(statement.order_by(col(Product.id))))


def _filings_of_lines(session: Session, rows: Sequence[Declaration]) -> list[Product]:
    """The filings of the goods the declarations' lines name (by item number or barcode)."""
    items = {
        (d.ebc_code, str(item["itemNo"]))
        for d in rows
        for item in d.documents["order"]["items"]
        if item.get("itemNo")
    }
    barcodes = {
        str(item["barCode"])
        for d in rows
        for item in d.documents["order"]["items"]
        if item.get("barCode")
    }
    if not items and not barcodes:
        return []
    conditions: list[Any] = [col(Product.barcode).in_(sorted(barcodes))] if barcodes else []
    if items:
        conditions.append(
            and_(
                col(Product.ebc_code).in_(sorted({e for e, _ in items})),
                col(Product.item_no).in_(sorted({i for _, i in items})),
            )
        )
    found = session.scalars(select(Product).where(or_(*conditions)).order_by(col(Product.id)))
    return [p for p in found if (p.ebc_code, p.item_no) in items or p.barcode in barcodes]


# -- recalls -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecallDraft:
    barcode: str
    batch: str | None
    reason: str
    agency: str | None


def recall(engine: Engine, draft: RecallDraft, actor: str, now: datetime) -> Recall:
    """Recall goods: every declaration of them (of the batch) found and kept, with whether
    its parcel was delivered; the platforms and e-commerce companies concerned (and the
    goods' filers) told."""
    affected, filed = _affected(engine, draft)
    recall = Recall(
        id=str(uuid_utils.uuid7()),
        barcode=draft.barcode,
        batch=draft.batch,
        reason=draft.reason,
        product_name=filed[0].name if filed else None,
        agency=draft.agency,
        issued_by=actor,
        issued_at=now,
        declarations=len(affected),
        delivered=sum(1 for a in affected if a.delivered),
    )
    rows = [
        RecallDeclaration(
            recall_id=recall.id,
            declaration_id=a.declaration_id,
            ebp_code=a.ebp_code,
            ebc_code=a.ebc_code,
            order_no=a.order_no,
            logistics_code=a.logistics_code,
            logistics_no=a.logistics_no,
            status=a.status,
            delivered=a.delivered,
            lines=a.lines,
            declared_at=a.declared_at,
        )
        for a in affected
    ]
    concerned: dict[str, list[RecallDeclaration]] = {p.ebc_code: [] for p in filed}
    for row in rows:
        for code in (row.ebp_code, row.ebc_code):
            concerned.setdefault(code, []).append(row)
    with write_session(engine) as session:
        session.add(recall)
        session.flush()
        session.add_all(rows)
        session.add_all(RecallParty(recall_id=recall.id, customs_code=c) for c in concerned)
        session.flush()
        webhooks.announce_recall(
            session,
            webhooks.RecallNotice(
                recall_id=recall.id,
                barcode=recall.barcode,
                batch=recall.batch,
                product_name=recall.product_name,
                reason=recall.reason,
                issued_at=now,
            ),
            {
                code: (len(found), sum(1 for r in found if r.delivered))
                for code, found in concerned.items()
            },
            now,
        )
        audit.append(
            session,
            [
                audit.Entry(
                    kind="recall.issued",
                    subject_type="recall",
                    subject_id=recall.id,
                    actor=actor,
                    data={
                        "barcode": recall.barcode,
                        "batch": recall.batch,
                        "reason": recall.reason,
                        "declarations": recall.declarations,
                        "delivered": recall.delivered,
                        "concerned": sorted(concerned),
                    },
                    occurred_at=now,
                )
            ],
        )
        session.commit()
    return recall


@dataclass(frozen=True, slots=True)
class _Affected:
    declaration_id: str
    ebp_code: str
    ebc_code: str
    order_no: str
    logistics_code: str
    logistics_no: str
    status: str
    delivered: bool
    lines: list[int]
    declared_at: datetime


def _affected(engine: Engine, draft: RecallDraft) -> tuple[list[_Affected], list[Product]]:
    """The declarations naming the goods (of the batch), read a page at a time."""
    found: list[_Affected] = []
    with read_session(engine) as session:
        filed = list(
            session.scalars(
                select(Product)
                .where(col(Product.barcode) == draft.barcode)
                .order_by(col(Product.id))
            )
        )
        items = frozenset((p.ebc_code, p.item_no) for p in filed)
        statement = select(Declaration).where(_naming(session, draft.barcode, filed))
        cursor = None
        while True:
            rows, cursor = page(session, statement, NEWEST_DECLARATIONS, cursor, RECALL_PAGE)
            events = deliveries.events_of(session, [d.id for d in rows])
            for d in rows:
                order = d.documents["order"]
                if not goods.in_batch(draft.batch, order.get("batchNumbers")):
                    continue
                lines = goods.recalled_lines(order["items"], d.ebc_code, draft.barcode, items)
                if not lines:
                    continue
                delivered = deliveries.is_delivered(events[d.id])
                found.append(
                    _Affected(
                        d.id,
                        d.ebp_code,
                        d.ebc_code,
                        d.order_no,
                        d.logistics_code,
                        d.logistics_no,
                        d.status,
                        delivered,
                        lines,
                        d.created_at,
                    )
                )
            if cursor is None:
                break
    return found, filed


def _recall_not_found(recall_id: str) -> goods.RecallNotFound:
    return goods.RecallNotFound(
        f"No recall has id {recall_id!r} (or it does not concern you).",
        f"召回 {recall_id!r} 不存在（或与贵企业无关）。",
    )


NEWEST_RECALLS = Keyset((col(Recall.issued_at), col(Recall.id)), (datetime, str), descending=True)


def recalls(
    engine: Engine, *, party: str | None, cursor: str | None, limit: int
) -> tuple[Sequence[Recall], str | None]:
    """Newest first: every one, or those concerning ``party``."""
    statement = select(Recall)
    if party is not None:
        statement = statement.where(
            col(Recall.id).in_(
                select(col(RecallParty.recall_id)).where(col(RecallParty.customs_code) == party)
            )
        )
    with read_session(engine) as session:
        return page(session, statement, NEWEST_RECALLS, cursor, limit)


AFFECTED = Keyset((col(RecallDeclaration.declaration_id),), (str,))


def recall_detail(
    engine: Engine, recall_id: str, *, party: str | None, cursor: str | None, limit: int
) -> tuple[Recall, Sequence[RecallDeclaration], str | None]:
    """A recall and a page of the declarations it found (a party's own, when ``party``;
    a recall not concerning it is as if there were none)."""
    with read_session(engine) as session:
        found = session.get(Recall, recall_id)
        if found is None:
            raise _recall_not_found(recall_id)
        if party is not None and session.get(RecallParty, (recall_id, party)) is None:
            raise _recall_not_found(recall_id)
        statement = select(RecallDeclaration).where(col(RecallDeclaration.recall_id) == recall_id)
        if party is not None:
            statement = statement.where(
                or_(
                    col(RecallDeclaration.ebp_code) == party,
                    col(RecallDeclaration.ebc_code) == party,
                )
            )
        rows, next_cursor = page(session, statement, AFFECTED, cursor, limit)
    return found, rows, next_cursor
