"""What regulators look through: enterprise filings and declarations, filtered, newest
first, a page at a time (keyset pagination on ``(created_at, id)``)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, exists
from sqlmodel import col, select

from app.domain.clearance import ClearanceStatus
from app.schemas.enterprise import CreditGrade, FilingStatus, Role
from app.store import declarations
from app.store.db import read_session
from app.store.models import Declaration, DeclarationLine, Enterprise
from app.store.pagination import Keyset, page


@dataclass(frozen=True, slots=True)
class EnterpriseFilter:
    role: Role | None = None
    status: FilingStatus | None = None
    credit_grade: CreditGrade | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class DeclarationFilter:
    status: ClearanceStatus | None = None
    # Any party: the platform, the e-commerce company, the payment or logistics company.
    party_code: str | None = None
    # At least one goods line of this HS chapter (2 digits) / from this origin country.
    hs_chapter: str | None = None
    country: str | None = None
    # The credit grade of the platform (ebpCode) that declared it.
    ebp_credit_grade: CreditGrade | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive


_NEWEST_FILINGS = Keyset(
    (col(Enterprise.created_at), col(Enterprise.id)), (datetime, int), descending=True
)


def list_enterprises(
    engine: Engine, where: EnterpriseFilter, cursor: str | None, limit: int
) -> tuple[Sequence[Enterprise], str | None]:
    """Newest filings first, by (created_at, id)."""
    query = select(Enterprise)
    if where.role is not None:
        # Roles are space-separated and no role name is part of another.
        query = query.where(col(Enterprise.roles).contains(where.role.value))
    if where.status is not None:
        query = query.where(col(Enterprise.status) == where.status.value)
    if where.credit_grade is not None:
        query = query.where(col(Enterprise.credit_grade) == where.credit_grade.value)
    if where.created_from is not None:
        query = query.where(col(Enterprise.created_at) >= where.created_from)
    if where.created_to is not None:
        query = query.where(col(Enterprise.created_at) < where.created_to)
    with read_session(engine) as session:
        return page(session, query, _NEWEST_FILINGS, cursor, limit)


def list_declarations(
    engine: Engine, where: DeclarationFilter, cursor: str | None, limit: int
) -> tuple[Sequence[Declaration], str | None]:
    """Newest first, by (created_at, id)."""
    query = select(Declaration)
    if where.status is not None:
        query = query.where(col(Declaration.status) == where.status.value)
    if where.party_code is not None:
        query = query.where(declarations.party_condition(where.party_code.upper()))
    if where.hs_chapter is not None:
        query = query.where(_has_line(col(DeclarationLine.hs_chapter) == where.hs_chapter))
    if where.country is not None:
        query = query.where(_has_line(col(DeclarationLine.country) == where.country))
    if where.ebp_credit_grade is not None:
        # customs_code is unique, so the join cannot repeat a declaration.
        query = query.join(
            Enterprise,
            and_(
                col(Enterprise.customs_code) == col(Declaration.ebp_code),
                col(Enterprise.credit_grade) == where.ebp_credit_grade.value,
            ),
        )
    if where.created_from is not None:
        query = query.where(col(Declaration.created_at) >= where.created_from)
    if where.created_to is not None:
        query = query.where(col(Declaration.created_at) < where.created_to)
    with read_session(engine) as session:
        return page(session, query, declarations.NEWEST_DECLARATIONS, cursor, limit)


def _has_line(condition: Any) -> Any:
    return exists().where(col(DeclarationLine.declaration_id) == col(Declaration.id), condition)
