"""Status push: enterprises register endpoints; status changes go to an event log that
each endpoint reads through a cursor of its own (app.dispatch.pusher sends them).

A status change writes one event, in the transaction of the change, whatever the number
of endpoints; nothing is written for an endpoint until a push to it is attempted. An
endpoint that is slow, down or parked costs the clearance path nothing and holds nothing
but its cursor."""

import base64
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import uuid_utils
from sqlalchemy import Engine, and_, delete, exists, func, insert, or_, update
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain.clearance import ClearanceStatus
from app.errors import WebhookDeliveryNotFound, WebhookLimitReached, WebhookNotFound
from app.store import audit
from app.store.db import read_session, write_session
from app.store.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.store.models.types import utcnow
from app.store.pagination import Keyset, page

STATUS_CHANGED = "declaration.status_changed"
# An amendment, or a cancellation or return asked for, agreed, refused or done.
DECLARATION_CHANGED = "declaration.changed"

# What an endpoint's pushes carry: the event as JSON, or (status changes) a CEB622 receipt.
JSON = "json"
CEB = "ceb"

# What an attempt came to.
DELIVERED = "delivered"
FAILED = "failed"  # retried
REFUSED = "refused"  # not retried: the endpoint's answer will not change by retrying
EXPIRED = "expired"  # given up on: still undelivered at the retry horizon


def register(
    engine: Engine,
    url: str,
    events: Sequence[str],
    secret: str | None,
    customs_code: str | None,
    owner: str = "admin",
    max_endpoints: int | None = None,
    actor: str = "cli",
    format: str = JSON,
) -> WebhookEndpoint:
    """A new endpoint, which hears of status changes from now on (audited, without its
    secret). ``max_endpoints``: how many one owner may have (``WebhookLimitReached``
    beyond)."""
    endpoint = WebhookEndpoint(
        id=str(uuid.uuid4()),
        url=url,
        events=sorted(set(events)),
        secret=secret or new_secret(),
        customs_code=customs_code,
        owner=owner,
        format=format,
        created_at=utcnow(),
    )
    with write_session(engine) as session:
        if max_endpoints is not None:
            held = session.scalar(
                select(func.count())
                .select_from(WebhookEndpoint)
                .where(col(WebhookEndpoint.owner) == owner)
            )
            if (held or 0) >= max_endpoints:
                raise WebhookLimitReached(
                    f"An owner may have at most {max_endpoints} webhook endpoints; remove one "
                    "first.",
                    f"每个所有者最多可注册 {max_endpoints} 个推送地址，请先删除一个。",
                )
        endpoint.cursor = session.scalar(select(func.max(WebhookEvent.id))) or 0
        session.add(endpoint)
        session.flush()
        audit.record_action(
            session,
            actor,
            "webhook.created",
            "webhook",
            endpoint.id,
            {
                "url": _audited_url(url),
                "events": endpoint.events,
                "owner": owner,
                "customsCode": customs_code,
                "format": format,
            },
        )
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


def remove(engine: Engine, endpoint_id: str, owner: str | None = None, actor: str = "cli") -> None:
    """Remove an endpoint (with ``owner``, only one of theirs), and its deliveries
    (audited)."""
    with write_session(engine) as session:
        stmt = delete(WebhookEndpoint).where(col(WebhookEndpoint.id) == endpoint_id)
        if owner is not None:
            stmt = stmt.where(col(WebhookEndpoint.owner) == owner)
        gone = (
            session.connection()
            .execute(stmt.returning(col(WebhookEndpoint.url), col(WebhookEndpoint.owner)))
            .first()
        )
        if gone is None:
            raise not_found(endpoint_id)
        session.connection().execute(
            delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id)
        )
        audit.record_action(
            session,
            actor,
            "webhook.deleted",
            "webhook",
            endpoint_id,
            {"url": _audited_url(gone[0]), "owner": gone[1]},
        )
        session.commit()


def _audited_url(url: str) -> str:
    """The URL as the trail keeps it: without its query and fragment, which may carry
    a token of the receiver's."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def not_found(endpoint_id: str) -> WebhookNotFound:
    return WebhookNotFound(
        f"No webhook endpoint has id {endpoint_id!r}.", f"推送地址 {endpoint_id!r} 不存在。"
    )


def endpoint(engine: Engine, endpoint_id: str, owner: str | None = None) -> WebhookEndpoint | None:
    """One endpoint (with ``owner``, only if it is theirs)."""
    with read_session(engine) as session:
        found = session.get(WebhookEndpoint, endpoint_id)
    if found is None or (owner is not None and found.owner != owner):
        return None
    return found


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
    ebc_code: str | None = None


_LISTENERS = select(col(WebhookEndpoint.customs_code), col(WebhookEndpoint.events))


def announce_changes(session: Session, changes: Sequence[StatusChange], now: datetime) -> None:
    """Log the changes some endpoint listens for, in the transaction of the change: one
    event each, however many endpoints hear of it."""
    if not changes:
        return
    listening = [
        customs_code
        for customs_code, events in session.connection().execute(_LISTENERS)
        if STATUS_CHANGED in events
    ]
    if not listening:
        return
    everything = None in listening
    wanted = set(listening)
    rows = [
        _event_row(change, now)
        for change in changes
        if everything or not wanted.isdisjoint(change.parties)
    ]
    if rows:
        session.connection().execute(insert(WebhookEvent), rows)


def _event_row(change: StatusChange, now: datetime) -> dict[str, Any]:
    event_id = f"evt_{uuid.uuid4().hex}"
    return {
        "type": STATUS_CHANGED,
        "parties": sorted(change.parties),
        "endpoint_id": None,
        "created_at": now,
        "payload": {
            "id": event_id,
            "type": STATUS_CHANGED,
            "createdAt": now.isoformat(),
            "data": {
                "declarationId": change.declaration_id,
                "ebpCode": change.ebp_code,
                "ebcCode": change.ebc_code,
                "orderNo": change.order_no,
                "previousStatus": change.previous_status.value,
                "status": change.status.value,
                "cebStatus": change.ceb_status,
            },
        },
    }


@dataclass(frozen=True, slots=True)
class Target:
    """An endpoint as a pusher holds it for one turn."""

    id: str
    url: str
    secret: str
    customs_code: str | None
    events: tuple[str, ...]
    cursor: int
    consecutive_failures: int
    parked: bool
    format: str = JSON

    @classmethod
    def of(cls, endpoint: Any) -> "Target":
        """From an endpoint's row (or the columns of it that a claim returns)."""
        return cls(
            endpoint.id,
            endpoint.url,
            endpoint.secret,
            endpoint.customs_code,
            tuple(endpoint.events),
            endpoint.cursor,
            endpoint.consecutive_failures,
            bool(endpoint.parked),
            endpoint.format,
        )

    def wants(self, event: "Event") -> bool:
        if event.endpoint_id is not None:
            return event.endpoint_id == self.id
        if event.type not in self.events:
            return False
        return self.customs_code is None or self.customs_code in event.parties


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    type: str
    parties: tuple[str, ...]
    endpoint_id: str | None
    payload: dict[str, Any]
    created_at: datetime

    @property
    def key(self) -> str:
        """The event's own id, the same on every attempt (``webhook-id``)."""
        return str(self.payload.get("id") or f"evt_{self.id}")

    @property
    def subject(self) -> str:
        """What the event is about (a declaration): an endpoint gets one subject's
        events in the order they happened."""
        data = self.payload.get("data")
        subject = data.get("declarationId") if isinstance(data, dict) else None
        return str(subject) if subject else f"event:{self.id}"


_EVENT_COLUMNS: tuple[Any, ...] = (
    col(WebhookEvent.id),
    col(WebhookEvent.type),
    col(WebhookEvent.parties),
    col(WebhookEvent.endpoint_id),
    col(WebhookEvent.payload),
    col(WebhookEvent.created_at),
)


def _waiting(now: datetime) -> Any:
    """Endpoints with an event after their cursor, not waiting to retry, not held."""
    later = exists().where(
        col(WebhookEvent.id) > col(WebhookEndpoint.cursor),
        or_(
            col(WebhookEvent.endpoint_id).is_(None),
            col(WebhookEvent.endpoint_id) == col(WebhookEndpoint.id),
        ),
    )
    return and_(
        or_(
            col(WebhookEndpoint.next_attempt_at).is_(None),
            col(WebhookEndpoint.next_attempt_at) <= now,
        ),
        or_(col(WebhookEndpoint.lease_until).is_(None), col(WebhookEndpoint.lease_until) <= now),
        later,
    )


def claim_due(
    engine: Engine, lease: timedelta, limit: int, busy: frozenset[str] = frozenset()
) -> list[Target]:
    """Hold up to ``limit`` endpoints that have events waiting, for the length of a lease
    (``busy``: endpoints this process works on already). Reads first, and writes only
    when something is due."""
    now = utcnow()
    with read_session(engine) as session:
        due = [
            i
            for i in session.scalars(
                select(WebhookEndpoint.id)
                .where(_waiting(now))
                .order_by(col(WebhookEndpoint.next_attempt_at))
                .limit(limit + len(busy))
            )
            if i not in busy
        ][:limit]
    if not due:
        return []
    with write_session(engine) as session:
        rows = (
            session.connection()
            .execute(
                update(WebhookEndpoint)
                .where(col(WebhookEndpoint.id).in_(due), _waiting(now))
                .values(lease_until=now + lease)
                .returning(
                    col(WebhookEndpoint.id),
                    col(WebhookEndpoint.url),
                    col(WebhookEndpoint.secret),
                    col(WebhookEndpoint.customs_code),
                    col(WebhookEndpoint.events),
                    col(WebhookEndpoint.cursor),
                    col(WebhookEndpoint.consecutive_failures),
                    col(WebhookEndpoint.parked),
                    col(WebhookEndpoint.format),
                )
            )
            .all()
        )
        session.commit()
    return [Target.of(row) for row in rows]


def events_after(engine: Engine, target: Target, limit: int) -> list[Event]:
    """The next events after the endpoint's cursor, oldest first."""
    with read_session(engine) as session:
        rows = session.execute(
            select(*_EVENT_COLUMNS)
            .where(
                col(WebhookEvent.id) > target.cursor,
                or_(
                    col(WebhookEvent.endpoint_id).is_(None),
                    col(WebhookEvent.endpoint_id) == target.id,
                ),
            )
            .order_by(col(WebhookEvent.id))
            .limit(limit)
        ).all()
    return [Event(r[0], r[1], tuple(r[2]), r[3], r[4], r[5]) for r in rows]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One push, as it went."""

    endpoint_id: str
    event_id: int
    event_key: str
    outcome: str
    attempted_at: datetime
    duration_ms: int = 0
    status_code: int | None = None
    error: str | None = None
    redelivery: bool = False

    def row(self) -> dict[str, Any]:
        return {
            "id": str(uuid_utils.uuid7()),
            "endpoint_id": self.endpoint_id,
            "event_id": self.event_id,
            "event_key": self.event_key,
            "outcome": self.outcome,
            "status_code": self.status_code,
            "error": None if self.error is None else self.error[:2000],
            "duration_ms": self.duration_ms,
            "redelivery": self.redelivery,
            "attempted_at": self.attempted_at,
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """What a pusher's turn at an endpoint came to: where its cursor stands, and its
    health after it."""

    cursor: int
    consecutive_failures: int
    parked: bool
    next_attempt_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_failure_reason: str | None


def finish_turn(engine: Engine, endpoint_id: str, attempts: Sequence[Attempt], turn: Turn) -> None:
    """Record a turn's attempts and its outcome, and let go of the endpoint, in one
    transaction."""
    values: dict[str, Any] = {
        "cursor": turn.cursor,
        "consecutive_failures": turn.consecutive_failures,
        "parked": turn.parked,
        "next_attempt_at": turn.next_attempt_at,
        "lease_until": None,
    }
    if turn.last_success_at is not None:
        values["last_success_at"] = turn.last_success_at
    if turn.last_failure_at is not None:
        values["last_failure_at"] = turn.last_failure_at
        values["last_failure_reason"] = (turn.last_failure_reason or "")[:2000]
    with write_session(engine) as session:
        connection = session.connection()
        if attempts:
            connection.execute(insert(WebhookDelivery), [a.row() for a in attempts])
        connection.execute(
            update(WebhookEndpoint).where(col(WebhookEndpoint.id) == endpoint_id).values(**values)
        )
        session.commit()


def record_redelivery(engine: Engine, attempt: Attempt) -> WebhookDelivery:
    """A delivery sent again on request: kept with the others, and in the endpoint's
    health, but its cursor and retry schedule are left as they are."""
    row = attempt.row()
    health: dict[str, Any] = (
        {"last_success_at": attempt.attempted_at}
        if attempt.outcome == DELIVERED
        else {"last_failure_at": attempt.attempted_at, "last_failure_reason": attempt.error}
    )
    with write_session(engine) as session:
        session.connection().execute(insert(WebhookDelivery), [row])
        session.connection().execute(
            update(WebhookEndpoint)
            .where(col(WebhookEndpoint.id) == attempt.endpoint_id)
            .values(**health)
        )
        session.commit()
    return WebhookDelivery(**row)


NEWEST_DELIVERIES = Keyset((col(WebhookDelivery.id),), (str,), descending=True)


def deliveries(
    engine: Engine, endpoint_id: str, cursor: str | None, limit: int
) -> tuple[Sequence[WebhookDelivery], str | None]:
    """An endpoint's attempts, newest first."""
    with read_session(engine) as session:
        return page(
            session,
            select(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id),
            NEWEST_DELIVERIES,
            cursor,
            limit,
        )


def delivered_event(engine: Engine, endpoint_id: str, delivery_id: str) -> Event:
    """The event a delivery of this endpoint carried (``WebhookDeliveryNotFound`` when
    there is no such delivery, or its event is no longer kept)."""
    with read_session(engine) as session:
        row = session.execute(
            select(*_EVENT_COLUMNS)
            .join(WebhookDelivery, col(WebhookDelivery.event_id) == col(WebhookEvent.id))
            .where(
                col(WebhookDelivery.id) == delivery_id,
                col(WebhookDelivery.endpoint_id) == endpoint_id,
            )
        ).first()
    if row is None:
        raise WebhookDeliveryNotFound(
            f"Endpoint {endpoint_id!r} has no delivery {delivery_id!r} whose event is still kept.",
            f"推送地址 {endpoint_id!r} 没有推送记录 {delivery_id!r}，或其事件已不再保留。",
        )
    return Event(row[0], row[1], tuple(row[2]), row[3], row[4], row[5])


def prune(engine: Engine, older_than: datetime) -> int:
    """Forget events and attempts from before ``older_than``; answers how many rows."""
    with write_session(engine) as session:
        connection = session.connection()
        gone = connection.execute(
            delete(WebhookEvent).where(col(WebhookEvent.created_at) < older_than)
        ).rowcount
        gone += connection.execute(
            delete(WebhookDelivery).where(col(WebhookDelivery.attempted_at) < older_than)
        ).rowcount
        session.commit()
    return gone or 0


DOCUMENTS_EXPIRED = "documents.expired"


@dataclass(frozen=True, slots=True)
class ExpiredDocument:
    """A party's document that expired unmatched (app.store.party_documents): its
    sender hears of it."""

    kind: str
    ebp_code: str | None  # None: a waybill whose order never named its platform
    order_no: str
    party: str  # the customs code of the enterprise it speaks for
    received_at: datetime


def announce_documents_expired(
    session: Session, expired: Sequence[ExpiredDocument], now: datetime
) -> None:
    """Log, in the transaction that expires them, one event per document some endpoint
    listens for: its sender's (``parties``), no one else's."""
    if not expired:
        return
    listening = [
        customs_code
        for customs_code, events in session.connection().execute(_LISTENERS)
        if DOCUMENTS_EXPIRED in events
    ]
    if not listening:
        return
    everything = None in listening
    wanted = set(listening)
    rows = [
        {
            "type": DOCUMENTS_EXPIRED,
            "parties": [document.party],
            "endpoint_id": None,
            "created_at": now,
            "payload": {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": DOCUMENTS_EXPIRED,
                "createdAt": now.isoformat(),
                "data": {
                    "kind": document.kind,
                    "ebpCode": document.ebp_code,
                    "orderNo": document.order_no,
                    "sender": document.party,
                    "receivedAt": document.received_at.isoformat(),
                },
            },
        }
        for document in expired
        if everything or document.party in wanted
    ]
    if rows:
        session.connection().execute(insert(WebhookEvent), rows)


@dataclass(frozen=True, slots=True)
class DeclarationChange:
    """Something done to a declaration after its acceptance: ``change`` is ``amendment``,
    ``cancellation`` or ``return``; ``state`` where it stands (``amended``,
    ``awaiting_customs``, ``awaiting_agencies``, ``completed``, ``refused``)."""

    declaration_id: str
    ebp_code: str
    ebc_code: str
    order_no: str
    parties: frozenset[str]
    change: str
    state: str
    status: str
    version: int
    action_id: str | None = None


def announce_declaration_changes(
    session: Session, changes: Sequence[DeclarationChange], now: datetime
) -> None:
    """Log, in the transaction of the change, one event per change some endpoint listens
    for: the declaration's parties', or everyone's (regulators, admins)."""
    if not changes:
        return
    listening = [
        customs_code
        for customs_code, events in session.connection().execute(_LISTENERS)
        if DECLARATION_CHANGED in events
    ]
    if not listening:
        return
    everything = None in listening
    wanted = set(listening)
    rows = [
        {
            "type": DECLARATION_CHANGED,
            "parties": sorted(change.parties),
            "endpoint_id": None,
            "created_at": now,
            "payload": {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": DECLARATION_CHANGED,
                "createdAt": now.isoformat(),
                "data": {
                    "declarationId": change.declaration_id,
                    "ebpCode": change.ebp_code,
                    "ebcCode": change.ebc_code,
                    "orderNo": change.order_no,
                    "change": change.change,
                    "actionId": change.action_id,
                    "state": change.state,
                    "status": change.status,
                    "version": change.version,
                },
            },
        }
        for change in changes
        if everything or not wanted.isdisjoint(change.parties)
    ]
    if rows:
        session.connection().execute(insert(WebhookEvent), rows)


TAKEDOWN_ISSUED = "takedown.issued"


@dataclass(frozen=True, slots=True)
class TakedownNotice:
    """A take-down notice to a platform after an upheld complaint."""

    takedown_id: str
    complaint_id: str
    platform_code: str
    seller_code: str | None
    product: dict[str, Any]
    listing_url: str | None
    reason: str
    issued_at: datetime
    due_at: datetime


def announce_takedown(session: Session, notice: TakedownNotice, now: datetime) -> None:
    """Log, in the transaction that issues it, the notice for the platform's endpoints that
    listen for it (and those hearing of everything: regulators', admins')."""
    listening = [
        customs_code
        for customs_code, events in session.connection().execute(_LISTENERS)
        if TAKEDOWN_ISSUED in events
    ]
    if None not in listening and notice.platform_code not in listening:
        return
    session.connection().execute(
        insert(WebhookEvent),
        [
            {
                "type": TAKEDOWN_ISSUED,
                "parties": [notice.platform_code],
                "endpoint_id": None,
                "created_at": now,
                "payload": {
                    "id": f"evt_{uuid.uuid4().hex}",
                    "type": TAKEDOWN_ISSUED,
                    "createdAt": now.isoformat(),
                    "data": {
                        "takedownId": notice.takedown_id,
                        "complaintId": notice.complaint_id,
                        "platformCode": notice.platform_code,
                        "sellerCode": notice.seller_code,
                        "product": notice.product,
                        "listingUrl": notice.listing_url,
                        "reason": notice.reason,
                        "issuedAt": notice.issued_at.isoformat(),
                        "acknowledgeBy": notice.due_at.isoformat(),
                    },
                },
            }
        ],
    )


PRODUCT_RECALLED = "product.recalled"


@dataclass(frozen=True, slots=True)
class RecallNotice:
    """A regulator's recall of goods, as the enterprises it concerns hear of it."""

    recall_id: str
    barcode: str
    batch: str | None
    product_name: str | None
    reason: str
    issued_at: datetime


def announce_recall(
    session: Session,
    notice: RecallNotice,
    concerned: Mapping[str, tuple[int, int]],
    now: datetime,
) -> None:
    """Log, in the transaction that issues it, one event per enterprise the recall
    concerns (``concerned``: customs code → its declarations found, and those delivered)
    that some endpoint listens for: each hears only its own figures, and reads its
    declarations with ``GET /v1/recalls/{id}``."""
    listening = [
        customs_code
        for customs_code, events in session.connection().execute(_LISTENERS)
        if PRODUCT_RECALLED in events
    ]
    if not listening:
        return
    everything = None in listening
    wanted = set(listening)
    rows = [
        {
            "type": PRODUCT_RECALLED,
            "parties": [code],
            "endpoint_id": None,
            "created_at": now,
            "payload": {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": PRODUCT_RECALLED,
                "createdAt": now.isoformat(),
                "data": {
                    "recallId": notice.recall_id,
                    "customsCode": code,
                    "barcode": notice.barcode,
                    "batch": notice.batch,
                    "productName": notice.product_name,
                    "reason": notice.reason,
                    "issuedAt": notice.issued_at.isoformat(),
                    "declarations": declarations,
                    "delivered": delivered,
                },
            },
        }
        for code, (declarations, delivered) in sorted(concerned.items())
        if everything or code in wanted
    ]
    if rows:
        session.connection().execute(insert(WebhookEvent), rows)
