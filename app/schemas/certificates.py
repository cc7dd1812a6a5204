"""The shapes of enterprises' signing certificates and signature policies."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints


class CertificateRegistration(BaseModel):
    """`{"certificate": "-----BEGIN CERTIFICATE-----..."}`: an X.509 certificate (RSA or
    SM2) the enterprise signs its CEB messages with, in PEM."""

    model_config = ConfigDict(extra="forbid")

    certificate: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class CertificatePublic(BaseModel):
    id: int
    customsCode: str
    fingerprint: str = Field(description="SHA-256 of the certificate's DER, lower-case hex.")
    algorithm: Literal["rsa", "sm2"]
    subject: str
    notBefore: datetime
    notAfter: datetime
    createdAt: datetime
    revokedAt: datetime | None
    certificate: str = Field(description="The certificate, PEM.")


class CertificatePage(BaseModel):
    items: list[CertificatePublic]
    unsignedAccepted: bool = Field(
        description="Whether the enterprise's unsigned CEB messages are accepted."
    )


class SignaturePolicyChange(BaseModel):
    """`{"unsignedAccepted": false}`: from now on, refuse the enterprise's unsigned CEB
    messages (`signature_missing`)."""

    model_config = ConfigDict(extra="forbid")

    unsignedAccepted: StrictBool


class SignaturePolicyPublic(BaseModel):
    customsCode: str
    unsignedAccepted: bool
    updatedAt: datetime
