"""Signing identities for tests: RSA keys (cryptography) and SM2 keys (gmssl), each with
a self-signed certificate, valid now unless told otherwise."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import rsa

from app.ceb.certificates import (
    SigningIdentity,
    SigningKey,
    generate_sm2_key,
    self_signed_certificate,
)


@lru_cache
def rsa_key(n: int = 0) -> rsa.RSAPrivateKey:
    """A few RSA keys, made once per run (making one takes tens of milliseconds)."""
    del n
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def identity(
    key: SigningKey,
    name: str = "测试企业",
    *,
    valid_from: timedelta = timedelta(days=-1),
    valid_for: timedelta = timedelta(days=365),
) -> SigningIdentity:
    """A new certificate (a new serial, so a new fingerprint) for ``key``."""
    start = datetime.now(UTC).replace(microsecond=0) + valid_from
    certificate = self_signed_certificate(key, name, not_before=start, not_after=start + valid_for)
    return SigningIdentity(key, certificate)


def rsa_identity(
    *, valid_from: timedelta = timedelta(days=-1), valid_for: timedelta = timedelta(days=365)
) -> SigningIdentity:
    return identity(rsa_key(), valid_from=valid_from, valid_for=valid_for)


def sm2_identity(
    *, valid_from: timedelta = timedelta(days=-1), valid_for: timedelta = timedelta(days=365)
) -> SigningIdentity:
    return identity(generate_sm2_key(), valid_from=valid_from, valid_for=valid_for)
