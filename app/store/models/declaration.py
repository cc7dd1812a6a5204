from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
    true,
)
from sqlmodel import Field, SQLModel

from app.store.models.types import JSONDocument, UTCDateTime, utcnow


class Declaration(SQLModel, table=True):
    """An accepted three-document declaration (order + payment + waybill)."""

    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("ebp_code", "order_no", name="uq_declarations_ebp_order"),
        Index("ix_declarations_created", "created_at", "id"),
        # For the statistics, and for lists filtered by status (see migration 0004).
        Index(
            "ix_declarations_stats",
            "status",
            "created_at",
            "finalized_at",
            "dutiable_value",
            "tax_total",
        ),
        Index("ux_declarations_idempotency", "idempotency_scope", "idempotency_key", unique=True),
        # The declarations whose derived rows the worker has still to write.
        Index(
            "ix_declarations_underived",
            "created_at",
            "id",
            sqlite_where=text("NOT derived"),
            postgresql_where=text("NOT derived"),
        ),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    ebp_code: str = Field(max_length=18)
    ebc_code: str = Field(max_length=18, index=True)
    pay_code: str = Field(max_length=18, index=True)
    logistics_code: str = Field(max_length=18, index=True)
    order_no: str = Field(max_length=60)
    logistics_no: str = Field(max_length=60)
    buyer_id_number: str = Field(max_length=60)
    trade_mode: str = Field(max_length=4)
    status: str = Field(max_length=20)
    ceb_status: int
    dutiable_value: Decimal = Field(sa_column=Column(Numeric(19, 5), nullable=False))
    # What this declaration charged to the buyer's annual quota, so it can be released
    # exactly when the declaration is later rejected, cancelled or returned.
    quota_year: int
    quota_charge: int = Field(sa_column=Column(BigInteger, nullable=False))
    documents: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    # The tax agency's assessment, once it has answered.
    tax: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDocument))
    # The assessed tax total, for the statistics.
    tax_total: Decimal | None = Field(default=None, sa_column=Column(Numeric(19, 5)))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When the declaration reached a final status (cleared, rejected, detained).
    finalized_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who declared it (an API key's actor), for the audit entry of its acceptance.
    declared_by: str | None = Field(default=None, max_length=80)
    # The Idempotency-Key it was declared with: a retry is answered from this row.
    idempotency_scope: str | None = Field(default=None, max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=255)
    idempotency_fingerprint: str | None = Field(default=None, max_length=64)
    # Whether the worker has written what derives from the acceptance: agency rows,
    # goods lines, the first event, the audit entry and the outbox messages.
    derived: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    # Goes up with each amendment; the ETag of the declaration. Receipts about an earlier
    # version no longer count.
    version: int = Field(
        default=1, sa_column=Column(Integer, nullable=False, server_default=text("1"))
    )
    # When customs released the goods: cancellations after release and returns are
    # allowed within the return window from then.
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeclarationLine(SQLModel, table=True):
    """The goods lines of accepted declarations, for statistics and regulators' filters."""

    __tablename__ = "declaration_lines"
    __table_args__ = (
        Index("ix_declaration_lines_created", "created_at"),
        Index("ix_declaration_lines_chapter", "hs_chapter", "declaration_id"),
        Index("ix_declaration_lines_country", "country", "declaration_id"),
        Index("ix_declaration_lines_chapter_stats", "hs_chapter", "created_at", "total_price"),
        Index("ix_declaration_lines_country_stats", "country", "created_at", "total_price"),
    )

    declaration_id: str = Field(
        sa_column=Column(String(36), ForeignKey("declarations.id"), primary_key=True)
    )
    gnum: int = Field(primary_key=True)
    hs_code: str = Field(max_length=10)
    hs_chapter: str = Field(max_length=2)
    country: str = Field(max_length=3)
    total_price: Decimal = Field(sa_column=Column(Numeric(19, 5), nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)


class DeclarationAgency(SQLModel, table=True):
    """One agency's view of one declaration: pending → acknowledged → its decision."""

    __tablename__ = "declaration_agencies"
    __table_args__ = (Index("ix_declaration_agencies_stats", "agency", "status", "created_at"),)

    declaration_id: str = Field(
        sa_column=Column(String(36), ForeignKey("declarations.id"), primary_key=True)
    )
    agency: str = Field(sa_column=Column(String(16), primary_key=True))
    status: str = Field(max_length=16)
    # The agency's receipt sequence number last applied; receipts only move forward.
    sequence: int = 0
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDocument))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # The declaration's creation time, copied so the statistics need not join it.
    created_at: datetime = Field(sa_type=UTCDateTime)


class DeclarationEvent(SQLModel, table=True):
    """The status history of a declaration, append-only."""

    __tablename__ = "declaration_events"

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: str = Field(
        sa_column=Column(String(36), ForeignKey("declarations.id"), nullable=False, index=True)
    )
    status: str = Field(max_length=20)
    ceb_status: int
    agency: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Refusal(SQLModel, table=True):
    """A declaration refused by the rules: kept for counting and for regulators."""

    __tablename__ = "refusals"

    id: int | None = Field(default=None, primary_key=True)
    ebp_code: str | None = Field(default=None, max_length=18, index=True)
    order_no: str | None = Field(default=None, max_length=60)
    violations: list[dict[str, Any]] = Field(sa_column=Column(JSONDocument, nullable=False))
    documents: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class RefusalCode(SQLModel, table=True):
    """Each rule a refused declaration broke, for counting refusals by rule in SQL."""

    __tablename__ = "refusal_codes"
    __table_args__ = (Index("ix_refusal_codes_created", "created_at", "code"),)

    refusal_id: int = Field(sa_column=Column(Integer, ForeignKey("refusals.id"), primary_key=True))
    code: str = Field(sa_column=Column(String(40), primary_key=True))
    created_at: datetime = Field(sa_type=UTCDateTime)


class Waybill(SQLModel, table=True):
    """The last declaration that used a waybill number, for the six-month reuse rule."""

    __tablename__ = "waybills"

    logistics_code: str = Field(sa_column=Column(String(18), primary_key=True))
    logistics_no: str = Field(sa_column=Column(String(60), primary_key=True))
    declaration_id: str = Field(max_length=36)
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BuyerQuota(SQLModel, table=True):
    """A buyer's running annual total, in 1/100000 CNY, charged atomically at acceptance."""

    __tablename__ = "buyer_quotas"

    buyer_id_number: str = Field(sa_column=Column(String(60), primary_key=True))
    year: int = Field(primary_key=True)
    used: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeclarationAction(SQLModel, table=True):
    """A cancellation or a return asked for by the declaring enterprise, with each
    agency's answer, the quota it gives back and the tax it refunds."""

    __tablename__ = "declaration_actions"
    __table_args__ = (
        Index("ix_declaration_actions_declaration", "declaration_id", "created_at"),
        Index("ix_declaration_actions_stats", "kind", "status", "completed_at", "refund_total"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    declaration_id: str = Field(
        sa_column=Column(String(36), ForeignKey("declarations.id"), nullable=False)
    )
    kind: str = Field(max_length=16)  # cancellation | return
    status: str = Field(max_length=20)  # app.domain.afterlife.ActionState
    # The declaration's version it was asked about.
    version: int
    reason: str = Field(max_length=1000)
    # A return's waybill.
    logistics_no: str | None = Field(default=None, max_length=60)
    # A return's lines: [{"gnum", "qty", "value"}], value in CNY as a string.
    lines: list[dict[str, Any]] = Field(sa_column=Column(JSONDocument, nullable=False))
    # What it gives back to the buyer's annual quota once done, in quota units.
    quota_given_back: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The tax agency's refund, once it has answered.
    refund: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONDocument))
    refund_total: Decimal | None = Field(default=None, sa_column=Column(Numeric(19, 5)))
    # Each agency's answer: {agency: {"status", "reasons", "refund", "decidedAt"}}.
    agencies: dict[str, Any] = Field(sa_column=Column(JSONDocument, nullable=False))
    requested_by: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
