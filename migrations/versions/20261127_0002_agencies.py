"""Agencies: filing registrations, receipt sequence numbers, the tax assessment,
outbox payloads and per-destination claims, webhook endpoints.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:36:27.552466
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:

    op.create_table('webhook_endpoints',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('events', JSON_DOCUMENT, nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('customs_code', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_customs_code'), ['customs_code'], unique=False)

    op.create_table('enterprise_registrations',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=16), nullable=False),
    sa.Column('registration_no', sa.String(length=40), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], ),
    sa.PrimaryKeyConstraint('enterprise_id', 'agency')
    )
    with op.batch_alter_table('declaration_agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_declaration_agencies_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax', JSON_DOCUMENT, nullable=True))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', JSON_DOCUMENT, nullable=True))
        batch_op.alter_column('destination',
               existing_type=sa.VARCHAR(length=32),
               type_=sa.String(length=64),
               existing_nullable=False)
        batch_op.create_index('ix_outbox_destination_due', ['destination', 'status', 'next_attempt_at'], unique=False)


def downgrade() -> None:

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_destination_due')
        batch_op.alter_column('destination',
               existing_type=sa.String(length=64),
               type_=sa.VARCHAR(length=32),
               existing_nullable=False)
        batch_op.drop_column('payload')

    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_column('tax')

    with op.batch_alter_table('declaration_agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_agencies_updated_at'))
        batch_op.drop_column('sequence')

    op.drop_table('enterprise_registrations')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_customs_code'))

    op.drop_table('webhook_endpoints')

