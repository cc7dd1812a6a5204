"""Enterprise filings: file once, look up, list; regulators grade, suspend, revoke."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.agencies.wire import RegistrationApplication, RegistrationReview
from app.domain import goods, trust
from app.domain.clearance import Agency
from app.errors import EnterpriseAlreadyFiled, EnterpriseNotFound, FilingStatusConflict
from app.schemas.enterprise import CreditGrade, EnterpriseCreate, FilingStatus, Role
from app.store import audit, outbox
from app.store.db import dialect_insert, read_session, write_session
from app.store.models import CreditEvent, Enterprise, EnterpriseRegistration, TradeRegistration
from app.store.models.types import utcnow
from app.store.pagination import Keyset, page

REGISTER_FILING = "filing.register"


def enterprise_location(customs_code: str) -> str:
    return f"/v1/enterprises/{customs_code}"


def file_enterprise(
    engine: Engine, filing: EnterpriseCreate, *, actor: str = "system"
) -> Enterprise:
    """Record a filing and queue its registration with every agency. It is ``pending``
    until all of them have registered it, then ``active``."""
    now = utcnow()
    enterprise = Enterprise(
        customs_code=filing.customsCode,
        uscc=filing.uscc,
        name=filing.name,
        roles=" ".join(filing.roles),
        contact_name=filing.contactName,
        telephone=filing.telephone,
        status=FilingStatus.PENDING,
        credit_grade=CreditGrade.GENERAL,
        created_at=now,
        updated_at=now,
    )
    with write_session(engine) as session:
        _refuse_if_filed(session, filing)
        try:
            session.add(enterprise)
            session.flush()  # a concurrent filing of the same enterprise fails here
            applied = _applications(filing, now)
            session.add_all(applied)
            session.flush()
            announce_filing(session, enterprise.customs_code, "register", now)
            data = _public(enterprise)
            if applied:
                data["alsoRegister"] = sorted(a.registration for a in applied)
            audit.append(session, [_entry("filing.created", enterprise, actor, data)])
            session.commit()
        except IntegrityError:
            session.rollback()
            _refuse_if_filed(session, filing)
            raise
    return enterprise


def _applications(filing: EnterpriseCreate, now: datetime) -> list[TradeRegistration]:
    """The registrations the filing also applies for (两证合一), pending their review."""
    also = filing.alsoRegister
    if also is None:
        return []
    asked = (
        (goods.Registration.FOREIGN_TRADE, also.foreignTrade),
        (goods.Registration.CERTIFICATE_OF_ORIGIN, also.certificateOfOrigin),
    )
    return [
        TradeRegistration(
            customs_code=filing.customsCode,
            registration=registration.value,
            reviewer=goods.REVIEWER[registration],
            application=application.model_dump(mode="json"),
            status=goods.ReviewStatus.PENDING.value,
            applied_at=now,
        )
        for registration, application in asked
        if application is not None
    ]


def _public(enterprise: Enterprise) -> dict[str, Any]:
    """The filing's public fields, as the trail keeps them."""
    return {
        "customsCode": enterprise.customs_code,
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "roles": enterprise.roles.split(),
        "contactName": enterprise.contact_name,
        "telephone": enterprise.telephone,
        "status": enterprise.status,
        "creditGrade": enterprise.credit_grade,
    }


def _entry(
    kind: str,
    enterprise: Enterprise,
    actor: str,
    data: dict[str, Any],
    occurred_at: datetime | None = None,
) -> audit.Entry:
    """An entry about a filing, with the hash of the filing as it now stands."""
    return audit.Entry(
        kind=kind,
        subject_type="enterprise",
        subject_id=enterprise.customs_code,
        actor=actor,
        data=data | {"stateSha256": audit.state_sha256(audit.filing_state(enterprise))},
        occurred_at=occurred_at or enterprise.updated_at,
    )


def announce_filing(session: Session, customs_code: str, change: str, now: datetime) -> None:
    """Queue the filing, as it stands when sent, for every agency."""
    outbox.enqueue_many(
        session,
        [
            outbox.Message(
                destination=agency.value,
                kind=REGISTER_FILING,
                subject_id=customs_code,
                idempotency_key=f"filing:{customs_code}:{agency.value}:{change}",
            )
            for agency in Agency
        ],
        now=now,
    )


def _refuse_if_filed(session: Session, filing: EnterpriseCreate) -> None:
    found = session.scalars(
        select(Enterprise).where(
            or_(
                col(Enterprise.uscc) == filing.uscc,
                col(Enterprise.customs_code) == filing.customsCode,
            )
        )
    ).all()
    if not found:
        return
    now = utcnow()
    for listed in (e for e in found if trust.is_listed(e.listed_until, now)):
        # 事前准入禁止: barred beforehand while on the credit negative list.
        raise trust.EnterpriseListed(
            f"The enterprise filed as {listed.customs_code} is on the credit negative list: "
            "it cannot file while it is listed.",
            f"企业 {listed.customs_code} 已列入信用负面清单，列入期间不能备案。",
            location=enterprise_location(listed.customs_code),
        )
    existing = found[0]
    same = "USCC" if existing.uscc == filing.uscc else "customs code"
    same_zh = "统一社会信用代码" if existing.uscc == filing.uscc else "海关编码"
    raise EnterpriseAlreadyFiled(
        f"An enterprise with this {same} is already filed as {existing.customs_code}; "
        "a filing is made once and shared with every agency.",
        f"该{same_zh}已备案为 {existing.customs_code}；企业只需备案一次。",
        location=enterprise_location(existing.customs_code),
    )


def record_registrations(
    engine: Engine,
    agency: str,
    numbers: Mapping[str, str],
    reviews: Sequence[RegistrationReview] = (),
) -> None:
    """An agency has registered these filings (customs code → its registration number),
    and answered the registrations they applied for that it reviews (``reviews``, their
    signatures checked by the caller). A filing every agency has registered becomes
    active."""
    now = utcnow()
    with write_session(engine) as session:
        filed = {
            e.customs_code: e
            for e in session.scalars(
                select(Enterprise)
                .where(
                    col(Enterprise.customs_code).in_(
                        sorted({*numbers, *(r.customsCode for r in reviews)})
                    )
                )
                .with_for_update()
            )
        }
        trail: list[audit.Entry] = []
        for code, number in numbers.items():
            enterprise = filed.get(code)
            if enterprise is None or enterprise.id is None:
                continue
            written = (
                session.connection()
                .execute(
                    dialect_insert(session, EnterpriseRegistration)
                    .values(
                        enterprise_id=enterprise.id,
                        agency=agency,
                        registration_no=number,
                        registered_at=now,
                    )
                    .on_conflict_do_update(
                        index_elements=["enterprise_id", "agency"],
                        set_={"registration_no": number},
                        # An agency repeating a number it gave before changes nothing.
                        where=col(EnterpriseRegistration.registration_no) != number,
                    )
                    .returning(col(EnterpriseRegistration.agency))
                )
                .first()
            )
            if written is not None:
                trail.append(
                    _entry(
                        "filing.registered",
                        enterprise,
                        f"agency:{agency}",
                        {"agency": agency, "registrationNo": number},
                        occurred_at=now,
                    )
                )
        session.flush()
        trail.extend(_record_reviews(session, agency, filed, reviews, now))
        for enterprise in filed.values():
            if enterprise.status != FilingStatus.PENDING:
                continue
            registered = session.scalar(
                select(func.count()).where(
                    col(EnterpriseRegistration.enterprise_id) == enterprise.id
                )
            )
            if registered == len(Agency):
                enterprise.status = FilingStatus.ACTIVE
                enterprise.updated_at = now
                # Tell every agency the filing is now active.
                announce_filing(session, enterprise.customs_code, "active", now)
                trail.append(_entry("filing.activated", enterprise, "system", {"status": "active"}))
        session.flush()
        audit.append(session, trail)
        session.commit()


def _record_reviews(
    session: Session,
    agency: str,
    filed: Mapping[str, Enterprise],
    reviews: Sequence[RegistrationReview],
    now: datetime,
) -> list[audit.Entry]:
    """Apply an agency's answers to the registrations it reviews: each once (the same
    answer again, or one older than the answer kept, changes nothing)."""
    wanted = [r for r in reviews if r.customsCode in filed]
    if not wanted:
        return []
    kept = {
        (r.customs_code, r.registration): r
        for r in session.scalars(
            select(TradeRegistration)
            .where(
                col(TradeRegistration.customs_code).in_(sorted({r.customsCode for r in wanted})),
                col(TradeRegistration.reviewer) == agency,
            )
            .with_for_update()
        )
    }
    trail = []
    for review in wanted:
        row = kept.get((review.customsCode, review.registration))
        if row is None or row.signature == review.signature:
            continue
        if row.reviewed_at is not None and row.reviewed_at >= review.decidedAt:
            continue
        reason = review.reasons[0] if review.reasons else None
        row.status = (
            goods.ReviewStatus.APPROVED if review.approved else goods.ReviewStatus.REFUSED
        ).value
        row.registration_no = review.registrationNo if review.approved else None
        row.reason_code = reason.code if reason is not None else None
        row.reason = reason.message[:500] if reason is not None else None
        row.reason_zh = reason.messageZh[:500] if reason and reason.messageZh else None
        row.signature = review.signature
        row.reviewed_at = review.decidedAt
        trail.append(
            _entry(
                "filing.registration_reviewed",
                filed[review.customsCode],
                f"agency:{agency}",
                {
                    "registration": row.registration,
                    "status": row.status,
                    "registrationNo": row.registration_no,
                    "reasonCode": row.reason_code,
                    "signature": row.signature,
                },
                occurred_at=now,
            )
        )
    session.flush()
    return trail


def applications_for(
    engine: Engine, customs_codes: Sequence[str], reviewer: str
) -> dict[str, list[RegistrationApplication]]:
    """Customs code → the registrations its filing applied for that ``reviewer`` reviews,
    as the filing message carries them."""
    found: dict[str, list[RegistrationApplication]] = {}
    if not customs_codes:
        return found
    with read_session(engine) as session:
        for row in session.scalars(
            select(TradeRegistration)
            .where(
                col(TradeRegistration.customs_code).in_(sorted(set(customs_codes))),
                col(TradeRegistration.reviewer) == reviewer,
            )
            .order_by(col(TradeRegistration.id))
        ):
            found.setdefault(row.customs_code, []).append(
                RegistrationApplication(registration=row.registration, fields=row.application)
            )
    return found


def grade(
    engine: Engine, customs_code: str, grade: CreditGrade, reason: str, actor: str
) -> Enterprise:
    """A regulator sets the enterprise's credit grade (which drives customs' sampling)."""
    with write_session(engine) as session:
        enterprise = _locked(session, customs_code)
        before = enterprise.credit_grade
        enterprise.credit_grade = grade
        enterprise.updated_at = utcnow()
        # The grade's history is part of the enterprise's credit record.
        session.add(
            CreditEvent(
                customs_code=enterprise.customs_code,
                kind=trust.CreditEventKind.GRADED.value,
                source=actor,
                detail={"from": before, "to": grade.value, "reason": reason},
                occurred_at=enterprise.updated_at,
            )
        )
        session.flush()
        _record_and_announce(
            session,
            _entry(
                "filing.graded", enterprise, actor, {"from": before, "to": grade, "reason": reason}
            ),
        )
        session.commit()
    return enterprise


# A regulator's status changes: (from, to) → what the trail calls it. Revoked is final.
_STATUS_CHANGES: dict[tuple[FilingStatus, FilingStatus], str] = {
    (FilingStatus.ACTIVE, FilingStatus.SUSPENDED): "filing.suspended",
    (FilingStatus.SUSPENDED, FilingStatus.ACTIVE): "filing.reinstated",
    (FilingStatus.PENDING, FilingStatus.REVOKED): "filing.revoked",
    (FilingStatus.ACTIVE, FilingStatus.REVOKED): "filing.revoked",
    (FilingStatus.SUSPENDED, FilingStatus.REVOKED): "filing.revoked",
}


def change_status(
    engine: Engine, customs_code: str, status: FilingStatus, reason: str, actor: str
) -> Enterprise:
    """A regulator suspends, reinstates or revokes a filing. A suspended or revoked
    enterprise's declarations are refused (``enterprise_inactive``) from then on."""
    with write_session(engine) as session:
        enterprise = _locked(session, customs_code)
        before = FilingStatus(enterprise.status)
        kind = _STATUS_CHANGES.get((before, status))
        if kind is None:
            raise FilingStatusConflict(
                f"The filing of {enterprise.customs_code} is {before}; it cannot become "
                f"{status}. Active filings may be suspended or revoked, suspended ones "
                "reinstated or revoked, pending ones revoked; revocation is final.",
                f"企业 {enterprise.customs_code} 的备案状态为 {before}，不能变更为 {status}。"
                "正常备案可暂停或撤销，暂停的备案可恢复或撤销，待生效的备案可撤销；撤销不可恢复。",
                filingStatus=before.value,
                requestedStatus=status.value,
            )
        enterprise.status = status
        enterprise.status_reason = reason
        enterprise.updated_at = utcnow()
        session.flush()
        _record_and_announce(
            session,
            _entry(kind, enterprise, actor, {"from": before, "to": status, "reason": reason}),
        )
        session.commit()
    return enterprise


def _locked(session: Session, customs_code: str) -> Enterprise:
    enterprise = session.scalars(
        select(Enterprise)
        .where(col(Enterprise.customs_code) == customs_code.upper())
        .with_for_update()
    ).first()
    if enterprise is None:
        raise _not_found(customs_code)
    return enterprise


def _record_and_announce(session: Session, entry: audit.Entry) -> None:
    """Record a regulator's change, then send the filing as it now stands to every
    agency. The message is keyed by the change's seq in the trail: one message per
    change, and each agency can tell which change it is."""
    (seq,) = audit.append(session, [entry])
    announce_filing(session, entry.subject_id, f"audit-{seq}", entry.occurred_at)


def registrations(engine: Engine, enterprise_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Enterprise id → {agency: registration number}."""
    found: dict[int, dict[str, str]] = {i: {} for i in enterprise_ids}
    with read_session(engine) as session:
        for row in session.scalars(
            select(EnterpriseRegistration).where(
                col(EnterpriseRegistration.enterprise_id).in_(list(enterprise_ids))
            )
        ):
            found[row.enterprise_id][row.agency] = row.registration_no
    return found


def public_registrations(
    engine: Engine, enterprise_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Enterprise id → what its filing's ``registrations`` shows: each agency's number,
    and the registrations it applied for (两证合一) with their reviews."""
    found: dict[int, dict[str, Any]] = {
        i: dict(numbers) for i, numbers in registrations(engine, enterprise_ids).items()
    }
    if not enterprise_ids:
        return found
    with read_session(engine) as session:
        for enterprise_id, row in session.execute(
            select(col(Enterprise.id), TradeRegistration)
            .join(
                TradeRegistration,
                col(TradeRegistration.customs_code) == col(Enterprise.customs_code),
            )
            .where(col(Enterprise.id).in_(list(enterprise_ids)))
        ):
            name = goods.PUBLIC_NAME[goods.Registration(row.registration)]
            found.setdefault(enterprise_id or 0, {})[name] = {
                "status": row.status,
                "reviewer": row.reviewer,
                "registrationNo": row.registration_no,
                "reasonCode": row.reason_code,
                "reason": row.reason,
                "reasonZh": row.reason_zh,
                "appliedAt": row.applied_at,
                "reviewedAt": row.reviewed_at,
            }
    return found


def get_enterprise(engine: Engine, customs_code: str) -> Enterprise:
    with read_session(engine) as session:
        enterprise = session.scalars(
            select(Enterprise).where(col(Enterprise.customs_code) == customs_code.upper())
        ).first()
    if enterprise is None:
        raise _not_found(customs_code)
    return enterprise


def _not_found(customs_code: str) -> EnterpriseNotFound:
    return EnterpriseNotFound(
        f"No enterprise is filed with customs code {customs_code!r}.",
        f"海关编码 {customs_code!r} 没有备案记录。",
    )


_NEWEST_FILINGS = Keyset((col(Enterprise.id),), (int,), descending=True)


def list_enterprises(
    engine: Engine,
    *,
    role: Role | None,
    status: FilingStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Enterprise], str | None]:
    """Newest filings first."""
    query = select(Enterprise)
    if role is not None:
        query = query.where(col(Enterprise.roles).contains(role.value))
    if status is not None:
        query = query.where(col(Enterprise.status) == status.value)
    with read_session(engine) as session:
        return page(session, query, _NEWEST_FILINGS, cursor, limit)


def check_cursor(cursor: str) -> None:
    """``InvalidCursor`` unless the filings' listing could have written ``cursor``."""
    _NEWEST_FILINGS.read(cursor)
