from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class IdempotencyRecord(SQLModel, table=True):
    """The first answer given to an ``Idempotency-Key``, replayed to retries."""

    __tablename__ = "idempotency_keys"

    scope: str = Field(sa_column=Column(String(64), primary_key=True))
    key: str = Field(sa_column=Column(String(255), primary_key=True))
    fingerprint: str = Field(max_length=64)
    state: str = Field(max_length=16)
    response_status: int | None = None
    response_body: str | None = Field(default=None, sa_column=Column(Text))
    response_headers: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDocument))
    locked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
