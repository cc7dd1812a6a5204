"""What the dispatcher sends, built from the stored records at send time."""

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import col, select

from app.agencies.wire import DeclarationMessage, FilingMessage
from app.db import read_session
from app.dispatch.outbox import Claimed
from app.models import Declaration, Enterprise


def declaration_messages(
    engine: Engine, messages: Sequence[Claimed]
) -> dict[int, DeclarationMessage]:
    """Outbox id → the declaration to send (messages whose declaration is gone are left out)."""
    ids = [m.subject_id for m in messages]
    with read_session(engine) as session:
        rows = session.execute(
            select(Declaration, Enterprise.credit_grade)
            .join(
                Enterprise, col(Enterprise.customs_code) == col(Declaration.ebc_code), isouter=True
            )
            .where(col(Declaration.id).in_(ids))
        ).all()
    found = {declaration.id: (declaration, grade) for declaration, grade in rows}
    built: dict[int, DeclarationMessage] = {}
    for message in messages:
        if message.subject_id not in found:
            continue
        declaration, grade = found[message.subject_id]
        built[message.id] = DeclarationMessage(
            declarationId=declaration.id,
            messageId=message.idempotency_key,
            creditGrade=grade or "general",
            dutiableValue=declaration.dutiable_value,
            documents=declaration.documents,
        )
    return built


def filing_messages(engine: Engine, messages: Sequence[Claimed]) -> dict[int, FilingMessage]:
    codes = [m.subject_id for m in messages]
    with read_session(engine) as session:
        found = {
            e.customs_code: e
            for e in session.scalars(
                select(Enterprise).where(col(Enterprise.customs_code).in_(codes))
            )
        }
    return {
        m.id: FilingMessage(
            customsCode=e.customs_code,
            uscc=e.uscc,
            name=e.name,
            roles=e.roles.split(),
            creditGrade=e.credit_grade,
            status=e.status,
        )
        for m in messages
        if (e := found.get(m.subject_id)) is not None
    }
