"""Enterprise filings: file once, look up, list."""

from collections.abc import Sequence

from sqlalchemy import Engine, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.db import read_session, write_session
from app.errors import EnterpriseAlreadyFiled, EnterpriseNotFound
from app.models import Enterprise
from app.models.types import utcnow
from app.schemas.enterprise import CreditGrade, EnterpriseCreate, FilingStatus, Role
from app.services.pagination import decode_cursor, encode_cursor


def enterprise_location(customs_code: str) -> str:
    return f"/v1/enterprises/{customs_code}"


def file_enterprise(engine: Engine, filing: EnterpriseCreate) -> Enterprise:
    """Record a filing. It is active at once; agency registration comes with the fan-out."""
    now = utcnow()
    enterprise = Enterprise(
        customs_code=filing.customsCode,
        uscc=filing.uscc,
        name=filing.name,
        roles=" ".join(filing.roles),
        contact_name=filing.contactName,
        telephone=filing.telephone,
        status=FilingStatus.ACTIVE,
        credit_grade=CreditGrade.GENERAL,
        created_at=now,
        updated_at=now,
    )
    with write_session(engine) as session:
        _refuse_if_filed(session, filing)
        session.add(enterprise)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            _refuse_if_filed(session, filing)
            raise
    return enterprise


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
