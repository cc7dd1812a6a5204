from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class WebhookEndpoint(SQLModel, table=True):
    """Where an enterprise wants status changes pushed."""

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
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
