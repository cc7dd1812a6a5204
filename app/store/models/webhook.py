from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class WebhookEndpoint(SQLModel, table=True):
    """Where an enterprise wants status changes pushed, and how pushing there goes.

    An endpoint reads the event log (``webhook_events``) through a cursor of its own:
    a status change writes one event whatever the number of endpoints, and an endpoint
    that is down or parked holds nothing but its cursor."""

    __tablename__ = "webhook_endpoints"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    url: str = Field(max_length=2000)
    events: list[str] = Field(sa_column=Column(JSONDocument, nullable=False))
    secret: str = Field(max_length=200)
    # Only declarations this enterprise is a party to; every declaration when empty.
    customs_code: str | None = Field(default=None, max_length=10, index=True)
    # Who registered it and may see and remove it: ``enterprise:<code>``,
    # ``regulator:<agency>`` or ``admin``.
    owner: str = Field(default="admin", max_length=80, index=True)
    # What a status push's body is: ``json`` (the event), or ``ceb`` (a CEB622 receipt).
    format: str = Field(
        default="json", sa_column=Column(String(8), nullable=False, server_default="json")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The last event passed: delivered, given up on, or not for this endpoint.
    cursor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    # Failed attempts since the last success; from SW_WEBHOOK_PARK_AFTER on, the
    # endpoint is parked: only a probe at ``next_attempt_at`` goes out until one succeeds.
    consecutive_failures: int = 0
    parked: bool = False
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A pusher working on the endpoint holds it until then (one push at a time per
    # endpoint, in order, whatever the number of worker processes).
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_failure_reason: str | None = Field(default=None, sa_column=Column(Text))


class WebhookEvent(SQLModel, table=True):
    """The log the endpoints read: one row per status change while any endpoint listens."""

    __tablename__ = "webhook_events"

    # SQLite numbers rows itself only in an INTEGER PRIMARY KEY column.
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    type: str = Field(max_length=64)
    # The enterprises the event concerns: an endpoint limited to one hears of it when
    # its customs code is among them.
    parties: list[str] = Field(sa_column=Column(JSONDocument, nullable=False))
    # Set for an event meant for one endpoint only.
    endpoint_id: str | None = Field(default=None, max_length=36)
    payload: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class WebhookDelivery(SQLModel, table=True):
    """One attempt to push an event to an endpoint (kept for a few days)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),)

    # UUIDv7: in the order attempts were made.
    id: str = Field(sa_column=Column(String(36), primary_key=True))
    endpoint_id: str = Field(max_length=36)
    event_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The event's own id (``evt_...``), sent as ``webhook-id``.
    event_key: str = Field(max_length=80)
    # delivered, failed (retried), refused (not retried) or expired (given up on).
    outcome: str = Field(max_length=16)
    status_code: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text))
    duration_ms: int = 0
    redelivery: bool = False
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
