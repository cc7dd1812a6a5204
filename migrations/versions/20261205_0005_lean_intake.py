"""A lean intake: a declaration row carries its Idempotency-Key, and what is derived from
an acceptance (agency rows, goods lines, the first event, the audit entry, the outbox
messages) is written afterwards by the worker; ``derived`` says whether it has been.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (not a batch copy of the table, which SQLite's foreign keys from
    # the agency rows, lines and events would refuse).
    op.add_column('declarations', sa.Column('idempotency_scope', sa.String(length=64)))
    op.add_column('declarations', sa.Column('idempotency_key', sa.String(length=255)))
    op.add_column('declarations', sa.Column('idempotency_fingerprint', sa.String(length=64)))
    # Who declared it, for the audit entry the worker writes.
    op.add_column('declarations', sa.Column('declared_by', sa.String(length=80)))
    # Declarations stored before this revision have their derived rows already.
    op.add_column(
        'declarations',
        sa.Column('derived', sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_index(
        'ux_declarations_idempotency',
        'declarations',
        ['idempotency_scope', 'idempotency_key'],
        unique=True,
    )
    # Only the few declarations still waiting for the worker are in this index.
    op.create_index(
        'ix_declarations_underived',
        'declarations',
        ['created_at', 'id'],
        sqlite_where=sa.text('NOT derived'),
        postgresql_where=sa.text('NOT derived'),
    )


def downgrade() -> None:
    op.drop_index('ix_declarations_underived', table_name='declarations')
    op.drop_index('ux_declarations_idempotency', table_name='declarations')
    for column in (
        'derived',
        'declared_by',
        'idempotency_fingerprint',
        'idempotency_key',
        'idempotency_scope',
    ):
        op.drop_column('declarations', column)
