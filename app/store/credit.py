"""Credit records (信用记录) and the credit negative list (信用负面清单).

A listing is kept on its own row and carried on the enterprise's filing as
``listed_until`` (the latest end of its listings in force), so that the intake learns it
with the filing, in the statement it reads its facts with. Each listing and lifting is
in the audit trail with the filing's state hash, and the filing, as it now stands, is
sent to every agency again: customs inspects the enterprise's declarations from then on.

The credit record is what was written when it happened (grades, listings, upheld
complaints: ``credit_events``) and what is counted when it is read: refusals and
detentions by month from the declarations, and take-down notices not acknowledged in
time."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import uuid_utils
from sqlalchemy import Engine, and_, case, func, or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain import trust
from app.domain.clearance import ClearanceStatus
from app.errors import EnterpriseNotFound
from app.store import audit, enterprises
from app.store.db import read_session, write_session
from app.store.models import CreditEvent, Declaration, Enterprise, NegativeListing, Takedown
from app.store.pagination import Keyset, page

# What the credit record holds of each kind at most: the newest.
RECORD_EVENTS = 200
RECORD_MONTHS = 24


def record_event(
    session: Session,
    customs_code: str,
    kind: trust.CreditEventKind,
    source: str,
    detail: dict[str, Any],
    occurred_at: datetime,
) -> None:
    """Add to an enterprise's credit record, in the session's transaction."""
    session.add(
        CreditEvent(
            customs_code=customs_code,
            kind=kind.value,
            source=source,
            detail=detail,
            occurred_at=occurred_at,
        )
    )


# -- the negative list -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListingDraft:
    customs_code: str
    reason: str
    legal_basis: str
    authority: str
    until: datetime | None
    agency: str | None


def put_on_list(engine: Engine, draft: ListingDraft, actor: str, now: datetime) -> NegativeListing:
    """List an enterprise: from now on it cannot file again or be a party to a new
    declaration, and customs inspects its declarations still in flight."""
    if draft.until is not None and draft.until <= now:
        raise trust.invalid(
            "until_not_in_future",
            "/until",
            "until must be in the future (omit it for a listing without an end)",
            "截止时间必须晚于当前时间（无截止时间请省略该字段）",
        )
    with write_session(engine) as session:
        enterprise = _locked(session, draft.customs_code)
        listing = NegativeListing(
            id=str(uuid_utils.uuid7()),
            customs_code=enterprise.customs_code,
            uscc=enterprise.uscc,
            name=enterprise.name,
            reason=draft.reason,
            legal_basis=draft.legal_basis,
            authority=draft.authority,
            agency=draft.agency,
            listed_at=now,
            until=draft.until,
            listed_by=actor,
        )
        session.add(listing)
        session.flush()
        _carry_on_filing(session, enterprise, now)
        record_event(
            session,
            enterprise.customs_code,
            trust.CreditEventKind.LISTED,
            actor,
            _listing_detail(listing),
            now,
        )
        session.flush()
        _record_and_announce(
            session, _entry("filing.listed", enterprise, actor, _listing_detail(listing), now)
        )
        session.commit()
    return listing


def lift(
    engine: Engine, listing_id: str, reason: str, actor: str, now: datetime
) -> NegativeListing:
    """Take an enterprise off the list (this listing; another in force keeps it on)."""
    with write_session(engine) as session:
        found = session.get(NegativeListing, listing_id)
        if found is None:
            raise _listing_not_found(listing_id)
        # The filing first, as listing does: the two never wait on each other.
        enterprise = _locked(session, found.customs_code)
        listing = session.scalars(
            select(NegativeListing)
            .where(col(NegativeListing.id) == listing_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        if not trust.is_current(listing.until, listing.lifted_at, now):
            raise trust.ListingNotCurrent(
                f"Listing {listing_id} is no longer in force (lifted, or its period is over).",
                f"负面清单记录 {listing_id} 已不再有效（已移出或已到期）。",
                listingId=listing_id,
            )
        listing.lifted_at = now
        listing.lifted_by = actor
        listing.lift_reason = reason
        session.flush()
        _carry_on_filing(session, enterprise, now)
        detail = {"listingId": listing.id, "reason": reason}
        record_event(
            session, enterprise.customs_code, trust.CreditEventKind.LIFTED, actor, detail, now
        )
        session.flush()
        _record_and_announce(session, _entry("filing.lifted", enterprise, actor, detail, now))
        session.commit()
    return listing


def _carry_on_filing(session: Session, enterprise: Enterprise, now: datetime) -> None:
    """Set the filing's ``listed_until`` from its listings in force."""
    ends = session.execute(
        select(col(NegativeListing.until)).where(
            col(NegativeListing.customs_code) == enterprise.customs_code,
            col(NegativeListing.lifted_at).is_(None),
        )
    ).scalars()
    enterprise.listed_until = trust.listed_until(ends, now)
    enterprise.updated_at = now
    session.flush()


def _listing_detail(listing: NegativeListing) -> dict[str, Any]:
    return {
        "listingId": listing.id,
        "reason": listing.reason,
        "legalBasis": listing.legal_basis,
        "authority": listing.authority,
        "until": listing.until.isoformat() if listing.until is not None else None,
    }


def _entry(
    kind: str, enterprise: Enterprise, actor: str, data: dict[str, Any], now: datetime
) -> audit.Entry:
    """An entry about the filing, with its state hash as the change left it."""
    return audit.Entry(
        kind=kind,
        subject_type="enterprise",
        subject_id=enterprise.customs_code,
        actor=actor,
        data=data | {"stateSha256": audit.state_sha256(audit.filing_state(enterprise))},
        occurred_at=now,
    )


def _record_and_announce(session: Session, entry: audit.Entry) -> None:
    """Record the change last, then send the filing as it now stands to every agency,
    one message per change (keyed by its seq in the trail)."""
    (seq,) = audit.append(session, [entry])
    enterprises.announce_filing(session, entry.subject_id, f"audit-{seq}", entry.occurred_at)


def _locked(session: Session, customs_code: str) -> Enterprise:
    enterprise = session.scalars(
        select(Enterprise)
        .where(col(Enterprise.customs_code) == customs_code.upper())
        .with_for_update()
    ).first()
    if enterprise is None:
        raise not_filed(customs_code)
    return enterprise


def not_filed(customs_code: str) -> EnterpriseNotFound:
    return EnterpriseNotFound(
        f"No enterprise is filed with customs code {customs_code!r}.",
        f"海关编码 {customs_code!r} 没有备案记录。",
    )


def _listing_not_found(listing_id: str) -> trust.ListingNotFound:
    return trust.ListingNotFound(
        f"No negative list entry has id {listing_id!r}.", f"负面清单记录 {listing_id!r} 不存在。"
    )


def _in_force(now: datetime) -> Any:
    return and_(
        col(NegativeListing.lifted_at).is_(None),
        or_(col(NegativeListing.until).is_(None), col(NegativeListing.until) > now),
    )


NEWEST_LISTINGS = Keyset(
    (col(NegativeListing.listed_at), col(NegativeListing.id)), (datetime, str), descending=True
)


def listings(
    engine: Engine,
    *,
    customs_code: str | None,
    current: bool | None,
    now: datetime,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[NegativeListing], str | None]:
    """Every listing, newest first; of one enterprise, or only those in force (or only
    those no longer)."""
    query = select(NegativeListing)
    if customs_code is not None:
        query = query.where(col(NegativeListing.customs_code) == customs_code.upper())
    if current is not None:
        query = query.where(_in_force(now) if current else ~_in_force(now))
    with read_session(engine) as session:
        return page(session, query, NEWEST_LISTINGS, cursor, limit)


def blacklist(
    engine: Engine, now: datetime, cursor: str | None, limit: int
) -> tuple[Sequence[NegativeListing], str | None]:
    """The listings in force, newest first: what is published."""
    with read_session(engine) as session:
        return page(
            session, select(NegativeListing).where(_in_force(now)), NEWEST_LISTINGS, cursor, limit
        )


# -- credit records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    source: str
    occurred_at: datetime
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # YYYY-MM, China time
    rejected: int
    detained: int


@dataclass(frozen=True, slots=True)
class CreditRecord:
    enterprise: Enterprise
    events: list[Event]
    refusals: list[MonthCount]


def enterprise(engine: Engine, customs_code: str) -> Enterprise:
    with read_session(engine) as session:
        found = session.scalars(
            select(Enterprise).where(col(Enterprise.customs_code) == customs_code.upper())
        ).first()
    if found is None:
        raise not_filed(customs_code)
    return found


def credit_record(engine: Engine, customs_code: str, now: datetime) -> CreditRecord:
    """An enterprise's credit record: the newest ``RECORD_EVENTS`` events, newest first,
    and its declarations refused or detained (as the e-commerce company) in each of the
    last ``RECORD_MONTHS`` months that had any."""
    found = enterprise(engine, customs_code)
    code = found.customs_code
    with read_session(engine) as session:
        written = [
            Event(e.kind, e.source, e.occurred_at, e.detail)
            for e in session.scalars(
                select(CreditEvent)
                .where(col(CreditEvent.customs_code) == code)
                .order_by(col(CreditEvent.occurred_at).desc(), col(CreditEvent.id).desc())
                .limit(RECORD_EVENTS)
            )
        ]
        late = [
            Event(
                trust.CreditEventKind.TAKEDOWN_LATE.value,
                "system",
                t.due_at,
                {
                    "takedownId": t.id,
                    "complaintId": t.complaint_id,
                    "dueAt": t.due_at.isoformat(),
                    "acknowledgedAt": t.acknowledged_at.isoformat()
                    if t.acknowledged_at is not None
                    else None,
                },
            )
            for t in session.scalars(
                select(Takedown)
                .where(
                    col(Takedown.platform_code) == code,
                    or_(
                        and_(col(Takedown.acknowledged_at).is_(None), col(Takedown.due_at) < now),
                        col(Takedown.acknowledged_at) > col(Takedown.due_at),
                    ),
                )
                .order_by(col(Takedown.due_at).desc())
                .limit(RECORD_EVENTS)
            )
        ]
        refusals = _refusals_by_month(session, code, now)
    events = sorted([*written, *late], key=lambda e: e.occurred_at, reverse=True)
    return CreditRecord(found, events[:RECORD_EVENTS], refusals)


def _refusals_by_month(session: Session, customs_code: str, now: datetime) -> list[MonthCount]:
    decided = func.coalesce(col(Declaration.finalized_at), col(Declaration.updated_at))
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(func.timezone("Asia/Shanghai", decided), "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", decided, "+8 hours")
    status = col(Declaration.status)
    rows = session.execute(
        select(
            month.label("month"),
            func.sum(case((status == ClearanceStatus.REJECTED.value, 1), else_=0)),
            func.sum(case((status == ClearanceStatus.DETAINED.value, 1), else_=0)),
        )
        .where(
            col(Declaration.ebc_code) == customs_code,
            status.in_([ClearanceStatus.REJECTED.value, ClearanceStatus.DETAINED.value]),
            decided >= now - timedelta(days=31 * RECORD_MONTHS),
        )
        .group_by(month)
        .order_by(month.desc())
    ).all()
    return [MonthCount(str(m), int(r or 0), int(d or 0)) for m, r, d in rows]
