"""Goods: product filings, delivery events, recalls; the registrations a filing may also
apply for (两证合一) and the certificates of origin asked for under them."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Numeric, String
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class Product(SQLModel, table=True):
    """A product an e-commerce company filed (商品备案) under its own item number: the
    intake reads the HS codes of those its declarations' lines name, with its other
    facts, and checks the lines against them."""

    __tablename__ = "products"
    __table_args__ = (
        Index("ux_products_item", "ebc_code", "item_no", unique=True),
        Index("ix_products_barcode", "barcode"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ebc_code: str = Field(max_length=18)
    item_no: str = Field(max_length=30)
    name: str = Field(max_length=250)
    hs_code: str = Field(max_length=10)
    barcode: str = Field(max_length=14)
    brand: str = Field(max_length=100)
    manufacturer: str = Field(max_length=200)
    origin_country: str = Field(max_length=3)
    unit: str = Field(max_length=3)
    specification: str | None = Field(default=None, max_length=510)
    # Goes up with each change (appType 2).
    version: int
    filed_by: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeliveryEventRecord(SQLModel, table=True):
    """A logistics company's word on where a declared parcel is: picked up, in transit,
    delivered, refused by the buyer, returned. The same event at the same time is kept
    once."""

    __tablename__ = "delivery_events"
    __table_args__ = (
        Index("ux_delivery_events_event", "declaration_id", "event", "at", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: str = Field(
        sa_column=Column(String(36), ForeignKey("declarations.id"), nullable=False)
    )
    logistics_code: str = Field(max_length=18)
    logistics_no: str = Field(max_length=60)
    event: str = Field(max_length=20)  # app.domain.goods.DeliveryEvent
    at: datetime = Field(sa_type=UTCDateTime)
    place: str = Field(max_length=200)
    note: str | None = Field(default=None, max_length=500)
    recorded_by: str = Field(max_length=80)
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class Recall(SQLModel, table=True):
    """A regulator's recall of goods by barcode (and batch): the declarations it found,
    the parcels among them delivered, and whom it concerns are kept with it."""

    __tablename__ = "recalls"
    __table_args__ = (Index("ix_recalls_issued", "issued_at", "id"),)

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    barcode: str = Field(max_length=14)
    batch: str | None = Field(default=None, max_length=100)
    reason: str = Field(max_length=1000)
    product_name: str | None = Field(default=None, max_length=250)
    agency: str | None = Field(default=None, max_length=16)
    issued_by: str = Field(max_length=80)
    issued_at: datetime = Field(sa_type=UTCDateTime)
    declarations: int
    delivered: int


class RecallDeclaration(SQLModel, table=True):
    """A declaration a recall found: the goods' lines in it, its status then, and whether
    its parcel had been delivered."""

    __tablename__ = "recall_declarations"

    recall_id: str = Field(sa_column=Column(String(36), ForeignKey("recalls.id"), primary_key=True))
    declaration_id: str = Field(sa_column=Column(String(36), primary_key=True))
    ebp_code: str = Field(max_length=18)
    ebc_code: str = Field(max_length=18)
    order_no: str = Field(max_length=60)
    logistics_code: str = Field(max_length=18)
    logistics_no: str = Field(max_length=60)
    status: str = Field(max_length=20)
    delivered: bool = Field(sa_column=Column(Boolean, nullable=False))
    lines: list[int] = Field(sa_column=Column(JSONDocument, nullable=False))
    declared_at: datetime = Field(sa_type=UTCDateTime)


class RecallParty(SQLModel, table=True):
    """An enterprise a recall concerns (a platform or e-commerce company of an affected
    declaration, or the goods' filer): it reads the recall, and hears of it."""

    __tablename__ = "recall_parties"
    __table_args__ = (Index("ix_recall_parties_party", "customs_code", "recall_id"),)

    recall_id: str = Field(sa_column=Column(String(36), ForeignKey("recalls.id"), primary_key=True))
    customs_code: str = Field(sa_column=Column(String(18), primary_key=True))


class TradeRegistration(SQLModel, table=True):
    """A registration an enterprise filing also applied for (两证合一): foreign-trade
    operator (对外贸易经营者备案, reviewed by commerce) or certificate-of-origin applicant
    (原产地证申领企业备案, reviewed by inspection), and the reviewer's signed answer."""

    __tablename__ = "trade_registrations"
    __table_args__ = (
        Index("ux_trade_registrations_kind", "customs_code", "registration", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    customs_code: str = Field(max_length=10)
    registration: str = Field(max_length=32)  # app.domain.goods.Registration
    reviewer: str = Field(max_length=16)
    application: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    status: str = Field(max_length=16)  # app.domain.goods.ReviewStatus
    registration_no: str | None = Field(default=None, max_length=40)
    reason_code: str | None = Field(default=None, max_length=60)
    reason: str | None = Field(default=None, max_length=500)
    reason_zh: str | None = Field(default=None, max_length=500)
    # The reviewer's signature over its answer (app.agencies.wire.review_signature).
    signature: str | None = Field(default=None, max_length=200)
    applied_at: datetime = Field(sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OriginCertificate(SQLModel, table=True):
    """An application for a certificate of origin under a free trade agreement, by a
    registered applicant: counted per agreement and month."""

    __tablename__ = "origin_certificates"
    __table_args__ = (
        Index("ix_origin_certificates_applied", "applied_at", "fta"),
        Index("ix_origin_certificates_applicant", "ebc_code", "applied_at", "id"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    ebc_code: str = Field(max_length=10)
    fta: str = Field(max_length=32)  # app.domain.goods.Fta
    hs_code: str = Field(max_length=10)
    value: Decimal = Field(sa_column=Column(Numeric(19, 5), nullable=False))
    export_country: str = Field(max_length=3)
    applied_by: str = Field(max_length=80)
    applied_at: datetime = Field(sa_type=UTCDateTime)
