"""Initial schema: enterprise filings, declarations, agency results, events, refusals,
waybills, buyer quotas, the outbox and idempotency keys.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 14:18:19.868464
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('buyer_quotas',
    sa.Column('buyer_id_number', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('used', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('buyer_id_number', 'year')
    )
    op.create_table('declarations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('ebp_code', sa.String(length=18), nullable=False),
    sa.Column('ebc_code', sa.String(length=18), nullable=False),
    sa.Column('pay_code', sa.String(length=18), nullable=False),
    sa.Column('logistics_code', sa.String(length=18), nullable=False),
    sa.Column('order_no', sa.String(length=60), nullable=False),
    sa.Column('logistics_no', sa.String(length=60), nullable=False),
    sa.Column('buyer_id_number', sa.String(length=60), nullable=False),
    sa.Column('trade_mode', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ceb_status', sa.Integer(), nullable=False),
    sa.Column('dutiable_value', sa.Numeric(precision=19, scale=5), nullable=False),
    sa.Column('quota_year', sa.Integer(), nullable=False),
    sa.Column('quota_charge', sa.BigInteger(), nullable=False),
    sa.Column('documents', JSON_DOCUMENT, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ebp_code', 'order_no', name='uq_declarations_ebp_order')
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index('ix_declarations_buyer', ['buyer_id_number'], unique=False)
        batch_op.create_index('ix_declarations_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_ebc_code'), ['ebc_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_logistics_code'), ['logistics_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_pay_code'), ['pay_code'], unique=False)
        batch_op.create_index('ix_declarations_status_created', ['status', 'created_at'], unique=False)

    op.create_table('enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customs_code', sa.String(length=10), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('roles', sa.String(length=64), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=False),
    sa.Column('telephone', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('credit_grade', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customs_code'),
    sa.UniqueConstraint('uscc')
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprises_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_status'), ['status'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('response_headers', JSON_DOCUMENT, nullable=True),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key')
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_expires_at'), ['expires_at'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destination', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_subject_id'), ['subject_id'], unique=False)

    op.create_table('refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ebp_code', sa.String(length=18), nullable=True),
    sa.Column('order_no', sa.String(length=60), nullable=True),
    sa.Column('violations', JSON_DOCUMENT, nullable=False),
    sa.Column('documents', JSON_DOCUMENT, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refusals_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_refusals_ebp_code'), ['ebp_code'], unique=False)

    op.create_table('waybills',
    sa.Column('logistics_code', sa.String(length=18), nullable=False),
    sa.Column('logistics_no', sa.String(length=60), nullable=False),
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('logistics_code', 'logistics_no')
    )
    op.create_table('declaration_agencies',
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('agency', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detail', JSON_DOCUMENT, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], ),
    sa.PrimaryKeyConstraint('declaration_id', 'agency')
    )
    op.create_table('declaration_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ceb_status', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=16), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('declaration_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_events_declaration_id'), ['declaration_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('declaration_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_events_declaration_id'))

    op.drop_table('declaration_events')
    op.drop_table('declaration_agencies')
    op.drop_table('waybills')
    with op.batch_alter_table('refusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refusals_ebp_code'))
        batch_op.drop_index(batch_op.f('ix_refusals_created_at'))

    op.drop_table('refusals')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_subject_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox_messages')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_expires_at'))

    op.drop_table('idempotency_keys')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprises_status'))
        batch_op.drop_index(batch_op.f('ix_enterprises_created_at'))

    op.drop_table('enterprises')
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_index('ix_declarations_status_created')
        batch_op.drop_index(batch_op.f('ix_declarations_pay_code'))
        batch_op.drop_index(batch_op.f('ix_declarations_logistics_code'))
        batch_op.drop_index(batch_op.f('ix_declarations_ebc_code'))
        batch_op.drop_index('ix_declarations_created')
        batch_op.drop_index('ix_declarations_buyer')

    op.drop_table('declarations')
    op.drop_table('buyer_quotas')

