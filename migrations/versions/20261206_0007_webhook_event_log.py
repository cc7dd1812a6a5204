"""Webhook pushes read one event log through a cursor per endpoint, instead of an outbox
message per endpoint per status change; each attempt is kept for the endpoint's owner to
see, and each endpoint's health is on its row.

Pushes still waiting in the outbox become events for their endpoint alone, in the order
they were queued, so that nothing queued before the upgrade is lost.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:00:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cursor", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("parked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("last_success_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("last_failure_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("last_failure_reason", sa.Text()))
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("parties", JSON_DOCUMENT, nullable=False),
        sa.Column("endpoint_id", sa.String(length=36), nullable=True),
        sa.Column("payload", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_events_created_at", "webhook_events", ["created_at"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("endpoint_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("redelivery", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_deliveries_endpoint", "webhook_deliveries", ["endpoint_id", "id"])
    op.create_index("ix_webhook_deliveries_attempted_at", "webhook_deliveries", ["attempted_at"])
    _carry_over_queued_pushes()


def _carry_over_queued_pushes() -> None:
    connection = op.get_bind()
    queued = connection.execute(
        sa.text(
            "SELECT destination, kind, payload, created_at FROM outbox_messages"
            " WHERE destination LIKE 'webhook:%' AND status = 'pending' ORDER BY id"
        )
    ).all()
    events = sa.table(
        "webhook_events",
        sa.column("type", sa.String()),
        sa.column("parties", JSON_DOCUMENT),
        sa.column("endpoint_id", sa.String()),
        sa.column("payload", JSON_DOCUMENT),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = []
    for destination, kind, payload, created_at in queued:
        if payload is None:
            continue
        if isinstance(payload, str):
            payload = json.loads(payload)
        if isinstance(created_at, str):
            created_at = datetime.fromisoformat(created_at)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        rows.append(
            {
                "type": kind,
                "parties": [],
                "endpoint_id": destination.removeprefix("webhook:"),
                "payload": payload,
                "created_at": created_at,
            }
        )
    if rows:
        op.bulk_insert(events, rows)
    connection.execute(sa.text("DELETE FROM outbox_messages WHERE destination LIKE 'webhook:%'"))


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_attempted_at", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_endpoint", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhook_events_created_at", table_name="webhook_events")
    op.drop_table("webhook_events")
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        for column in (
            "last_failure_reason",
            "last_failure_at",
            "last_success_at",
            "lease_until",
            "next_attempt_at",
            "parked",
            "consecutive_failures",
            "cursor",
        ):
            batch_op.drop_column(column)
