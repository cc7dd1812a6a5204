"""Amending, cancelling and returning declarations: each request in one transaction that
locks the declaration first, so that a cancellation crossing a receipt, two returns at
once or a return during an amendment end one way (the rules are ``app.domain.afterlife``).

What the agencies are told goes through the outbox, one ``declaration.action`` message
per agency and step; their signed answers come back to ``apply_answers``, which moves the
action on (customs agreed → tax and forex are asked; both answered → done: the quota
given back, the refund recorded, the status changed)."""

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import uuid_utils
from sqlalchemy import Connection, Engine, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agencies.wire import ActionAnswer, ActionMessage, ActionStatus, ReturnedLine
from app.agencies.wire import ActionKind as Step
from app.domain import afterlife, decision, rules
from app.domain.afterlife import (
    ActionKind,
    ActionState,
    Blocked,
    BoughtLine,
    CancelPath,
    ReturnLine,
    Standing,
)
from app.domain.clearance import (
    CEB_STATUS,
    RELEASES_QUOTA,
    Agency,
    AgencyStatus,
    ClearanceStatus,
)
from app.domain.violations import RuleViolation
from app.errors import (
    DeclarationNotFound,
    DeclarationRefused,
    DeclarationStateConflict,
    NotAParty,
    PreconditionFailed,
    ReturnRefused,
)
from app.schemas.declaration import DeclarationSet
from app.store import audit, derived, outbox, webhooks
from app.store import intake as intake_store
from app.store.db import read_session, write_session
from app.store.models import (
    BuyerQuota,
    Declaration,
    DeclarationAction,
    DeclarationAgency,
    DeclarationEvent,
    DeclarationLine,
    OutboxMessage,
    Waybill,
)
from app.store.outbox import Claimed

ACTION = "declaration.action"
# Who is told at each step.
_WITHDRAW_FROM = tuple(Agency)
_AFTER_CUSTOMS = (Agency.TAX, Agency.FOREX)
_QUOTAS = BuyerQuota.__table__  # type: ignore[attr-defined]
_WAYBILLS = Waybill.__table__  # type: ignore[attr-defined]


def new_action_id() -> str:
    return str(uuid_utils.uuid7())


@dataclass(frozen=True, slots=True)
class Amended:
    declaration: Declaration
    previous_status: ClearanceStatus


@dataclass(frozen=True, slots=True)
class Requested:
    """A cancellation or return asked for: the action, and the declaration as it left it."""

    action: DeclarationAction
    declaration: Declaration


# -- reading and locking -----------------------------------------------------------------


def _not_found(declaration_id: str) -> DeclarationNotFound:
    return DeclarationNotFound(
        f"No declaration has id {declaration_id!r}.", f"申报单 {declaration_id!r} 不存在。"
    )


def _lock(session: Session, declaration_id: str, party: str | None) -> Declaration:
    """The declaration, locked until the end of the transaction (SQLite's writer holds
    the whole database already). Its parties see it; only its platform or e-commerce
    company may change it."""
    query = select(Declaration).where(col(Declaration.id) == declaration_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    found = session.scalars(query).first()
    if found is None:
        raise _not_found(declaration_id)
    if party is not None and party not in (found.ebp_code, found.ebc_code):
        if party in (found.pay_code, found.logistics_code):
            raise NotAParty(
                f"Only the platform {found.ebp_code} or the e-commerce company "
                f"{found.ebc_code} may change this declaration.",
                f"只有电商平台 {found.ebp_code} 或电商企业 {found.ebc_code} 可以变更该申报单。",
            )
        raise _not_found(declaration_id)
    return found


def _actions(session: Session, declaration_id: str) -> list[DeclarationAction]:
    return list(
        session.scalars(
            select(DeclarationAction)
            .where(col(DeclarationAction.declaration_id) == declaration_id)
            .order_by(col(DeclarationAction.created_at), col(DeclarationAction.id))
        )
    )


def _standing(session: Session, d: Declaration, actions: Sequence[DeclarationAction]) -> Standing:
    customs = session.scalar(
        select(col(DeclarationAgency.status)).where(
            col(DeclarationAgency.declaration_id) == d.id,
            col(DeclarationAgency.agency) == Agency.CUSTOMS.value,
        )
    )
    open_kind = next(
        (ActionKind(a.kind) for a in actions if ActionState(a.status) in afterlife.OPEN_STATES),
        None,
    )
    return Standing(
        status=ClearanceStatus(d.status),
        customs=AgencyStatus(customs or AgencyStatus.PENDING.value),
        released_at=d.released_at,
        open_action=open_kind,
    )


def _conflict(blocked: Blocked, d: Declaration) -> DeclarationStateConflict:
    return DeclarationStateConflict(
        blocked.code,
        blocked.message,
        blocked.message_zh,
        status=d.status,
        version=d.version,
        location=f"/v1/declarations/{d.id}",
    )


def actions_of(engine: Engine, declaration_id: str) -> list[DeclarationAction]:
    """A declaration's cancellations and returns, oldest first."""
    with read_session(engine) as session:
        return _actions(session, declaration_id)


def bought_lines(documents: Mapping[str, Any]) -> list[BoughtLine]:
    return [
        BoughtLine(int(item["gnum"]), Decimal(str(item["qty"])), Decimal(str(item["totalPrice"])))
        for item in documents["order"]["items"]
    ]


def _lines_of(action: DeclarationAction) -> list[ReturnLine]:
    return [ReturnLine(int(line["gnum"]), Decimal(line["qty"])) for line in action.lines]


def _quota_counts(d: Declaration) -> bool:
    """Whether the declaration's charge is still on the buyer's annual quota."""
    return ClearanceStatus(d.status) not in RELEASES_QUOTA


# -- the quota and the waybill -----------------------------------------------------------

_RELEASE = (
    update(_QUOTAS)
    .where(_QUOTAS.c.buyer_id_number == bindparam("b_buyer"), _QUOTAS.c.year == bindparam("b_year"))
    .values(used=_QUOTAS.c.used - bindparam("b_units"), updated_at=bindparam("b_now"))
)


def _give_back(connection: Connection, buyer: str, year: int, units: int, now: datetime) -> None:
    if units > 0:
        connection.execute(
            _RELEASE, {"b_buyer": buyer, "b_year": year, "b_units": units, "b_now": now}
        )


def _charge(connection: Connection, buyer: str, year: int, units: int, now: datetime) -> bool:
    """Add to a buyer's annual total if it stays within the limit."""
    insert = dialect_insert_for(connection)(_QUOTAS).values(
        buyer_id_number=buyer, year=year, used=units, updated_at=now
    )
    statement = insert.on_conflict_do_update(
        index_elements=["buyer_id_number", "year"],
        set_={"used": _QUOTAS.c.used + insert.excluded.used, "updated_at": now},
        where=_QUOTAS.c.used + insert.excluded.used <= decision.to_quota_units(rules.ANNUAL_LIMIT),
    )
    return connection.execute(statement).rowcount == 1


def _claim_waybill(
    connection: Connection, code: str, number: str, declaration_id: str, now: datetime
) -> bool:
    insert = dialect_insert_for(connection)(_WAYBILLS).values(
        logistics_code=code, logistics_no=number, declaration_id=declaration_id, declared_at=now
    )
    statement = insert.on_conflict_do_update(
        index_elements=["logistics_code", "logistics_no"],
        set_={"declaration_id": declaration_id, "declared_at": now},
        where=_WAYBILLS.c.declared_at <= rules.months_before(now, rules.WAYBILL_REUSE_MONTHS),
    )
    return connection.execute(statement).rowcount == 1


def dialect_insert_for(connection: Connection) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for the connection's backend."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


# -- what every change leaves: the event, the push, the audit entry ----------------------


def _record(
    session: Session,
    d: Declaration,
    before: ClearanceStatus,
    *,
    kind: str,
    actor: str,
    note: str,
    now: datetime,
    data: Mapping[str, Any] | None = None,
    change: tuple[str, str, str | None] | None = None,
) -> None:
    """The event, the status push (when the status moved), the change push (``change``:
    what changed, where it stands, the action) and the audit entry of a change."""
    status = ClearanceStatus(d.status)
    parties = frozenset((d.ebp_code, d.ebc_code, d.pay_code, d.logistics_code))
    if change is not None:
        what, state, action_id = change
        webhooks.announce_declaration_changes(
            session,
            [
                webhooks.DeclarationChange(
                    declaration_id=d.id,
                    ebp_code=d.ebp_code,
                    ebc_code=d.ebc_code,
                    order_no=d.order_no,
                    parties=parties,
                    change=what,
                    state=state,
                    status=status.value,
                    version=d.version,
                    action_id=action_id,
                )
            ],
            now,
        )
    session.add(
        DeclarationEvent(
            declaration_id=d.id,
            status=status.value,
            ceb_status=CEB_STATUS[status],
            note=note[:1000],
            created_at=now,
        )
    )
    if status is not before:
        webhooks.announce_changes(
            session,
            [
                webhooks.StatusChange(
                    declaration_id=d.id,
                    ebp_code=d.ebp_code,
                    order_no=d.order_no,
                    parties=parties,
                    previous_status=before,
                    status=status,
                    ceb_status=CEB_STATUS[status],
                    ebc_code=d.ebc_code,
                )
            ],
            now,
        )
    session.flush()
    audit.append(
        session,
        [
            audit.Entry(
                kind=kind,
                subject_type="declaration",
                subject_id=d.id,
                actor=actor,
                data={
                    **(data or {}),
                    "version": d.version,
                    "status": status.value,
                    "cebStatus": CEB_STATUS[status],
                    "note": note[:1000],
                    "stateSha256": audit.state_sha256(
                        audit.declaration_state(d.id, status.value, CEB_STATUS[status])
                    ),
                },
                occurred_at=now,
            )
        ],
    )


def _set_status(d: Declaration, status: ClearanceStatus, now: datetime) -> None:
    d.status = status.value
    d.ceb_status = CEB_STATUS[status]
    d.updated_at = now


def _tell(
    session: Session, action: DeclarationAction, step: Step, agencies: Iterable[Agency]
) -> None:
    outbox.ENQUEUE.execute(
        session.connection(),
        outbox.bind_messages(
            session.get_bind().dialect,
            [
                outbox.Message(
                    destination=agency.value,
                    kind=ACTION,
                    subject_id=action.id,
                    idempotency_key=f"{action.id}:{agency.value}",
                    payload={"step": step.value},
                )
                for agency in agencies
            ],
            action.updated_at,
        ),
    )


# -- amend -------------------------------------------------------------------------------


def amend(
    engine: Engine,
    declaration_id: str,
    documents: DeclarationSet,
    *,
    if_match: int,
    actor: str,
    party: str | None,
    key_ttl: timedelta,
    now: datetime,
) -> Amended:
    """Replace a declaration's documents with a corrected set, decided by the intake's
    rules as a new one would be (its own order, waybill and quota charge aside)."""
    with write_session(engine, urgent=True) as session:
        d = _lock(session, declaration_id, party)
        if d.version != if_match:
            raise PreconditionFailed(d.version)
        changed = _identity_changes(d, documents)
        if changed:
            raise DeclarationRefused(changed)
        if (
            blocked := afterlife.may_amend(_standing(session, d, _actions(session, d.id)))
        ) is not None:
            raise _conflict(blocked, d)
        connection = session.connection()
        candidate = decision.Candidate.of(documents, d.id)
        read = intake_store.read_facts(connection, [candidate], now, key_ttl)
        counted = _quota_counts(d)
        (decided,) = decision.decide([candidate], _without_itself(read.facts, d, counted, now), now)
        if decided.outcome is not decision.Outcome.ACCEPTED:
            raise DeclarationRefused(list(decided.violations))
        derived.derive_one(session, d.id)
        new_waybill = (documents.logistics.logisticsCode, documents.logistics.logisticsNo)
        if new_waybill != (d.logistics_code, d.logistics_no) and not _claim_waybill(
            connection, *new_waybill, d.id, now
        ):
            raise DeclarationRefused([rules.check_waybill(documents, True)[0]])
        if counted:
            _give_back(connection, d.buyer_id_number, d.quota_year, d.quota_charge, now)
        year = rules.china_year(now)
        buyer = documents.order.buyerIdNumber
        if not _charge(connection, buyer, year, decided.quota_charge, now):
            # Another declaration of the buyer's took the rest of the year's quota since
            # the facts were read (PostgreSQL).
            used = session.scalar(
                select(col(BuyerQuota.used)).where(
                    col(BuyerQuota.buyer_id_number) == buyer, col(BuyerQuota.year) == year
                )
            )
            raise DeclarationRefused(
                rules.check_annual_limit(documents, decision.from_quota_units(used or 0))
            )
        before = ClearanceStatus(d.status)
        _apply_documents(d, documents, decided.quota_charge, year, now)
        connection.execute(
            update(DeclarationAgency)
            .where(col(DeclarationAgency.declaration_id) == d.id)
            .values(status=AgencyStatus.PENDING.value, sequence=0, detail=None, updated_at=now)
        )
        connection.execute(
            delete(DeclarationLine).where(col(DeclarationLine.declaration_id) == d.id)
        )
        derived.insert_lines(connection, derived.line_rows(d.id, d.documents, d.created_at))
        outbox.ENQUEUE.execute(
            connection,
            outbox.bind_messages(connection.dialect, derived.submit_messages(d.id, d.version), now),
        )
        session.add(d)
        _record(
            session,
            d,
            before,
            kind="declaration.amended",
            actor=actor,
            note=f"Amended: version {d.version}, queued for the agencies.",
            now=now,
            change=("amendment", "amended", None),
            data=audit.declaration_identity(d),
        )
        session.commit()
    return Amended(d, before)


def _identity_changes(d: Declaration, ds: DeclarationSet) -> list[RuleViolation]:
    """What identifies a declaration cannot be amended: its order, platform and
    e-commerce company."""
    identity = (
        ("/order/orderNo", "orderNo", ds.order.orderNo, d.order_no),
        ("/order/ebpCode", "ebpCode", ds.order.ebpCode, d.ebp_code),
        ("/order/ebcCode", "ebcCode", ds.order.ebcCode, d.ebc_code),
    )
    return [
        RuleViolation(
            "identity_changed",
            pointer,
            f"{name} cannot change in an amendment: {stored!r}, not {sent!r}",
            f"修改申报时 {name} 不能变更：应为 {stored!r}，而非 {sent!r}",
        )
        for pointer, name, sent, stored in identity
        if sent != stored
    ]


def _without_itself(
    facts: decision.Facts, d: Declaration, counted: bool, now: datetime
) -> decision.Facts:
    """The facts as they would be without the declaration being amended: its order, its
    waybill and, when it still counts, its charge to the buyer's quota are its own."""
    quota = dict(facts.quota_used)
    if counted and d.quota_year == rules.china_year(now) and d.buyer_id_number in quota:
        quota[d.buyer_id_number] = max(0, quota[d.buyer_id_number] - d.quota_charge)
    return dataclasses.replace(
        facts,
        orders={k: v for k, v in facts.orders.items() if v != d.id},
        quota_used=quota,
        waybills_used={
            k: v for k, v in facts.waybills_used.items() if k != (d.logistics_code, d.logistics_no)
        },
    )


def _apply_documents(
    d: Declaration, ds: DeclarationSet, charge: int, year: int, now: datetime
) -> None:
    d.documents = ds.model_dump(mode="json", exclude_none=True)
    d.pay_code = ds.payment.payCode
    d.logistics_code = ds.logistics.logisticsCode
    d.logistics_no = ds.logistics.logisticsNo
    d.buyer_id_number = ds.order.buyerIdNumber
    d.trade_mode = ds.tradeMode
    d.dutiable_value = rules.dutiable_value(ds)
    d.quota_charge = charge
    d.quota_year = year
    d.version += 1
    d.tax = None
    d.tax_total = None
    d.finalized_at = None
    d.released_at = None
    _set_status(d, ClearanceStatus.ACCEPTED, now)


# -- cancel ------------------------------------------------------------------------------


def cancel(
    engine: Engine,
    declaration_id: str,
    reason: str,
    *,
    actor: str,
    party: str | None,
    now: datetime,
    window: timedelta,
) -> Requested:
    """Before release: cancelled at once, the agencies told to withdraw it. After
    release: customs is asked to agree."""
    with write_session(engine, urgent=True) as session:
        d = _lock(session, declaration_id, party)
        actions = _actions(session, d.id)
        path = afterlife.cancellation_path(_standing(session, d, actions), now, window)
        if isinstance(path, Blocked):
            raise _conflict(path, d)
        derived.derive_one(session, d.id)
        before = ClearanceStatus(d.status)
        action = DeclarationAction(
            id=new_action_id(),
            declaration_id=d.id,
            kind=ActionKind.CANCELLATION.value,
            status=ActionState.AWAITING_CUSTOMS.value,
            version=d.version,
            reason=reason,
            lines=[],
            quota_given_back=d.quota_charge if _quota_counts(d) else 0,
            agencies={},
            requested_by=actor,
            created_at=now,
            updated_at=now,
        )
        session.add(action)
        if path is CancelPath.WITHDRAW:
            action.status = ActionState.COMPLETED.value
            action.completed_at = now
            _withhold_submissions(session.connection(), d.id)
            _give_back(
                session.connection(), d.buyer_id_number, d.quota_year, action.quota_given_back, now
            )
            _set_status(d, ClearanceStatus.CANCELLED, now)
            d.finalized_at = d.finalized_at or now
            session.add(d)
            session.flush()
            _tell(session, action, Step.WITHDRAWAL, _WITHDRAW_FROM)
            _record(
                session,
                d,
                before,
                kind="declaration.cancelled",
                actor=actor,
                note=f"Cancelled before release: {reason}",
                now=now,
                change=("cancellation", "completed", action.id),
                data={"actionId": action.id},
            )
        else:
            session.flush()
            _tell(session, action, Step.CANCELLATION, (Agency.CUSTOMS,))
            _record(
                session,
                d,
                before,
                kind="declaration.cancellation_requested",
                actor=actor,
                note=f"Cancellation asked after release, waiting for customs: {reason}",
                now=now,
                change=("cancellation", "awaiting_customs", action.id),
                data={"actionId": action.id},
            )
        session.commit()
    return Requested(action, d)


def _withhold_submissions(connection: Connection, declaration_id: str) -> None:
    """The declaration's deliveries not made yet are not made: it is withdrawn."""
    connection.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.subject_id) == declaration_id,
            col(OutboxMessage.kind) == derived.SUBMIT_DECLARATION,
            col(OutboxMessage.status) == outbox.PENDING,
        )
        .values(status=outbox.WITHDRAWN, last_error="withdrawn: the declaration was cancelled")
    )


# -- return ------------------------------------------------------------------------------


def request_return(
    engine: Engine,
    declaration_id: str,
    *,
    logistics_no: str,
    lines: Sequence[ReturnLine],
    reason: str,
    actor: str,
    party: str | None,
    now: datetime,
    window: timedelta,
) -> Requested:
    """Some or all of the goods sent back: checked against what was bought and what
    other returns take back; customs is asked to agree."""
    with write_session(engine, urgent=True) as session:
        d = _lock(session, declaration_id, party)
        actions = _actions(session, d.id)
        blocked = afterlife.may_return(_standing(session, d, actions), now, window)
        if blocked is not None:
            raise _conflict(blocked, d)
        bought = bought_lines(d.documents)
        taken = afterlife.add_up(*(_lines_of(a) for a in _returns(actions, live=True)))
        found = afterlife.check_return_lines(bought, taken, lines)
        if found:
            raise ReturnRefused(found)
        values = afterlife.returned_value(bought, lines)
        action = DeclarationAction(
            id=new_action_id(),
            declaration_id=d.id,
            kind=ActionKind.RETURN.value,
            status=ActionState.AWAITING_CUSTOMS.value,
            version=d.version,
            reason=reason,
            logistics_no=logistics_no,
            lines=[
                {"gnum": r.gnum, "qty": str(r.qty), "value": str(values[r.gnum])} for r in lines
            ],
            # Counted again when the return is done, from the returns done by then.
            quota_given_back=afterlife.quota_given_back(d.quota_charge, bought, taken, lines),
            agencies={},
            requested_by=actor,
            created_at=now,
            updated_at=now,
        )
        session.add(action)
        session.flush()
        _tell(session, action, Step.RETURN, (Agency.CUSTOMS,))
        _record(
            session,
            d,
            ClearanceStatus(d.status),
            kind="declaration.return_requested",
            actor=actor,
            note=f"Return asked ({logistics_no}), waiting for customs: {reason}",
            now=now,
            change=("return", "awaiting_customs", action.id),
            data={"actionId": action.id, "logisticsNo": logistics_no, "lines": action.lines},
        )
        session.commit()
    return Requested(action, d)


def _returns(
    actions: Iterable[DeclarationAction], *, live: bool = False, done: bool = False
) -> list[DeclarationAction]:
    """A declaration's returns: ``live``, those not refused; ``done``, those completed."""
    return [
        a
        for a in actions
        if a.kind == ActionKind.RETURN.value
        and (not live or a.status != ActionState.REFUSED.value)
        and (not done or a.status == ActionState.COMPLETED.value)
    ]


# -- the agencies' answers ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answered:
    """One agency's answer, with the step it answers (the outbox message's)."""

    step: Step
    answer: ActionAnswer


def apply_answers(
    engine: Engine, answered: Sequence[Answered], *, delivered: Sequence[int], now: datetime
) -> None:
    """Record the agencies' answers and move each action on, in one transaction; the
    messages that carried them are marked delivered in it."""
    with write_session(engine) as session:
        by_action: dict[str, list[Answered]] = {}
        for item in answered:
            by_action.setdefault(item.answer.actionId, []).append(item)
        for action_id in sorted(by_action):
            _move_on(session, action_id, by_action[action_id], now)
        outbox.mark_delivered_in(session, delivered, now)
        session.commit()


def _move_on(session: Session, action_id: str, answered: Sequence[Answered], now: datetime) -> None:
    action = session.get(DeclarationAction, action_id)
    if action is None:
        return
    d = _lock(session, action.declaration_id, None)
    session.refresh(action)
    agencies = dict(action.agencies)
    for item in answered:
        a = item.answer
        agencies[a.agency.value] = {
            "step": item.step.value,
            "status": a.status.value,
            "reasons": [r.model_dump() for r in a.reasons],
            "refund": a.refund.model_dump(mode="json") if a.refund is not None else None,
            "decidedAt": a.decidedAt.isoformat(),
        }
        if a.agency is Agency.TAX and a.refund is not None and item.step is not Step.WITHDRAWAL:
            action.refund = a.refund.model_dump(mode="json")
            action.refund_total = a.refund.total
    action.agencies = agencies
    action.updated_at = now
    state = ActionState(action.status)
    customs = next((i.answer for i in answered if i.answer.agency is Agency.CUSTOMS), None)
    if state is ActionState.AWAITING_CUSTOMS and customs is not None:
        if customs.status is ActionStatus.APPROVED:
            action.status = ActionState.AWAITING_AGENCIES.value
            session.add(action)
            session.flush()
            step = Step.CANCELLATION if action.kind == ActionKind.CANCELLATION else Step.RETURN
            _tell(session, action, step, _AFTER_CUSTOMS)
            _record(
                session,
                d,
                ClearanceStatus(d.status),
                kind=f"declaration.{action.kind}_approved",
                actor="agency:customs",
                note=f"Customs agreed to the {action.kind}; waiting for tax and forex.",
                now=now,
                change=(action.kind, "awaiting_agencies", action.id),
                data={"actionId": action.id},
            )
        else:
            action.status = ActionState.REFUSED.value
            action.completed_at = now
            session.add(action)
            why = "; ".join(f"{r.code}: {r.message}" for r in customs.reasons) or "no reason given"
            _record(
                session,
                d,
                ClearanceStatus(d.status),
                kind=f"declaration.{action.kind}_refused",
                actor="agency:customs",
                note=f"Customs refused the {action.kind}: {why}",
                now=now,
                change=(action.kind, "refused", action.id),
                data={"actionId": action.id, "reasons": [r.model_dump() for r in customs.reasons]},
            )
        return
    if state is ActionState.AWAITING_AGENCIES and all(a.value in agencies for a in _AFTER_CUSTOMS):
        _complete(session, d, action, now)
        return
    session.add(action)


def _complete(session: Session, d: Declaration, action: DeclarationAction, now: datetime) -> None:
    before = ClearanceStatus(d.status)
    connection = session.connection()
    action.status = ActionState.COMPLETED.value
    action.completed_at = now
    refund = action.refund_total
    if action.kind == ActionKind.CANCELLATION.value:
        if not _quota_counts(d):
            # An agency refused the declaration meanwhile: its charge went back then.
            action.quota_given_back = 0
        _give_back(connection, d.buyer_id_number, d.quota_year, action.quota_given_back, now)
        _set_status(d, ClearanceStatus.CANCELLED, now)
        kind, note = "declaration.cancelled", f"Cancelled after release: {action.reason}"
    else:
        bought = bought_lines(d.documents)
        done_before = afterlife.add_up(
            *(
                _lines_of(a)
                for a in _returns(_actions(session, d.id), done=True)
                if a.id != action.id
            )
        )
        this = _lines_of(action)
        action.quota_given_back = afterlife.quota_given_back(
            d.quota_charge, bought, done_before, this
        )
        _give_back(connection, d.buyer_id_number, d.quota_year, action.quota_given_back, now)
        _set_status(d, afterlife.after_return(bought, afterlife.add_up(done_before, this)), now)
        kind, note = "declaration.returned", f"Goods returned ({action.logistics_no})"
    session.add(action)
    session.add(d)
    _record(
        session,
        d,
        before,
        kind=kind,
        actor="agency:tax+forex",
        note=f"{note}; refund CNY {refund if refund is not None else 0}.",
        now=now,
        change=(action.kind, "completed", action.id),
        data={
            "actionId": action.id,
            "quotaGivenBack": str(afterlife.quota_amount(action.quota_given_back)),
            "refundTotal": str(refund) if refund is not None else None,
        },
    )


# -- what the dispatcher sends -----------------------------------------------------------


def action_messages(engine: Engine, messages: Sequence[Claimed]) -> dict[int, ActionMessage]:
    """Outbox id → the ``ActionMessage`` to send (those whose action is gone are left
    out)."""
    ids = sorted({m.subject_id for m in messages})
    if not ids:
        return {}
    with read_session(engine) as session:
        actions = {
            a.id: a
            for a in session.scalars(
                select(DeclarationAction).where(col(DeclarationAction.id).in_(ids))
            )
        }
        declared = {
            d.id: d
            for d in session.scalars(
                select(Declaration).where(
                    col(Declaration.id).in_(sorted({a.declaration_id for a in actions.values()}))
                )
            )
        }
        siblings = {
            declaration_id: _actions(session, declaration_id) for declaration_id in declared
        }
    built: dict[int, ActionMessage] = {}
    for message in messages:
        action = actions.get(message.subject_id)
        d = declared.get(action.declaration_id) if action is not None else None
        if action is None or d is None:
            continue
        step = Step((message.payload or {}).get("step", action.kind))
        earlier = [
            a
            for a in _returns(siblings[d.id], live=True)
            if (a.created_at, a.id) < (action.created_at, action.id)
        ]
        built[message.id] = ActionMessage(
            actionId=action.id,
            kind=step,
            declarationId=d.id,
            version=action.version,
            reason=action.reason,
            logisticsNo=action.logistics_no,
            lines=[ReturnedLine(gnum=r.gnum, qty=r.qty) for r in _lines_of(action)],
            returnedBefore=[
                ReturnedLine(gnum=gnum, qty=qty)
                for gnum, qty in sorted(afterlife.add_up(*(_lines_of(a) for a in earlier)).items())
            ],
            documents=d.documents,
        )
    return built
