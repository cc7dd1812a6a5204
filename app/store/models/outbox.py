from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """A message to deliver to an agency or a webhook, written in the same transaction as
    the change it announces, so that nothing accepted is lost between commit and send."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_destination_due", "destination", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # An agency name.
    destination: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    subject_id: str = Field(max_length=36, index=True)
    # What to send, when it is not rebuilt from the subject at send time (webhooks).
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDocument))
    idempotency_key: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    status: str = Field(max_length=16)
    attempts: int = 0
    # When the message is next due. Claiming a message moves this to the end of the
    # claimer's lease, so that if the claimer dies mid-send the message falls due again
    # (the receiver deduplicates a second delivery by its idempotency key).
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
