"""Signed CEB messages: the enveloped XML-DSig of the exchange, with RSA-SHA1, RSA-SHA256
and SM2-SM3, verified against the sender's registered certificates, and refused with a
code that says what is wrong."""

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.ceb import certificates, signing
from app.ceb.certificates import SigningIdentity
from app.ceb.signing import RegisteredCertificate, SignatureError
from app.config import Settings
from tests.support.certificates import rsa_identity, rsa_key, sm2_identity

MESSAGE = """<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB311Message guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0"
                   xmlns:ceb="http://www.chinaport.gov.cn/ceb">
\t<ceb:Order>
\t\t<ceb:OrderHead>
\t\t\t<ceb:orderNo>WALK-0001</ceb:orderNo>
\t\t\t<ceb:ebpCode>1105960001</ceb:ebpCode>
\t\t\t<ceb:ebpName>北京云购跨境电商平台有限公司</ceb:ebpName>
\t\t\t<ceb:acturalPaid>151.65</ceb:acturalPaid>
\t\t\t<ceb:note></ceb:note>
\t\t</ceb:OrderHead>
\t</ceb:Order>
\t<ceb:BaseTransfer>
\t\t<ceb:copCode>1105960001</ceb:copCode>
\t\t<ceb:dxpMode>DXP</ceb:dxpMode>
\t</ceb:BaseTransfer>
</ceb:CEB311Message>
""".encode()

SENDER = "1105960001"

# Made with OpenSSL 3 (`openssl genpkey -algorithm SM2`, `openssl req -x509 -sm3`): an SM2
# key and certificate from another implementation than the one under test.
OPENSSL_SM2_KEY = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgasE9aKWRqzUDzjTY
A5PPWTU5Konezm5wcZP/FYtpm6+hRANCAARnQhuHLNGa9XQDeer25jS62X2fo1MC
gPeAcPLr/1U6QhqkBP6amsfp0mu7hKJPNUQNgmWB7wSUyAy/g28F0X8Y
-----END PRIVATE KEY-----
"""


def registered(identity: SigningIdentity, **options: datetime) -> list[RegisteredCertificate]:
    return [RegisteredCertificate(identity.certificate.fingerprint, id=1, **options)]


def refusal(
    message: bytes, trusted: list[RegisteredCertificate], *, unsigned_accepted: bool = True
) -> str:
    with pytest.raises(SignatureError) as refused:
        signing.verify(message, trusted, sender=SENDER, unsigned_accepted=unsigned_accepted)
    assert refused.value.message
    assert refused.value.message_zh
    return refused.value.code


IDENTITIES = {
    "rsa-sha1": (rsa_identity, signing.RSA_SHA1),
    "rsa-sha256": (rsa_identity, signing.RSA_SHA256),
    "sm2-sm3": (sm2_identity, signing.SM2_SM3),
}


@pytest.fixture(params=sorted(IDENTITIES))
def signer(request: pytest.FixtureRequest) -> tuple[SigningIdentity, str]:
    make, algorithm = IDENTITIES[request.param]
    return make(), algorithm


def test_a_signed_message_verifies_with_its_registered_certificate(
    signer: tuple[SigningIdentity, str],
) -> None:
    identity, algorithm = signer
    signed = signing.sign(MESSAGE, identity, algorithm=algorithm)
    assert len(re.findall(rb"<ds:Signature[ >]", signed)) == 1  # enveloped, last
    assert signed.endswith(b"</ds:Signature></ceb:CEB311Message>")
    assert f'SignatureMethod Algorithm="{algorithm}"'.encode() in signed
    assert b'<ds:Reference URI="">' in signed
    assert signing.C14N.encode() in signed
    verified = signing.verify(signed, registered(identity), sender=SENDER)
    assert verified is not None
    assert verified.algorithm == algorithm
    assert verified.certificate.fingerprint == identity.certificate.fingerprint
    assert verified.certificate_id == 1
    # Signed twice: the new signature replaces the old one.
    again = signing.sign(signed, identity, algorithm=algorithm)
    assert len(re.findall(rb"<ds:Signature[ >]", again)) == 1
    assert signing.verify(again, registered(identity), sender=SENDER) is not None


def test_content_changed_after_signing_is_the_exchanges_1004(
    signer: tuple[SigningIdentity, str],
) -> None:
    identity, algorithm = signer
    signed = signing.sign(MESSAGE, identity, algorithm=algorithm)
    altered = signed.replace(b"151.65", b"15.65")
    with pytest.raises(SignatureError) as refused:
        signing.verify(altered, registered(identity), sender=SENDER)
    assert refused.value.code == "signature_mismatch"
    assert "1004" in refused.value.message
    assert "1004" in refused.value.message_zh
    assert "changed after it was signed" in refused.value.message
    assert refused.value.element == "DigestValue"


def test_a_signature_value_that_does_not_verify_is_told_apart(
    signer: tuple[SigningIdentity, str],
) -> None:
    identity, algorithm = signer
    signed = signing.sign(MESSAGE, identity, algorithm=algorithm)
    found = re.search(rb"<ds:SignatureValue>(.*?)</ds:SignatureValue>", signed, re.DOTALL)
    assert found is not None
    value = bytearray(base64.b64decode(b"".join(found.group(1).split())))
    value[7] ^= 0x01
    broken = signed.replace(found.group(1), base64.b64encode(bytes(value)))
    assert refusal(broken, registered(identity)) == "signature_value_invalid"


def test_a_certificate_not_registered_for_the_sender_is_refused() -> None:
    identity, stranger = rsa_identity(), rsa_identity()
    signed = signing.sign(MESSAGE, identity)
    assert refusal(signed, []) == "certificate_unknown"
    assert refusal(signed, registered(stranger)) == "certificate_unknown"


def test_a_revoked_certificate_is_refused() -> None:
    identity = sm2_identity()
    signed = signing.sign(MESSAGE, identity)
    revoked = registered(identity, revoked_at=datetime.now(UTC) - timedelta(minutes=1))
    assert refusal(signed, revoked) == "certificate_revoked"


def test_an_expired_certificate_is_refused() -> None:
    for make in (rsa_identity, sm2_identity):
        identity = make(valid_from=timedelta(days=-30), valid_for=timedelta(days=10))
        signed = signing.sign(MESSAGE, identity)
        assert refusal(signed, registered(identity)) == "certificate_expired"
        # Valid at the time it is checked for: accepted.
        then = datetime.now(UTC) - timedelta(days=25)
        assert signing.verify(signed, registered(identity), sender=SENDER, now=then)


def test_unsigned_messages_follow_the_senders_policy() -> None:
    assert signing.verify(MESSAGE, [], sender=SENDER) is None
    assert refusal(MESSAGE, [], unsigned_accepted=False) == "signature_missing"


def test_unknown_algorithms_and_other_forms_are_refused_precisely() -> None:
    identity = rsa_identity()
    signed = signing.sign(MESSAGE, identity)
    trusted = registered(identity)
    ecdsa = signed.replace(
        signing.RSA_SHA256.encode(), b"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    )
    assert refusal(ecdsa, trusted) == "signature_algorithm_unsupported"
    exclusive = signed.replace(signing.C14N.encode(), b"http://www.w3.org/2001/10/xml-exc-c14n#", 1)
    assert refusal(exclusive, trusted) == "signature_algorithm_unsupported"
    part = signed.replace(b'<ds:Reference URI="">', b'<ds:Reference URI="#order">')
    assert refusal(part, trusted) == "signature_malformed"
    no_certificate = re.sub(rb"<ds:KeyInfo>.*</ds:KeyInfo>", b"", signed, flags=re.DOTALL)
    assert refusal(no_certificate, trusted) == "signature_malformed"
    # An SM2 method over an RSA certificate (as the official samples have it).
    relabelled = signed.replace(signing.RSA_SHA256.encode(), signing.SM2_SM3.encode()).replace(
        b"http://www.w3.org/2001/04/xmlenc#sha256", signing.SM3.encode()
    )
    assert refusal(relabelled, trusted) == "signature_malformed"


def test_sm2_keys_and_certificates_from_openssl_are_understood() -> None:
    key = certificates.read_private_key(OPENSSL_SM2_KEY)
    assert isinstance(key, certificates.Sm2PrivateKey)
    now = datetime.now(UTC).replace(microsecond=0)
    ours = certificates.self_signed_certificate(
        key, "OpenSSL key", not_before=now - timedelta(days=1), not_after=now + timedelta(days=9)
    )
    assert ours.algorithm == "sm2"
    assert ours.sm2_key == key.public
    assert certificates.read_private_key(certificates.private_key_pem(key)) == key
    reread = certificates.read_certificate(ours.pem)
    assert (reread.fingerprint, reread.subject) == (ours.fingerprint, "CN=OpenSSL key")
    identity = SigningIdentity(key, ours)
    signed = signing.sign(MESSAGE, identity)
    assert signing.verify(signed, registered(identity), sender=SENDER) is not None


def test_certificates_that_cannot_be_used_say_why() -> None:
    codes = {}
    for name, given in {
        "garbage": "not a certificate",
        "key": certificates.private_key_pem(rsa_key()).decode(),
        "broken": "-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n",
    }.items():
        with pytest.raises(certificates.CertificateError) as refused:
            certificates.read_certificate(given)
        codes[name] = refused.value.code
    assert codes == {
        "garbage": "certificate_unreadable",
        "key": "certificate_not_x509",
        "broken": "certificate_unreadable",
    }


def test_the_development_identity_is_made_once_and_kept_beside_the_database(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/singlewindow.db")
    kept = tmp_path / ".singlewindow-ceb-identity.pem"
    assert settings.ceb_development_identity_file() == kept
    first = certificates.window_identity(settings)
    assert kept.stat().st_mode & 0o777 == 0o600
    certificates.development_identity.cache_clear()
    assert certificates.window_identity(settings).certificate == first.certificate
    signed = signing.sign(MESSAGE, first)
    trusted = [RegisteredCertificate(first.certificate.fingerprint)]
    assert signing.verify(signed, trusted, sender=None) is not None


def test_the_window_signs_with_the_key_it_is_given(tmp_path: Path) -> None:
    identity = sm2_identity()
    (tmp_path / "key.pem").write_bytes(certificates.private_key_pem(identity.key))
    (tmp_path / "cert.pem").write_text(identity.certificate.pem)
    settings = Settings(
        database_url="sqlite://",
        ceb_signing_key_file=tmp_path / "key.pem",
        ceb_certificate_file=tmp_path / "cert.pem",
    )
    window = certificates.window_identity(settings)
    assert window.certificate.fingerprint == identity.certificate.fingerprint
    assert b"sm2-sm3" in signing.sign(MESSAGE, window)


def test_production_needs_the_windows_key_and_certificate() -> None:
    with pytest.raises(ValueError, match="SW_CEB_SIGNING_KEY_FILE"):
        Settings(environment="production")
    with pytest.raises(ValueError, match="go together"):
        Settings(ceb_signing_key_file=Path("key.pem"))
