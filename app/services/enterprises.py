"""Enterprise filings: file once, look up, list."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Engine, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.db import dialect_insert, read_session, write_session
from app.dispatch import outbox
from app.errors import EnterpriseAlreadyFiled, EnterpriseNotFound
from app.models import Enterprise, EnterpriseRegistration
from app.models.types import utcnow
from app.schemas.enterprise import CreditGrade, EnterpriseCreate, FilingStatus, Role
from app.services.clearance import Agency
from app.services.pagination import decode_cursor, encode_cursor

REGISTER_FILING = "filing.register"


def enterprise_location(customs_code: str) -> str:
    return f"/v1/enterprises/{customs_code}"


def file_enterprise(engine: Engine, filing: EnterpriseCreate) -> Enterprise:
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
            announce_filing(session, enterprise.customs_code, "register", now)
            session.commit()
        except IntegrityError:
            session.rollback()
            _refuse_if_filed(session, filing)
            raise
    return enterprise


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
    existing = session.scalars(
        select(Enterprise).where(
            or_(
                col(Enterprise.uscc) == filing.uscc,
                col(Enterprise.customs_code) == filing.customsCode,
            )
        )
    ).first()
    if existing is None:
        return
    same = "USCC" if existing.uscc == filing.uscc else "customs code"
    same_zh = "统一社会信用代码" if existing.uscc == filing.uscc else "海关编码"
    raise EnterpriseAlreadyFiled(
        f"An enterprise with this {same} is already filed as {existing.customs_code}; "
        "a filing is made once and shared with every agency.",
        f"该{same_zh}已备案为 {existing.customs_code}；企业只需备案一次。",
        location=enterprise_location(existing.customs_code),
    )


def record_registrations(engine: Engine, agency: str, numbers: Mapping[str, str]) -> None:
    """An agency has registered these filings (customs code → its registration number).
    A filing every agency has registered becomes active."""
    now = utcnow()
    with write_session(engine) as session:
        filed = {
            e.customs_code: e
            for e in session.scalars(
                select(Enterprise)
                .where(col(Enterprise.customs_code).in_(list(numbers)))
                .with_for_update()
            )
        }
        for code, number in numbers.items():
            enterprise = filed.get(code)
            if enterprise is None or enterprise.id is None:
                continue
            session.connection().execute(
                dialect_insert(session, EnterpriseRegistration)
                .values(
                    enterprise_id=enterprise.id,
                    agency=agency,
                    registration_no=number,
                    registered_at=now,
                )
                .on_conflict_do_update(
                    index_elements=["enterprise_id", "agency"], set_={"registration_no": number}
                )
            )
        session.flush()
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
        session.commit()


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


def get_enterprise(engine: Engine, customs_code: str) -> Enterprise:
    with read_session(engine) as session:
        enterprise = session.scalars(
            select(Enterprise).where(col(Enterprise.customs_code) == customs_code.upper())
        ).first()
    if enterprise is None:
        raise EnterpriseNotFound(
            f"No enterprise is filed with customs code {customs_code!r}.",
            f"海关编码 {customs_code!r} 没有备案记录。",
        )
    return enterprise


def list_enterprises(
    engine: Engine,
    *,
    role: Role | None,
    status: FilingStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Enterprise], str | None]:
    """Newest filings first."""
    query = select(Enterprise).order_by(col(Enterprise.id).desc()).limit(limit + 1)
    if role is not None:
        query = query.where(col(Enterprise.roles).contains(role.value))
    if status is not None:
        query = query.where(col(Enterprise.status) == status.value)
    if cursor is not None:
        (last_id,) = decode_cursor(cursor, int)
        query = query.where(col(Enterprise.id) < last_id)
    with read_session(engine) as session:
        rows = session.scalars(query).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].id)
