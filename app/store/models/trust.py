"""Credit records, the negative list, complaints, take-down notices and blocked goods."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class CreditEvent(SQLModel, table=True):
    """One entry of an enterprise's credit record written when it happens: a grade
    given, a listing and its lifting, an upheld complaint. (Refusals, detentions and
    late take-downs are counted from their own records when the record is read.)"""

    __tablename__ = "credit_events"
    __table_args__ = (Index("ix_credit_events_enterprise", "customs_code", "occurred_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customs_code: str = Field(max_length=10)
    kind: str = Field(max_length=32)  # app.domain.trust.CreditEventKind
    # Who recorded it: a regulator's actor, or the system.
    source: str = Field(max_length=80)
    detail: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NegativeListing(SQLModel, table=True):
    """An enterprise put on the credit negative list (信用负面清单) by a regulator, for a
    period or without an end, until it ends or is lifted. The enterprise's name and USCC
    are kept as they were when it was listed: what was published."""

    __tablename__ = "negative_listings"
    __table_args__ = (
        Index("ix_negative_listings_enterprise", "customs_code", "listed_at"),
        Index("ix_negative_listings_listed", "listed_at", "id"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    customs_code: str = Field(max_length=10)
    uscc: str = Field(max_length=18)
    name: str = Field(max_length=100)
    reason: str = Field(max_length=500)
    legal_basis: str = Field(max_length=500)
    authority: str = Field(max_length=100)
    # The regulator's agency whose key listed it (admin: none).
    agency: str | None = Field(default=None, max_length=16)
    listed_at: datetime = Field(sa_type=UTCDateTime)
    until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    listed_by: str = Field(max_length=80)
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lifted_by: str | None = Field(default=None, max_length=80)
    lift_reason: str | None = Field(default=None, max_length=500)


class Complaint(SQLModel, table=True):
    """A consumer's or rights holder's complaint (投诉举报) about goods an enterprise sells.
    The complainant follows it with a token shown once; only its SHA-256 is kept."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_created", "created_at", "id"),
        Index("ix_complaints_status", "status", "created_at", "id"),
        Index("ix_complaints_enterprise", "enterprise_code", "created_at", "id"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    token_hash: str = Field(max_length=64)
    status: str = Field(max_length=16)  # app.domain.trust.ComplaintStatus
    kind: str = Field(max_length=20)  # app.domain.trust.ComplaintKind
    complainant_kind: str = Field(max_length=20)
    complainant_name: str | None = Field(default=None, max_length=100)
    complainant_contact: str | None = Field(default=None, max_length=100)
    # Who filed it: an API key's actor, or "anonymous".
    filed_by: str = Field(max_length=80)
    product_name: str = Field(max_length=250)
    item_no: str | None = Field(default=None, max_length=30)
    barcode: str | None = Field(default=None, max_length=50)
    listing_url: str | None = Field(default=None, max_length=2000)
    order_no: str | None = Field(default=None, max_length=60)
    logistics_no: str | None = Field(default=None, max_length=60)
    # The enterprise complained about: the seller (e-commerce company) or the platform.
    enterprise_code: str = Field(max_length=10)
    description: str = Field(sa_column=Column(Text, nullable=False))
    # The triage: who decided, when, why; and whom an upheld complaint concerns.
    decision_reason: str | None = Field(default=None, max_length=1000)
    decided_by: str | None = Field(default=None, max_length=80)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seller_code: str | None = Field(default=None, max_length=10)
    platform_code: str | None = Field(default=None, max_length=10)
    product_blocked: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ComplaintAttachment(SQLModel, table=True):
    """Evidence attached to a complaint, its type told by its first bytes."""

    __tablename__ = "complaint_attachments"

    complaint_id: str = Field(
        sa_column=Column(String(36), ForeignKey("complaints.id"), primary_key=True)
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Takedown(SQLModel, table=True):
    """A take-down notice to a platform after an upheld complaint: the platform takes the
    goods' listing down and acknowledges it within the time given."""

    __tablename__ = "takedowns"
    __table_args__ = (Index("ix_takedowns_platform", "platform_code", "issued_at", "id"),)

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    complaint_id: str = Field(
        sa_column=Column(String(36), ForeignKey("complaints.id"), nullable=False, unique=True)
    )
    platform_code: str = Field(max_length=10)
    seller_code: str | None = Field(default=None, max_length=10)
    product_name: str = Field(max_length=250)
    item_no: str | None = Field(default=None, max_length=30)
    barcode: str | None = Field(default=None, max_length=50)
    listing_url: str | None = Field(default=None, max_length=2000)
    reason: str = Field(max_length=1000)
    issued_by: str = Field(max_length=80)
    issued_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=80)
    action_taken: str | None = Field(default=None, max_length=1000)


class BlockedProduct(SQLModel, table=True):
    """Goods that may no longer be declared, after an upheld complaint: an e-commerce
    company's item number, or a barcode (whoever declares it). The intake reads these
    with its other facts, keyed by the item numbers and barcodes of the lines."""

    __tablename__ = "blocked_products"
    __table_args__ = (
        Index("ix_blocked_products_item", "ebc_code", "item_no"),
        Index("ix_blocked_products_barcode", "barcode"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: str = Field(
        sa_column=Column(String(36), ForeignKey("complaints.id"), nullable=False)
    )
    ebc_code: str | None = Field(default=None, max_length=10)
    item_no: str | None = Field(default=None, max_length=30)
    barcode: str | None = Field(default=None, max_length=50)
    blocked_at: datetime = Field(sa_type=UTCDateTime)
