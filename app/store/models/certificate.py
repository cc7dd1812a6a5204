from datetime import datetime

from sqlalchemy import Boolean, Column, String, Text
from sqlmodel import Field, SQLModel

from app.store.models.types import UTCDateTime, utcnow


class EnterpriseCertificate(SQLModel, table=True):
    """An X.509 certificate an enterprise signs its CEB messages with (RSA or SM2). The
    window trusts a signature whose certificate is registered here for its sender, by
    its SHA-256 fingerprint, and not revoked."""

    __tablename__ = "enterprise_certificates"

    id: int | None = Field(default=None, primary_key=True)
    customs_code: str = Field(max_length=10, index=True)
    pem: str = Field(sa_column=Column(Text, nullable=False))
    # SHA-256 of the DER, lower-case hex: one enterprise per certificate.
    fingerprint: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    algorithm: str = Field(max_length=8)
    subject: str = Field(max_length=500)
    not_before: datetime = Field(sa_type=UTCDateTime)
    not_after: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Revocation is final: a revoked certificate's signatures are refused from then on.
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SignaturePolicy(SQLModel, table=True):
    """Whether an enterprise's unsigned CEB messages are accepted. No row: they are."""

    __tablename__ = "enterprise_signature_policies"

    customs_code: str = Field(sa_column=Column(String(10), primary_key=True))
    unsigned_accepted: bool = Field(sa_column=Column(Boolean, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
