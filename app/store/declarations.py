"""Reading declarations: one with its agency results, lists, and the status history."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_
from sqlmodel import col, select

from app.domain.clearance import Agency, AgencyStatus, ClearanceStatus
from app.errors import DeclarationNotFound
from app.store.db import read_session
from app.store.models import Declaration, DeclarationAgency, DeclarationEvent
from app.store.pagination import Keyset, page


@dataclass(frozen=True, slots=True)
class DeclarationRecord:
    declaration: Declaration
    agencies: Sequence[DeclarationAgency]


def _not_found(declaration_id: str) -> DeclarationNotFound:
    return DeclarationNotFound(
        f"No declaration has id {declaration_id!r}.", f"申报单 {declaration_id!r} 不存在。"
    )


def parties(declaration: Declaration) -> set[str]:
    """The enterprises a declaration concerns: platform, e-commerce, payment, logistics."""
    return {
        declaration.ebp_code,
        declaration.ebc_code,
        declaration.pay_code,
        declaration.logistics_code,
    }


def party_condition(customs_code: str) -> Any:
    """SQL: the declaration names this enterprise in any role."""
    return or_(
        col(Declaration.ebp_code) == customs_code,
        col(Declaration.ebc_code) == customs_code,
        col(Declaration.pay_code) == customs_code,
        col(Declaration.logistics_code) == customs_code,
    )


def _visible(declaration: Declaration | None, party: str | None) -> bool:
    """Whether the caller may see it: anyone unrestricted, or one of its parties."""
    return declaration is not None and (party is None or party in parties(declaration))


def get_declaration(
    engine: Engine, declaration_id: str, party: str | None = None
) -> DeclarationRecord:
    """One declaration. With ``party``, only if that enterprise is one of its parties
    (otherwise it is not found, as if it did not exist)."""
    with read_session(engine) as session:
        declaration = session.get(Declaration, declaration_id)
        if declaration is None or not _visible(declaration, party):
            raise _not_found(declaration_id)
        agencies: Sequence[DeclarationAgency] = session.scalars(
            select(DeclarationAgency)
            .where(col(DeclarationAgency.declaration_id) == declaration_id)
            .order_by(col(DeclarationAgency.agency))
        ).all()
    if not declaration.derived:
        # Accepted a moment ago: the worker has yet to write its agency rows, and every
        # agency's part is pending until it has.
        agencies = [
            DeclarationAgency(
                declaration_id=declaration.id,
                agency=agency.value,
                status=AgencyStatus.PENDING.value,
                updated_at=declaration.created_at,
                created_at=declaration.created_at,
            )
            for agency in sorted(Agency, key=lambda a: a.value)
        ]
    return DeclarationRecord(declaration, agencies)


@dataclass(frozen=True, slots=True)
class DeclarationFilter:
    ebp_code: str | None = None
    order_no: str | None = None
    status: ClearanceStatus | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    # Only declarations this enterprise is a party to.
    party: str | None = None


# Newest first; the regulators' list pages the same way.
NEWEST_DECLARATIONS = Keyset(
    (col(Declaration.created_at), col(Declaration.id)), (datetime, str), descending=True
)
_EVENTS_IN_ORDER = Keyset((col(DeclarationEvent.id),), (int,))


def list_declarations(
    engine: Engine, where: DeclarationFilter, cursor: str | None, limit: int
) -> tuple[Sequence[Declaration], str | None]:
    """Newest first, by (created_at, id)."""
    query = select(Declaration)
    if where.ebp_code is not None:
        query = query.where(col(Declaration.ebp_code) == where.ebp_code)
    if where.order_no is not None:
        query = query.where(col(Declaration.order_no) == where.order_no)
    if where.status is not None:
        query = query.where(col(Declaration.status) == where.status.value)
    if where.party is not None:
        query = query.where(party_condition(where.party))
    if where.created_from is not None:
        query = query.where(col(Declaration.created_at) >= where.created_from)
    if where.created_to is not None:
        query = query.where(col(Declaration.created_at) < where.created_to)
    with read_session(engine) as session:
        return page(session, query, NEWEST_DECLARATIONS, cursor, limit)


def list_events(
    engine: Engine, declaration_id: str, cursor: str | None, limit: int, party: str | None = None
) -> tuple[Sequence[DeclarationEvent], str | None]:
    """The status history, oldest first."""
    query = select(DeclarationEvent).where(col(DeclarationEvent.declaration_id) == declaration_id)
    with read_session(engine) as session:
        if not _visible(session.get(Declaration, declaration_id), party):
            raise _not_found(declaration_id)
        return page(session, query, _EVENTS_IN_ORDER, cursor, limit)


def find_by_order(engine: Engine, ebp_code: str, order_no: str) -> Declaration | None:
    """The declaration of a platform's order, if it was declared."""
    with read_session(engine) as session:
        return session.scalars(
            select(Declaration).where(
                col(Declaration.ebp_code) == ebp_code, col(Declaration.order_no) == order_no
            )
        ).first()
