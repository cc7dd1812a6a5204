"""Each party posts its own document (三单对碰): orders, payments and waybills wait in
``party_documents`` until the three of an order have arrived.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "party_documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ebp_code", sa.String(length=18), nullable=False),
        sa.Column("order_no", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("sender", sa.String(length=80), nullable=False),
        sa.Column("party_code", sa.String(length=18), nullable=False),
        sa.Column("document", JSON_DOCUMENT, nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("app_type", sa.String(length=1), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("declaration_id", sa.String(length=36), nullable=True),
        sa.Column("outcome", JSON_DOCUMENT, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ebp_code", "order_no", "kind", name="uq_party_documents_slot"),
    )
    op.create_index("ix_party_documents_order", "party_documents", ["order_no", "ebp_code"])
    op.create_index("ix_party_documents_due", "party_documents", ["status", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_party_documents_due", table_name="party_documents")
    op.drop_index("ix_party_documents_order", table_name="party_documents")
    op.drop_table("party_documents")
