from datetime import datetime

from sqlalchemy import BigInteger, Column, String, Text
from sqlmodel import Field, SQLModel

from app.store.models.types import UTCDateTime, utcnow


class ApiKey(SQLModel, table=True):
    """A caller's key. Only its SHA-256 is kept (keys are long and random, so a fast hash
    is enough); the prefix is shown so people can tell their keys apart."""

    __tablename__ = "api_keys"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    prefix: str = Field(max_length=16)
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    kind: str = Field(max_length=16)
    # The regulator's agency, for a regulator's key.
    agency: str | None = Field(default=None, max_length=16)
    # The filing, for an enterprise's key.
    customs_code: str | None = Field(default=None, max_length=10, index=True)
    label: str | None = Field(default=None, max_length=100)
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """One row of the tamper-evident trail. Each row's hash covers the previous row's hash
    and this row's canonical content, so changing any row breaks the chain from there.
    ``seq`` is gapless and in commit order: it is also the regulators' change feed."""

    __tablename__ = "audit_log"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=40)
    subject_type: str = Field(max_length=16)
    subject_id: str = Field(max_length=64, index=True)
    actor: str = Field(max_length=80)
    # Canonical JSON (sorted keys, no spaces, UTF-8): exactly the bytes that were hashed.
    data: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of the trail's head: "row ``seq`` has hash ``hash``", signed
    with HMAC-SHA256 under the server's audit key. Regulators fetch and keep them; a
    trail that no longer reaches a checkpoint's row, or holds another hash there, has
    lost or rewritten rows since."""

    __tablename__ = "audit_checkpoints"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Which signing key (a fingerprint of it, not the key): checkpoints signed before a
    # key was replaced are still compared with the trail, though no longer signed-checked.
    key_id: str = Field(max_length=16)
    signature: str = Field(max_length=64)
