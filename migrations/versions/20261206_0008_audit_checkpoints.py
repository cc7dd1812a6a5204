"""Signed checkpoints of the audit trail's head, and a first state hash for every filing
and API key.

From here on each entry that changes a filing or a key carries the hash of the row as
the change left it, and verification compares each row with its newest such entry. The
rows that exist at the upgrade have none yet: each gets one entry now (``filing.recorded``,
``key.recorded``) holding the hash of the row as found, appended to the chain by the
documented formula (``app.store.audit``), so that verification has something to compare
them with. Declarations need none: their entries already name their status.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
GENESIS = "0" * 64
APPEND_LOCK = 0x73772D6175646974


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_checkpoints_seq", "audit_checkpoints", ["seq"])
    if op.get_bind().dialect.name == "postgresql":
        # Checkpoints are kept as signed: no statement may change or remove one.
        op.execute(
            """
            CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql
            AS $$
            BEGIN
                RAISE EXCEPTION 'audit_checkpoints is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON "
            "audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only()"
        )
    _record_existing_rows()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _state_sha256(state: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(state).encode()).hexdigest()


def _record_existing_rows() -> None:
    """One entry per filing and key as it stands (the states exactly as
    ``audit.filing_state`` and ``audit.key_state`` make them)."""
    connection = op.get_bind()
    entries: list[tuple[str, str, str, dict[str, Any]]] = []
    for row in connection.execute(
        sa.text(
            "SELECT customs_code, uscc, name, roles, contact_name, telephone, status,"
            " status_reason, credit_grade FROM enterprises ORDER BY id"
        )
    ):
        state = {
            "customsCode": row.customs_code,
            "uscc": row.uscc,
            "name": row.name,
            "roles": row.roles.split(),
            "contactName": row.contact_name,
            "telephone": row.telephone,
            "status": row.status,
            "statusReason": row.status_reason,
            "creditGrade": row.credit_grade,
        }
        entries.append(
            (
                "filing.recorded",
                "enterprise",
                row.customs_code,
                {
                    "status": row.status,
                    "creditGrade": row.credit_grade,
                    "stateSha256": _state_sha256(state),
                },
            )
        )
    for row in connection.execute(
        sa.text(
            "SELECT id, prefix, key_hash, kind, agency, customs_code, label, created_by,"
            " revoked_at FROM api_keys ORDER BY created_at, id"
        )
    ):
        state = {
            "id": row.id,
            "keyHash": row.key_hash,
            "kind": row.kind,
            "agency": row.agency,
            "customsCode": row.customs_code,
            "label": row.label,
            "createdBy": row.created_by,
            "revoked": row.revoked_at is not None,
        }
        public = {k: state[k] for k in ("id", "kind", "agency", "customsCode", "label")}
        entries.append(
            (
                "key.recorded",
                "key",
                row.id,
                public
                | {
                    "prefix": row.prefix,
                    "revoked": state["revoked"],
                    "stateSha256": _state_sha256(state),
                },
            )
        )
    if entries:
        _append(connection, entries)


def _append(connection: Any, entries: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    """Append to the chain exactly as ``app.store.audit.append`` does."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})
    head = connection.execute(
        sa.text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    ).first()
    seq, prev_hash = (head[0], head[1]) if head is not None else (0, GENESIS)
    now = datetime.now(UTC)
    occurred = now.isoformat(timespec="microseconds")
    log = sa.table(
        "audit_log",
        sa.column("seq", sa.BigInteger()),
        sa.column("occurred_at", UTC_TIME),
        sa.column("kind", sa.String()),
        sa.column("subject_type", sa.String()),
        sa.column("subject_id", sa.String()),
        sa.column("actor", sa.String()),
        sa.column("data", sa.Text()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    rows = []
    for kind, subject_type, subject_id, data in entries:
        seq += 1
        text = _canonical(data)
        content = _canonical(
            {
                "seq": seq,
                "occurredAt": occurred,
                "kind": kind,
                "subjectType": subject_type,
                "subjectId": subject_id,
                "actor": "system",
                "data": text,
            }
        )
        digest = hashlib.sha256((prev_hash + content).encode()).hexdigest()
        rows.append(
            {
                "seq": seq,
                # SQLite keeps UTC times without a zone, as the app's column type does.
                "occurred_at": now if postgres else now.replace(tzinfo=None),
                "kind": kind,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "actor": "system",
                "data": text,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    op.bulk_insert(log, rows)


def downgrade() -> None:
    # The entries recorded at the upgrade stay: the trail is append-only.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_truncate ON audit_checkpoints")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_change ON audit_checkpoints")
        op.execute("DROP FUNCTION IF EXISTS audit_checkpoints_append_only()")
    op.drop_index("ix_audit_checkpoints_seq", table_name="audit_checkpoints")
    op.drop_table("audit_checkpoints")
