"""Enterprises' signing certificates, and whether each accepts unsigned CEB messages.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "enterprise_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customs_code", sa.String(length=10), nullable=False),
        sa.Column("pem", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("not_before", UTC_TIME, nullable=False),
        sa.Column("not_after", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_index(
        "ix_enterprise_certificates_customs_code", "enterprise_certificates", ["customs_code"]
    )
    op.create_table(
        "enterprise_signature_policies",
        sa.Column("customs_code", sa.String(length=10), nullable=False),
        sa.Column("unsigned_accepted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("customs_code"),
    )


def downgrade() -> None:
    op.drop_table("enterprise_signature_policies")
    op.drop_index("ix_enterprise_certificates_customs_code", "enterprise_certificates")
    op.drop_table("enterprise_certificates")
