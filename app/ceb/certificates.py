"""X.509 certificates and signing keys: the enterprises' (RSA, and SM2 since 2022) and the
window's own.

cryptography reads every certificate's structure, SM2 ones included, but holds no SM2
key: for those the public key point is taken from the certificate's
SubjectPublicKeyInfo with pycryptodomex's DER reader (already installed with gmssl), and
SM2 keys are kept as numbers that gmssl signs and verifies with. Nothing here checks a
certificate's issuer: a certificate is trusted because its enterprise registered it
(by its SHA-256 fingerprint), as the exchange trusts the certificates it issued."""

import base64
import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol, cast

from Cryptodome.Util.asn1 import (
    DerBitString,
    DerInteger,
    DerObject,
    DerObjectId,
    DerOctetString,
    DerSequence,
)
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from gmssl import sm2

KeyAlgorithm = Literal["rsa", "sm2"]

EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"
COMMON_NAME_OID = "2.5.4.3"
# The SM2 curve's order: private keys are numbers below it.
SM2_ORDER = int(sm2.default_ecc_table["n"], 16)

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)


class CertificateError(ValueError):
    """A certificate or key that cannot be used, with a stable code and both texts."""

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh


@dataclass(frozen=True, slots=True)
class Sm2PublicKey:
    """An SM2 public key: the point's x and y, 32 bytes each."""

    point: bytes

    @property
    def hex(self) -> str:
        return self.point.hex()


@dataclass(frozen=True, slots=True)
class Sm2PrivateKey:
    secret: int
    public: Sm2PublicKey

    def signer(self) -> sm2.CryptSM2:
        return gmssl_sm2(f"{self.secret:064x}", self.public)


SigningKey = rsa.RSAPrivateKey | Sm2PrivateKey


def gmssl_sm2(private_hex: str, public: Sm2PublicKey, *, asn1: bool = False) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_hex, public_key="", asn1=asn1)
    # Set after construction: gmssl strips a leading "04" with lstrip, which would also
    # eat the first digits of an x that starts with 0 or 4.
    crypt.public_key = public.hex
    return crypt


@dataclass(frozen=True, slots=True)
class Certificate:
    """A parsed X.509 certificate and the public key it holds."""

    parsed: x509.Certificate
    der: bytes
    fingerprint: str  # SHA-256 of the DER, lower-case hex
    algorithm: KeyAlgorithm
    subject: str
    not_before: datetime
    not_after: datetime
    rsa_key: rsa.RSAPublicKey | None = None
    sm2_key: Sm2PublicKey | None = None

    @property
    def pem(self) -> str:
        body = base64.encodebytes(self.der).decode().replace("\n", "")
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"

    @property
    def base64(self) -> str:
        """The DER in base64 on one line, as ``ds:X509Certificate`` carries it."""
        return base64.b64encode(self.der).decode()

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


def fingerprint_of(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def read_certificate(data: bytes | str) -> Certificate:
    """A certificate from PEM, DER, or the bare base64 of ``ds:X509Certificate``.
    CertificateError ``certificate_unreadable``, ``certificate_not_x509`` or
    ``certificate_key_unsupported`` when it cannot be used."""
    raw = data.encode() if isinstance(data, str) else data
    der = _certificate_der(raw)
    try:
        cert = x509.load_der_x509_certificate(der)
        not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
        subject = cert.subject.rfc4514_string()
    except ValueError as error:
        raise CertificateError(
            "certificate_unreadable",
            f"The certificate cannot be read as X.509: {error}.",
            "证书无法按 X.509 格式解析。",
        ) from None
    rsa_key: rsa.RSAPublicKey | None = None
    sm2_key: Sm2PublicKey | None = None
    try:
        public = cert.public_key()
    except (UnsupportedAlgorithm, ValueError):
        sm2_key = _sm2_public_key(cert.tbs_certificate_bytes)
    else:
        if not isinstance(public, rsa.RSAPublicKey):
            raise _unsupported_key()
        rsa_key = public
    return Certificate(
        parsed=cert,
        der=der,
        fingerprint=fingerprint_of(der),
        algorithm="rsa" if rsa_key is not None else "sm2",
        subject=subject,
        not_before=not_before,
        not_after=not_after,
        rsa_key=rsa_key,
        sm2_key=sm2_key,
    )


def _certificate_der(raw: bytes) -> bytes:
    if raw[:1] == b"\x30":
        return raw  # DER as is: stripping would eat a last byte that looks like a space
    stripped = raw.strip()
    if stripped.startswith(b"-----BEGIN"):
        blocks = _PEM_BLOCK.findall(stripped)
        if not blocks:
            raise _unreadable("the PEM armour is broken")
        kind, body = blocks[0]
        if kind not in (b"CERTIFICATE", b"X509 CERTIFICATE"):
            raise CertificateError(
                "certificate_not_x509",
                f"The PEM holds a {kind.decode().lower()}, not an X.509 certificate.",
                f"PEM 内容是 {kind.decode()}，不是 X.509 证书。",
            )
        if len(blocks) > 1:
            raise _unreadable("give one certificate at a time")
        stripped = body
    if stripped[:1] == b"\x30":
        return stripped
    try:
        der = base64.b64decode(b"".join(stripped.split()), validate=True)
    except ValueError:
        raise _unreadable("it is neither PEM nor base64") from None
    if der[:1] != b"\x30":
        raise CertificateError(
            "certificate_not_x509",
            "The data is not an X.509 certificate.",
            "内容不是 X.509 证书。",
        )
    return der


def _unreadable(why: str) -> CertificateError:
    return CertificateError(
        "certificate_unreadable", f"The certificate cannot be read: {why}.", "证书无法解析。"
    )


def _unsupported_key() -> CertificateError:
    return CertificateError(
        "certificate_key_unsupported",
        "The certificate's key is neither RSA nor SM2.",
        "证书公钥既不是 RSA 也不是 SM2。",
    )


def _sm2_public_key(tbs: bytes) -> Sm2PublicKey:
    """The SM2 point in a TBSCertificate's SubjectPublicKeyInfo (RFC 5280 §4.1): the
    seventh field, or the sixth when the optional version is left out."""
    try:
        fields = _fields(tbs)
        spki_at = 6 if isinstance(fields[0], bytes) and fields[0][:1] == b"\xa0" else 5
        spki = _fields(_field(fields, spki_at))
        algorithm = _fields(_field(spki, 0))
        kind = DerObjectId().decode(_field(algorithm, 0)).value
        curve = DerObjectId().decode(_field(algorithm, 1)).value if len(algorithm) > 1 else None
        point = DerBitString().decode(_field(spki, 1)).value
    except (ValueError, IndexError, TypeError, EOFError):
        raise _unreadable("its public key cannot be read") from None
    if kind != EC_PUBLIC_KEY_OID or curve != SM2_CURVE_OID:
        raise _unsupported_key()
    if len(point) != 65 or point[0] != 4:
        raise _unreadable("its SM2 point is not an uncompressed point")
    return Sm2PublicKey(point[1:])


# --- keys ---------------------------------------------------------------------------


def generate_sm2_key() -> Sm2PrivateKey:
    secret = secrets.randbelow(SM2_ORDER - 2) + 1
    return Sm2PrivateKey(secret, sm2_public_of(secret))


def sm2_public_of(secret: int) -> Sm2PublicKey:
    crypt = sm2.CryptSM2(private_key=f"{secret:064x}", public_key="")
    point = crypt._kg(secret, sm2.default_ecc_table["g"])
    return Sm2PublicKey(bytes.fromhex(point))


def read_private_key(pem: bytes) -> SigningKey:
    """An RSA key in any form cryptography reads (unencrypted), or an SM2 key in PKCS#8
    (``PRIVATE KEY``, as ``openssl genpkey -algorithm SM2`` writes it) or SEC1
    (``EC PRIVATE KEY``)."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except UnsupportedAlgorithm:
        return _read_sm2_private_key(pem)
    except (ValueError, TypeError) as error:
        raise CertificateError(
            "key_unreadable", f"The private key cannot be read: {error}.", "私钥无法解析。"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError(
            "key_unsupported",
            "The private key is neither RSA nor SM2.",
            "私钥既不是 RSA 也不是 SM2。",
        )
    return key


def _read_sm2_private_key(pem: bytes) -> Sm2PrivateKey:
    blocks = {kind: body for kind, body in _PEM_BLOCK.findall(pem)}
    try:
        if b"PRIVATE KEY" in blocks:
            pkcs8 = _fields(base64.b64decode(b"".join(blocks[b"PRIVATE KEY"].split())))
            algorithm = _fields(_field(pkcs8, 1))
            if DerObjectId().decode(_field(algorithm, 1)).value != SM2_CURVE_OID:
                raise ValueError("not SM2")
            sec1 = DerOctetString().decode(_field(pkcs8, 2)).payload
        else:
            sec1 = base64.b64decode(b"".join(blocks[b"EC PRIVATE KEY"].split()))
        secret = int.from_bytes(DerOctetString().decode(_field(_fields(sec1), 1)).payload)
    except (KeyError, ValueError, IndexError, TypeError, EOFError):
        raise CertificateError(
            "key_unreadable",
            "The private key is neither RSA nor SM2.",
            "私钥既不是 RSA 也不是 SM2。",
        ) from None
    return Sm2PrivateKey(secret, sm2_public_of(secret))


def private_key_pem(key: SigningKey) -> bytes:
    """The key in unencrypted PKCS#8 PEM (an SM2 key as OpenSSL writes one)."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    sec1 = _sequence(
        DerInteger(1),
        DerOctetString(key.secret.to_bytes(32)),
        DerObject(0x03, b"\x00\x04" + key.public.point, explicit=1),
    )
    pkcs8 = _sequence(DerInteger(0), _sm2_algorithm_identifier(), DerOctetString(sec1))
    return _pem("PRIVATE KEY", pkcs8)


def _sm2_algorithm_identifier() -> bytes:
    return _sequence(DerObjectId(EC_PUBLIC_KEY_OID), DerObjectId(SM2_CURVE_OID))


def _sequence(*parts: bytes | DerObject) -> bytes:
    """A DER SEQUENCE of its parts (raw bytes are taken as encoded already)."""
    encoded = [p if isinstance(p, bytes) else p.encode() for p in parts]
    return DerObject(0x10, b"".join(encoded), constructed=True).encode()


def _fields(der: bytes) -> list[bytes | int]:
    """The elements of a DER SEQUENCE: INTEGERs as ints, the others still encoded."""
    decoded = DerSequence().decode(der)
    return [cast(bytes | int, decoded[i]) for i in range(len(decoded))]


def _field(fields: list[bytes | int], index: int) -> bytes:
    found = fields[index]
    if not isinstance(found, bytes):
        raise ValueError(f"element {index} is not what a certificate or key holds there")
    return found


def _pem(kind: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----\n".encode()


def public_key_matches(key: SigningKey, certificate: Certificate) -> bool:
    if isinstance(key, rsa.RSAPrivateKey):
        return certificate.rsa_key is not None and (
            certificate.rsa_key.public_numbers() == key.public_key().public_numbers()
        )
    return certificate.sm2_key == key.public


# --- self-signed certificates ----------------------------------------------------------


def self_signed_certificate(
    key: SigningKey, common_name: str, *, not_before: datetime, not_after: datetime
) -> Certificate:
    """A self-signed certificate for ``key``: the window's development certificate, and
    enterprises' test certificates (SM2 ones built with the DER writer, which
    cryptography cannot do for SM2)."""
    if isinstance(key, rsa.RSAPrivateKey):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .sign(key, hashes.SHA256())
        )
        return read_certificate(cert.public_bytes(serialization.Encoding.DER))
    attribute = _sequence(DerObjectId(COMMON_NAME_OID), DerObject(0x0C, common_name.encode()))
    subject = _sequence(DerObject(0x11, attribute, constructed=True))  # a SET of one
    sm2_with_sm3 = _sequence(DerObjectId(SM2_WITH_SM3_OID))
    tbs = _sequence(
        DerObject(0x02, b"\x02", explicit=0),  # version 3
        DerInteger(secrets.randbits(63) + 1),
        sm2_with_sm3,
        subject,  # the issuer: self-signed
        _sequence(_x509_time(not_before), _x509_time(not_after)),
        subject,
        _sequence(_sm2_algorithm_identifier(), DerBitString(b"\x04" + key.public.point)),
    )
    signer = gmssl_sm2(f"{key.secret:064x}", key.public, asn1=True)
    signature = bytes.fromhex(signer.sign_with_sm3(tbs, sm2_nonce()))
    der = _sequence(tbs, sm2_with_sm3, DerBitString(signature))
    return read_certificate(der)


def _x509_time(moment: datetime) -> bytes:
    """UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5)."""
    moment = moment.astimezone(UTC)
    if moment.year < 2050:
        return DerObject(0x17, moment.strftime("%y%m%d%H%M%SZ").encode()).encode()
    return DerObject(0x18, moment.strftime("%Y%m%d%H%M%SZ").encode()).encode()


def sm2_nonce() -> str:
    """The per-signature random k, from the system's CSPRNG (gmssl's default draws it
    with ``random``, which is not fit for keys)."""
    return f"{secrets.randbelow(SM2_ORDER - 1) + 1:064x}"


# --- the window's own key and certificate ------------------------------------------------


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """A private key and its certificate: what signs a message."""

    key: SigningKey
    certificate: Certificate


def read_identity(key_pem: bytes, certificate_pem: bytes) -> SigningIdentity:
    key = read_private_key(key_pem)
    certificate = read_certificate(certificate_pem)
    if not public_key_matches(key, certificate):
        raise CertificateError(
            "key_certificate_mismatch",
            "The private key is not the key of the certificate.",
            "私钥与证书不匹配。",
        )
    return SigningIdentity(key, certificate)


class IdentitySettings(Protocol):
    """What ``window_identity`` reads of the settings (``app.config.Settings``)."""

    @property
    def ceb_signing_key_file(self) -> Path | None: ...
    @property
    def ceb_certificate_file(self) -> Path | None: ...
    def ceb_development_identity_file(self) -> Path: ...


def window_identity(settings: IdentitySettings) -> SigningIdentity:
    """The window's key and certificate, which sign the CEB messages it sends: the files
    SW_CEB_SIGNING_KEY_FILE and SW_CEB_CERTIFICATE_FILE, or (development only; production
    refuses to start without them) a key and self-signed certificate made on first use
    and kept in one file beside the database."""
    key_file, certificate_file = settings.ceb_signing_key_file, settings.ceb_certificate_file
    if key_file is not None and certificate_file is not None:
        return _identity_at(key_file, certificate_file)
    return _development_identity_at(settings.ceb_development_identity_file())


# By the paths as configured, so that a receipt signed per message does not resolve
# them again (a system call per component); resolved once, on the first use.
@lru_cache(maxsize=8)
def _identity_at(key_file: Path, certificate_file: Path) -> SigningIdentity:
    return _identity_from_files(key_file.resolve(), certificate_file.resolve())


@lru_cache(maxsize=8)
def _development_identity_at(path: Path) -> SigningIdentity:
    return development_identity(path.resolve())


@lru_cache(maxsize=8)
def _identity_from_files(key_file: Path, certificate_file: Path) -> SigningIdentity:
    return read_identity(key_file.read_bytes(), certificate_file.read_bytes())


DEVELOPMENT_VALIDITY = timedelta(days=3650)


@lru_cache(maxsize=8)
def development_identity(path: Path) -> SigningIdentity:
    """Made once, kept in ``path`` (mode 600: key then certificate, both PEM). Several
    processes starting together keep the first one written."""
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(UTC).replace(microsecond=0)
        certificate = self_signed_certificate(
            key,
            "Single Window (development)",
            not_before=now - timedelta(days=1),
            not_after=now + DEVELOPMENT_VALIDITY,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ceb-identity-")
        try:
            os.write(handle, private_key_pem(key) + certificate.pem.encode())
            os.close(handle)
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):  # another process made one meanwhile
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    text = path.read_bytes()
    split = text.index(b"-----BEGIN CERTIFICATE-----")
    return read_identity(text[:split], text[split:])
