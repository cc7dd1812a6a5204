"""Delivery events (去向可查): a logistics company says where a declared parcel is, on the
waybill it declared. The same event at the same time is kept once; an event that cannot
follow the waybill's others is refused. Audited."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain import goods
from app.domain.violations import RuleViolation
from app.errors import InvalidRequest
from app.store import audit
from app.store.db import dialect_insert, read_session, write_session
from app.store.models import Declaration, DeliveryEventRecord, Waybill

# A clock a little ahead of ours is forgiven; an event further in the future is not.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class EventDraft:
    event: goods.DeliveryEvent
    at: datetime
    place: str
    note: str | None


@dataclass(frozen=True, slots=True)
class DeclaredWaybill:
    """A declared waybill: the declaration that last used its number."""

    declaration: Declaration
    events: list[DeliveryEventRecord]

    @property
    def delivered(self) -> bool:
        return is_delivered(self.events)


def is_delivered(events: Sequence[DeliveryEventRecord]) -> bool:
    """Whether a waybill's events say its parcel reached the buyer (and stayed there)."""
    return goods.delivered(goods.Delivery(goods.DeliveryEvent(e.event), e.at) for e in events)


def _not_found(logistics_no: str) -> goods.WaybillNotFound:
    return goods.WaybillNotFound(
        f"No declaration you may see or act on has waybill number {logistics_no!r}.",
        f"没有您可查看或办理的、运单号为 {logistics_no!r} 的申报。",
    )


def _declaration(
    session: Session,
    logistics_no: str,
    logistics_code: str | None,
    party: str | None,
    *,
    lock: bool = False,
) -> Declaration:
    """The declaration that last used the waybill number (of ``logistics_code``, when
    given); with ``party``, only one it names (another's is as if there were none)."""
    query = select(col(Waybill.declaration_id)).where(col(Waybill.logistics_no) == logistics_no)
    if logistics_code is not None:
        query = query.where(col(Waybill.logistics_code) == logistics_code.upper())
    ids = list(session.scalars(query.limit(2)))
    if len(ids) > 1:
        raise InvalidRequest(
            [
                RuleViolation(
                    "waybill_ambiguous",
                    None,
                    f"several logistics companies declared waybill {logistics_no!r}: name "
                    "one in logisticsCode",
                    f"多家物流企业申报过运单号 {logistics_no!r}：请在 logisticsCode 中指明",
                    parameter="logisticsCode",
                )
            ]
        )
    if not ids:
        raise _not_found(logistics_no)
    statement = select(Declaration).where(col(Declaration.id) == ids[0])
    found = session.scalars(statement.with_for_update() if lock else statement).first()
    parties = (
        None
        if found is None
        else (found.ebp_code, found.ebc_code, found.pay_code, found.logistics_code)
    )
    if found is None or (party is not None and party not in (parties or ())):
        raise _not_found(logistics_no)
    return found


def events_of(
    session: Session, declaration_ids: Sequence[str]
) -> dict[str, list[DeliveryEventRecord]]:
    """Declaration id → its delivery events, in the order they happened."""
    found: dict[str, list[DeliveryEventRecord]] = {i: [] for i in declaration_ids}
    if not declaration_ids:
        return found
    for row in session.scalars(
        select(DeliveryEventRecord)
        .where(col(DeliveryEventRecord.declaration_id).in_(sorted(set(declaration_ids))))
        .order_by(col(DeliveryEventRecord.at), col(DeliveryEventRecord.id))
    ):
        found[row.declaration_id].append(row)
    return found


def record(
    engine: Engine,
    logistics_no: str,
    draft: EventDraft,
    *,
    logistics_code: str | None,
    actor: str,
    now: datetime,
) -> tuple[DeclaredWaybill, bool]:
    """Record an event on a declared waybill (``logistics_code``: the caller's own, or
    the one an admin names). Answers the waybill and whether the event is new."""
    if draft.at > now + CLOCK_SKEW:
        raise goods.invalid(
            "event_in_future",
            "/at",
            "at is in the future: say when the event happened",
            "事件时间晚于当前时间：请填写事件实际发生的时间",
        )
    with write_session(engine) as session:
        declaration = _declaration(session, logistics_no, logistics_code, None, lock=True)
        earlier = events_of(session, [declaration.id])[declaration.id]
        if any(e.event == draft.event.value and e.at == draft.at for e in earlier):
            return DeclaredWaybill(declaration, earlier), False
        known = [goods.Delivery(goods.DeliveryEvent(e.event), e.at) for e in earlier]
        wrong = goods.out_of_order([*known, goods.Delivery(draft.event, draft.at)])
        if wrong is not None:
            before, after = wrong
            raise goods.DeliveryOutOfOrder(
                f"{after.event} at {after.at.isoformat()} cannot follow {before.event} at "
                f"{before.at.isoformat()} on waybill {logistics_no}.",
                f"运单 {logistics_no} 的事件 {after.event}（{after.at.isoformat()}）"
                f"不能在 {before.event}（{before.at.isoformat()}）之后。",
                event=after.event.value,
                follows=before.event.value,
            )
        inserted = (
            session.connection()
            .execute(
                dialect_insert(session, DeliveryEventRecord)
                .values(
                    declaration_id=declaration.id,
                    logistics_code=declaration.logistics_code,
                    logistics_no=declaration.logistics_no,
                    event=draft.event.value,
                    at=draft.at,
                    place=draft.place,
                    note=draft.note,
                    recorded_by=actor,
                    recorded_at=now,
                )
                .on_conflict_do_nothing(index_elements=["declaration_id", "event", "at"])
                .returning(col(DeliveryEventRecord.id))
            )
            .first()
        )
        if inserted is not None:
            audit.append(
                session,
                [
                    audit.Entry(
                        kind="delivery.recorded",
                        subject_type="waybill",
                        subject_id=declaration.id,
                        actor=actor,
                        data={
                            "logisticsCode": declaration.logistics_code,
                            "logisticsNo": declaration.logistics_no,
                            "event": draft.event.value,
                            "at": draft.at,
                            "place": draft.place,
                            "note": draft.note,
                        },
                        occurred_at=now,
                    )
                ],
            )
        session.commit()
    with read_session(engine) as session:
        events = events_of(session, [declaration.id])[declaration.id]
    return DeclaredWaybill(declaration, events), inserted is not None


def waybill(
    engine: Engine, logistics_no: str, *, logistics_code: str | None, party: str | None
) -> DeclaredWaybill:
    """A declared waybill's events, for a party of its declaration (``party``) or anyone
    who reads every declaration (None)."""
    with read_session(engine) as session:
        declaration = _declaration(session, logistics_no, logistics_code, party)
        return DeclaredWaybill(declaration, events_of(session, [declaration.id])[declaration.id])
