"""Declarations are no longer indexed by buyer: the annual quota is kept per buyer in
``buyer_quotas``, and no query looks declarations up by buyer. Every index a row is
inserted into at random costs a page written per declaration at peak.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_declarations_buyer', table_name='declarations')


def downgrade() -> None:
    op.create_index('ix_declarations_buyer', 'declarations', ['buyer_id_number'], unique=False)
