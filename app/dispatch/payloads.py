"""What the dispatcher sends, built from the stored records at send time."""

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Engine, Text, bindparam, cast
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from app.agencies.wire import FilingMessage, encode_declaration
from app.domain import trust
from app.store import enterprises
from app.store.db import read_session
from app.store.models import Declaration, Enterprise
from app.store.models.types import utcnow
from app.store.outbox import Claimed

# Built once; the columns a delivery needs, not the ORM entity (a round loads hundreds).
# The documents come as their JSON text, to be sent as they are.
_DECLARATIONS = (
    sa_select(
        col(Declaration.id),
        col(Declaration.version),
        col(Declaration.dutiable_value),
        cast(col(Declaration.documents), Text).label("documents"),
        col(Enterprise.credit_grade),
    )
    .join(Enterprise, col(Enterprise.customs_code) == col(Declaration.ebc_code), isouter=True)
    .where(col(Declaration.id).in_(bindparam("ids", expanding=True)))
)


class Built(NamedTuple):
    """A ``DeclarationMessage`` as JSON, and the version of the declaration it carries
    (the declaration as it stands when sent, whichever version the message was queued
    for: an agency decides each version once)."""

    body: bytes
    version: int


def declaration_messages(engine: Engine, messages: Sequence[Claimed]) -> dict[int, Built]:
    """Outbox id → the ``DeclarationMessage`` to send (messages whose declaration is gone
    are left out). The messages may be for several agencies: each declaration is read
    once."""
    ids = sorted({m.subject_id for m in messages})
    if not ids:
        return {}
    with read_session(engine) as session:
        rows = {row.id: row for row in session.connection().execute(_DECLARATIONS, {"ids": ids})}
    documents = {id_: row.documents.encode() for id_, row in rows.items()}
    return {
        message.id: Built(
            encode_declaration(
                declaration_id=row.id,
                version=row.version,
                message_id=message.idempotency_key,
                credit_grade=row.credit_grade or "general",
                dutiable_value=row.dutiable_value,
                documents_json=documents[row.id],
            ),
            row.version,
        )
        for message in messages
        if (row := rows.get(message.subject_id)) is not None
    }


def filing_messages(engine: Engine, messages: Sequence[Claimed]) -> dict[int, FilingMessage]:
    """The filings as they stand now, whether on the negative list included."""
    codes = [m.subject_id for m in messages]
    now = utcnow()
    # The registrations the filings applied for (两证合一), to the agency reviewing each.
    applications = {
        destination: enterprises.applications_for(engine, codes, destination)
        for destination in sorted({m.destination for m in messages})
    }
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
            listed=trust.is_listed(e.listed_until, now),
            listedUntil=trust.public_until(e.listed_until)
            if trust.is_listed(e.listed_until, now)
            else None,
            applications=applications[m.destination].get(e.customs_code, []),
        )
        for m in messages
        if (e := found.get(m.subject_id)) is not None
    }
