from datetime import datetime

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """A message to deliver to an agency or a webhook, written in the same transaction as
    the change it announces, so that nothing accepted is lost between commit and send."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    destination: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    subject_id: str = Field(max_length=36, index=True)
    idempotency_key: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
