"""Trust: credit records (``credit_events``, with the grades given before this revision
taken from the audit trail), the credit negative list (``negative_listings``, and
``enterprises.listed_until``, which the intake reads with the filing), complaints with
their evidence, take-down notices and the goods blocked after an upheld complaint.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed_until", TIME, nullable=True))
    op.create_table(
        "credit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customs_code", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("detail", JSON_DOCUMENT, nullable=False),
        sa.Column("occurred_at", TIME, nullable=False),
    )
    op.create_index(
        "ix_credit_events_enterprise", "credit_events", ["customs_code", "occurred_at", "id"]
    )
    # The grades given so far, as the trail recorded them.
    detail = "CAST(data AS JSONB)" if op.get_bind().dialect.name == "postgresql" else "data"
    op.execute(
        "INSERT INTO credit_events (customs_code, kind, source, detail, occurred_at) "
        f"SELECT subject_id, 'graded', actor, {detail}, occurred_at FROM audit_log "
        "WHERE kind = 'filing.graded' AND subject_type = 'enterprise' ORDER BY seq"
    )
    op.create_table(
        "negative_listings",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("customs_code", sa.String(length=10), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=True),
        sa.Column("listed_at", TIME, nullable=False),
        sa.Column("until", TIME, nullable=True),
        sa.Column("listed_by", sa.String(length=80), nullable=False),
        sa.Column("lifted_at", TIME, nullable=True),
        sa.Column("lifted_by", sa.String(length=80), nullable=True),
        sa.Column("lift_reason", sa.String(length=500), nullable=True),
    )
    op.create_index(
        "ix_negative_listings_enterprise", "negative_listings", ["customs_code", "listed_at"]
    )
    op.create_index("ix_negative_listings_listed", "negative_listings", ["listed_at", "id"])
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("complainant_kind", sa.String(length=20), nullable=False),
        sa.Column("complainant_name", sa.String(length=100), nullable=True),
        sa.Column("complainant_contact", sa.String(length=100), nullable=True),
        sa.Column("filed_by", sa.String(length=80), nullable=False),
        sa.Column("product_name", sa.String(length=250), nullable=False),
        sa.Column("item_no", sa.String(length=30), nullable=True),
        sa.Column("barcode", sa.String(length=50), nullable=True),
        sa.Column("listing_url", sa.String(length=2000), nullable=True),
        sa.Column("order_no", sa.String(length=60), nullable=True),
        sa.Column("logistics_no", sa.String(length=60), nullable=True),
        sa.Column("enterprise_code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("decision_reason", sa.String(length=1000), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", TIME, nullable=True),
        sa.Column("seller_code", sa.String(length=10), nullable=True),
        sa.Column("platform_code", sa.String(length=10), nullable=True),
        sa.Column("product_blocked", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_complaints_created", "complaints", ["created_at", "id"])
    op.create_index("ix_complaints_status", "complaints", ["status", "created_at", "id"])
    op.create_index(
        "ix_complaints_enterprise", "complaints", ["enterprise_code", "created_at", "id"]
    )
    op.create_table(
        "complaint_attachments",
        sa.Column(
            "complaint_id",
            sa.String(length=36),
            sa.ForeignKey("complaints.id"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "takedowns",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column(
            "complaint_id",
            sa.String(length=36),
            sa.ForeignKey("complaints.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("platform_code", sa.String(length=10), nullable=False),
        sa.Column("seller_code", sa.String(length=10), nullable=True),
        sa.Column("product_name", sa.String(length=250), nullable=False),
        sa.Column("item_no", sa.String(length=30), nullable=True),
        sa.Column("barcode", sa.String(length=50), nullable=True),
        sa.Column("listing_url", sa.String(length=2000), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("issued_at", TIME, nullable=False),
        sa.Column("due_at", TIME, nullable=False),
        sa.Column("acknowledged_at", TIME, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=80), nullable=True),
        sa.Column("action_taken", sa.String(length=1000), nullable=True),
    )
    op.create_index("ix_takedowns_platform", "takedowns", ["platform_code", "issued_at", "id"])
    op.create_table(
        "blocked_products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "complaint_id", sa.String(length=36), sa.ForeignKey("complaints.id"), nullable=False
        ),
        sa.Column("ebc_code", sa.String(length=10), nullable=True),
        sa.Column("item_no", sa.String(length=30), nullable=True),
        sa.Column("barcode", sa.String(length=50), nullable=True),
        sa.Column("blocked_at", TIME, nullable=False),
    )
    op.create_index("ix_blocked_products_item", "blocked_products", ["ebc_code", "item_no"])
    op.create_index("ix_blocked_products_barcode", "blocked_products", ["barcode"])


def downgrade() -> None:
    op.drop_index("ix_blocked_products_barcode", table_name="blocked_products")
    op.drop_index("ix_blocked_products_item", table_name="blocked_products")
    op.drop_table("blocked_products")
    op.drop_index("ix_takedowns_platform", table_name="takedowns")
    op.drop_table("takedowns")
    op.drop_table("complaint_attachments")
    op.drop_index("ix_complaints_enterprise", table_name="complaints")
    op.drop_index("ix_complaints_status", table_name="complaints")
    op.drop_index("ix_complaints_created", table_name="complaints")
    op.drop_table("complaints")
    op.drop_index("ix_negative_listings_listed", table_name="negative_listings")
    op.drop_index("ix_negative_listings_enterprise", table_name="negative_listings")
    op.drop_table("negative_listings")
    op.drop_index("ix_credit_events_enterprise", table_name="credit_events")
    op.drop_table("credit_events")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_column("listed_until")
