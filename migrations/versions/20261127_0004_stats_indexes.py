"""Statistics from indexes: the creation time on the agency parts, and indexes that
cover the regulators' statistics so they are read without the rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('declaration_agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', UTC_TIME, nullable=True))
    # The parts of existing declarations take their declaration's time.
    op.execute(
        "UPDATE declaration_agencies SET created_at = (SELECT declarations.created_at "
        "FROM declarations WHERE declarations.id = declaration_agencies.declaration_id)"
    )
    with op.batch_alter_table('declaration_agencies', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=UTC_TIME, nullable=False)
    # Each index leads with the key the statistics group by, then the creation time:
    # SQLite reads them by skip-scan, key by key, in order (no sort of the rows), and
    # PostgreSQL reads them whole, without the rows. The (status, created_at) index
    # becomes the start of the wider one.
    op.create_index(
        'ix_declaration_agencies_stats', 'declaration_agencies', ['agency', 'status', 'created_at']
    )
    op.drop_index('ix_declarations_status_created', table_name='declarations')
    op.create_index(
        'ix_declarations_stats',
        'declarations',
        ['status', 'created_at', 'finalized_at', 'dutiable_value', 'tax_total'],
    )
    op.create_index(
        'ix_declaration_lines_chapter_stats',
        'declaration_lines',
        ['hs_chapter', 'created_at', 'total_price'],
    )
    op.create_index(
        'ix_declaration_lines_country_stats',
        'declaration_lines',
        ['country', 'created_at', 'total_price'],
    )


def downgrade() -> None:
    op.drop_index('ix_declaration_lines_country_stats', table_name='declaration_lines')
    op.drop_index('ix_declaration_lines_chapter_stats', table_name='declaration_lines')
    op.drop_index('ix_declarations_stats', table_name='declarations')
    op.create_index('ix_declarations_status_created', 'declarations', ['status', 'created_at'])
    op.drop_index('ix_declaration_agencies_stats', table_name='declaration_agencies')
    with op.batch_alter_table('declaration_agencies', schema=None) as batch_op:
        batch_op.drop_column('created_at')
