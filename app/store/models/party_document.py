from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class PartyDocument(SQLModel, table=True):
    """An order, payment or waybill posted by its own sender, waiting for the other two
    documents of its order (三单对碰); kept after they made a declaration, as what each
    party sent."""

    __tablename__ = "party_documents"
    __table_args__ = (
        UniqueConstraint("ebp_code", "order_no", "kind", name="uq_party_documents_slot"),
        # An order's documents, and the waybills waiting for their platform to be known.
        Index("ix_party_documents_order", "order_no", "ebp_code"),
        # The expiry pass: documents still unmatched, by when they expire.
        Index("ix_party_documents_due", "status", "expires_at"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    # The order's platform; '' for a waybill (which names only the order number) until a
    # document of its order that names the platform arrives.
    ebp_code: str = Field(max_length=18)
    order_no: str = Field(max_length=60)
    # order, payment or waybill.
    kind: str = Field(max_length=8)
    # Who posted it (an API key's actor), and the customs code of the enterprise it speaks
    # for: the one told when it expires.
    sender: str = Field(max_length=80)
    party_code: str = Field(max_length=18)
    document: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    # SHA-256 of its business fields: the same document sent again is recognised.
    fingerprint: str = Field(max_length=64)
    app_type: str = Field(max_length=1)
    # waiting, assembling, assembled, refused or expired (app.domain.party_documents).
    status: str = Field(max_length=16)
    # The declaration the three make (while assembling: the id it is declared under).
    declaration_id: str | None = Field(default=None, max_length=36)
    # What became of that declaration: its outcome and, when refused, every violation.
    outcome: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDocument))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
