"""Status push: enterprises register endpoints; status changes go out through the outbox."""

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.db import read_session, write_session
from app.dispatch import outbox
from app.errors import WebhookNotFound
from app.models import Declaration, WebhookEndpoint
from app.models.types import utcnow
from app.services.clearance import ClearanceStatus
from app.services.declarations import parties

STATUS_CHANGED = "declaration.status_changed"
DESTINATION_PREFIX = "webhook:"


def register(
    engine: Engine,
    url: str,
    events: Sequence[str],
    secret: str | None,
    customs_code: str | None,
    owner: str = "admin",
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        id=str(uuid.uuid4()),
        url=url,
        events=sorted(set(events)),
        secret=secret or "whsec_" + secrets.token_urlsafe(24),
        customs_code=customs_code,
        owner=owner,
        created_at=utcnow(),
    )
    with write_session(engine) as session:
        session.add(endpoint)
        session.commit()
    return endpoint


def list_endpoints(engine: Engine, owner: str | None = None) -> list[WebhookEndpoint]:
    """Every endpoint, or one owner's."""
    query = select(WebhookEndpoint).order_by(col(WebhookEndpoint.created_at))
    if owner is not None:
        query = query.where(col(WebhookEndpoint.owner) == owner)
    with read_session(engine) as session:
        return list(session.scalars(query))


def remove(engine: Engine, endpoint_id: str, owner: str | None = None) -> None:
    """Remove an endpoint (with ``owner``, only one of theirs)."""
    with write_session(engine) as session:
        stmt = delete(WebhookEndpoint).where(col(WebhookEndpoint.id) == endpoint_id)
        if owner is not None:
            stmt = stmt.where(col(WebhookEndpoint.owner) == owner)
        gone = session.connection().execute(stmt.returning(col(WebhookEndpoint.id)))
        if gone.first() is None:
            raise WebhookNotFound(
                f"No webhook endpoint has id {endpoint_id!r}.", f"推送地址 {endpoint_id!r} 不存在。"
            )
        session.commit()


def endpoint(engine: Engine, endpoint_id: str) -> WebhookEndpoint | None:
    with read_session(engine) as session:
        return session.get(WebhookEndpoint, endpoint_id)


def announce_changes(
    session: Session, changes: Sequence[tuple[Declaration, ClearanceStatus]], now: datetime
) -> None:
    """Queue a push to every interested endpoint, in the transaction of the change."""
    if not changes:
        return
    endpoints = [e for e in session.scalars(select(WebhookEndpoint)) if STATUS_CHANGED in e.events]
    pushes: list[outbox.Message] = []
    for declaration, before in changes:
        for target in endpoints:
            if target.customs_code and target.customs_code not in parties(declaration):
                continue
            event_id = f"evt_{uuid.uuid4().hex}"
            pushes.append(
                outbox.Message(
                    destination=DESTINATION_PREFIX + target.id,
                    kind=STATUS_CHANGED,
                    subject_id=declaration.id,
                    idempotency_key=event_id,
                    payload={
                        "id": event_id,
                        "type": STATUS_CHANGED,
                        "createdAt": now.isoformat(),
                        "data": {
                            "declarationId": declaration.id,
                            "ebpCode": declaration.ebp_code,
                            "orderNo": declaration.order_no,
                            "previousStatus": before.value,
                            "status": declaration.status,
                            "cebStatus": declaration.ceb_status,
                        },
                    },
                )
            )
    outbox.enqueue_many(session, pushes, now=now)
