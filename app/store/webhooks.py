"""Status push: enterprises register endpoints; status changes go out through the outbox."""

import base64
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain.clearance import ClearanceStatus
from app.errors import WebhookNotFound
from app.store import outbox
from app.store.db import read_session, write_session
from app.store.models import WebhookEndpoint
from app.store.models.types import utcnow

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
        secret=secret or new_secret(),
        customs_code=customs_code,
        owner=owner,
        created_at=utcnow(),
    )
    with write_session(engine) as session:
        session.add(endpoint)
        session.commit()
    return endpoint


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and the base64 of 32 random bytes (the key
    is those bytes: app.agencies.signing.webhook_key)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


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


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A declaration's status moved: what its push says, and whom it concerns."""

    declaration_id: str
    ebp_code: str
    order_no: str
    parties: frozenset[str]
    previous_status: ClearanceStatus
    status: ClearanceStatus
    ceb_status: int


_ENDPOINTS = select(
    col(WebhookEndpoint.id), col(WebhookEndpoint.customs_code), col(WebhookEndpoint.events)
)


def announce_changes(session: Session, changes: Sequence[StatusChange], now: datetime) -> None:
    """Queue a push to every interested endpoint, in the transaction of the change."""
    if not changes:
        return
    endpoints = [
        (endpoint_id, customs_code)
        for endpoint_id, customs_code, events in session.connection().execute(_ENDPOINTS)
        if STATUS_CHANGED in events
    ]
    pushes: list[outbox.Message] = []
    for change in changes:
        for endpoint_id, customs_code in endpoints:
            if customs_code and customs_code not in change.parties:
                continue
            event_id = f"evt_{uuid.uuid4().hex}"
            pushes.append(
                outbox.Message(
                    destination=DESTINATION_PREFIX + endpoint_id,
                    kind=STATUS_CHANGED,
                    subject_id=change.declaration_id,
                    idempotency_key=event_id,
                    payload={
                        "id": event_id,
                        "type": STATUS_CHANGED,
                        "createdAt": now.isoformat(),
                        "data": {
                            "declarationId": change.declaration_id,
                            "ebpCode": change.ebp_code,
                            "orderNo": change.order_no,
                            "previousStatus": change.previous_status.value,
                            "status": change.status.value,
                            "cebStatus": change.ceb_status,
                        },
                    },
                )
            )
    outbox.enqueue_many(session, pushes, now=now)
