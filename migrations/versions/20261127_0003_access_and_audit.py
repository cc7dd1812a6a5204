"""Access and oversight: API keys, the hash-chained audit trail (append-only on
PostgreSQL), declaration lines and refusal codes for statistics, tax totals, final times.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('agency', sa.String(length=16), nullable=True),
    sa.Column('customs_code', sa.String(length=10), nullable=True),
    sa.Column('label', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', UTC_TIME, nullable=False),
    sa.Column('revoked_at', UTC_TIME, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash'),
    )
    op.create_index('ix_api_keys_customs_code', 'api_keys', ['customs_code'])

    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', UTC_TIME, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    )
    op.create_index('ix_audit_log_subject_id', 'audit_log', ['subject_id'])

    op.create_table('declaration_lines',
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('gnum', sa.Integer(), nullable=False),
    sa.Column('hs_code', sa.String(length=10), nullable=False),
    sa.Column('hs_chapter', sa.String(length=2), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('total_price', sa.Numeric(precision=19, scale=5), nullable=False),
    sa.Column('created_at', UTC_TIME, nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id']),
    sa.PrimaryKeyConstraint('declaration_id', 'gnum'),
    )
    op.create_index('ix_declaration_lines_created', 'declaration_lines', ['created_at'])
    op.create_index('ix_declaration_lines_chapter', 'declaration_lines', ['hs_chapter', 'declaration_id'])
    op.create_index('ix_declaration_lines_country', 'declaration_lines', ['country', 'declaration_id'])

    op.create_table('refusal_codes',
    sa.Column('refusal_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('created_at', UTC_TIME, nullable=False),
    sa.ForeignKeyConstraint(['refusal_id'], ['refusals.id']),
    sa.PrimaryKeyConstraint('refusal_id', 'code'),
    )
    op.create_index('ix_refusal_codes_created', 'refusal_codes', ['created_at', 'code'])

    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_total', sa.Numeric(precision=19, scale=5), nullable=True))
        batch_op.add_column(sa.Column('finalized_at', UTC_TIME, nullable=True))

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_reason', sa.String(length=500), nullable=True))

    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=80), nullable=False, server_default='admin'))
        batch_op.create_index('ix_webhook_endpoints_owner', ['owner'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        # The trail is append-only: no statement may change or remove a row.
        op.execute(
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_endpoints_owner')
        batch_op.drop_column('owner')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_column('status_reason')
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_column('finalized_at')
        batch_op.drop_column('tax_total')
    op.drop_table('refusal_codes')
    op.drop_table('declaration_lines')
    op.drop_table('audit_log')
    op.drop_table('api_keys')
