"""Goods: product filings (``products``, whose HS codes the intake reads with its other
facts), delivery events, recalls with the declarations they found and the enterprises
they concern; the registrations a filing may also apply for (两证合一:
``trade_registrations``) and the certificates of origin asked for under them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ebc_code", sa.String(length=18), nullable=False),
        sa.Column("item_no", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=False),
        sa.Column("barcode", sa.String(length=14), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("manufacturer", sa.String(length=200), nullable=False),
        sa.Column("origin_country", sa.String(length=3), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=False),
        sa.Column("specification", sa.String(length=510), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filed_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ux_products_item", "products", ["ebc_code", "item_no"], unique=True)
    op.create_index("ix_products_barcode", "products", ["barcode"])
    op.create_table(
        "delivery_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "declaration_id",
            sa.String(length=36),
            sa.ForeignKey("declarations.id"),
            nullable=False,
        ),
        sa.Column("logistics_code", sa.String(length=18), nullable=False),
        sa.Column("logistics_no", sa.String(length=60), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
    )
    op.create_index(
        "ux_delivery_events_event",
        "delivery_events",
        ["declaration_id", "event", "at"],
        unique=True,
    )
    op.create_table(
        "recalls",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("barcode", sa.String(length=14), nullable=False),
        sa.Column("batch", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("product_name", sa.String(length=250), nullable=True),
        sa.Column("agency", sa.String(length=16), nullable=True),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("issued_at", TIME, nullable=False),
        sa.Column("declarations", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
    )
    op.create_index("ix_recalls_issued", "recalls", ["issued_at", "id"])
    op.create_table(
        "recall_declarations",
        sa.Column(
            "recall_id", sa.String(length=36), sa.ForeignKey("recalls.id"), primary_key=True
        ),
        sa.Column("declaration_id", sa.String(length=36), primary_key=True),
        sa.Column("ebp_code", sa.String(length=18), nullable=False),
        sa.Column("ebc_code", sa.String(length=18), nullable=False),
        sa.Column("order_no", sa.String(length=60), nullable=False),
        sa.Column("logistics_code", sa.String(length=18), nullable=False),
        sa.Column("logistics_no", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("lines", JSON_DOCUMENT, nullable=False),
        sa.Column("declared_at", TIME, nullable=False),
    )
    op.create_table(
        "recall_parties",
        sa.Column(
            "recall_id", sa.String(length=36), sa.ForeignKey("recalls.id"), primary_key=True
        ),
        sa.Column("customs_code", sa.String(length=18), primary_key=True),
    )
    op.create_index("ix_recall_parties_party", "recall_parties", ["customs_code", "recall_id"])
    op.create_table(
        "trade_registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customs_code", sa.String(length=10), nullable=False),
        sa.Column("registration", sa.String(length=32), nullable=False),
        sa.Column("reviewer", sa.String(length=16), nullable=False),
        sa.Column("application", JSON_DOCUMENT, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("registration_no", sa.String(length=40), nullable=True),
        sa.Column("reason_code", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("reason_zh", sa.String(length=500), nullable=True),
        sa.Column("signature", sa.String(length=200), nullable=True),
        sa.Column("applied_at", TIME, nullable=False),
        sa.Column("reviewed_at", TIME, nullable=True),
    )
    op.create_index(
        "ux_trade_registrations_kind",
        "trade_registrations",
        ["customs_code", "registration"],
        unique=True,
    )
    op.create_table(
        "origin_certificates",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("ebc_code", sa.String(length=10), nullable=False),
        sa.Column("fta", sa.String(length=32), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Numeric(19, 5), nullable=False),
        sa.Column("export_country", sa.String(length=3), nullable=False),
        sa.Column("applied_by", sa.String(length=80), nullable=False),
        sa.Column("applied_at", TIME, nullable=False),
    )
    op.create_index("ix_origin_certificates_applied", "origin_certificates", ["applied_at", "fta"])
    op.create_index(
        "ix_origin_certificates_applicant",
        "origin_certificates",
        ["ebc_code", "applied_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_origin_certificates_applicant", table_name="origin_certificates")
    op.drop_index("ix_origin_certificates_applied", table_name="origin_certificates")
    op.drop_table("origin_certificates")
    op.drop_index("ux_trade_registrations_kind", table_name="trade_registrations")
    op.drop_table("trade_registrations")
    op.drop_index("ix_recall_parties_party", table_name="recall_parties")
    op.drop_table("recall_parties")
    op.drop_table("recall_declarations")
    op.drop_index("ix_recalls_issued", table_name="recalls")
    op.drop_table("recalls")
    op.drop_index("ux_delivery_events_event", table_name="delivery_events")
    op.drop_table("delivery_events")
    op.drop_index("ix_products_barcode", table_name="products")
    op.drop_index("ux_products_item", table_name="products")
    op.drop_table("products")
