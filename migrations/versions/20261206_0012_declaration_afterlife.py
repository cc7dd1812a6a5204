"""What happens to a declaration after it is declared: amendments (each declaration's
``version``), the time customs released its goods (``released_at``: cancellations after
release and returns count their window from it), and the cancellations and returns
themselves (``declaration_actions``). A declaration's status may now read
``partially_returned``, longer than its column held.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
    for table in ("declarations", "declaration_events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "status", existing_type=sa.String(length=16), type_=sa.String(length=20)
            )
    # Declarations released before this revision: the time customs' answer was applied.
    op.execute(
        "UPDATE declarations SET released_at = (SELECT a.updated_at FROM declaration_agencies a "
        "WHERE a.declaration_id = declarations.id AND a.agency = 'customs' "
        "AND a.status = 'released')"
    )
    op.create_table(
        "declaration_actions",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column(
            "declaration_id",
            sa.String(length=36),
            sa.ForeignKey("declarations.id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("logistics_no", sa.String(length=60), nullable=True),
        sa.Column("lines", JSON_DOCUMENT, nullable=False),
        sa.Column("quota_given_back", sa.BigInteger(), nullable=False),
        sa.Column("refund", JSON_DOCUMENT, nullable=True),
        sa.Column("refund_total", sa.Numeric(19, 5), nullable=True),
        sa.Column("agencies", JSON_DOCUMENT, nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_declaration_actions_declaration",
        "declaration_actions",
        ["declaration_id", "created_at"],
    )
    op.create_index(
        "ix_declaration_actions_stats",
        "declaration_actions",
        ["kind", "status", "completed_at", "refund_total"],
    )


def downgrade() -> None:
    op.drop_index("ix_declaration_actions_stats", table_name="declaration_actions")
    op.drop_index("ix_declaration_actions_declaration", table_name="declaration_actions")
    op.drop_table("declaration_actions")
    for table in ("declarations", "declaration_events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "status", existing_type=sa.String(length=20), type_=sa.String(length=16)
            )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_column("released_at")
        batch_op.drop_column("version")
