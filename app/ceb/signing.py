"""XML-DSig on CEB messages: the enveloped ``ds:Signature`` the exchange uses (C14N
20010315, one ``Reference URI=""`` with the enveloped-signature transform, the signer's
certificate in ``KeyInfo/X509Data/X509Certificate``), verified and made.

RSA-SHA1 (older CEB keys) and RSA-SHA256 go through signxml. SM2 with SM3, which the
exchange names with its own URIs and signxml does not know, follows the same steps with
lxml's C14N and gmssl's SM2 and SM3 (the signature value: r‖s, 64 bytes; a DER
SEQUENCE of r and s is read too).

Every refusal is a ``SignatureError`` with a code that says what is wrong, in English
and Chinese. A signature that does not match the content is the exchange's error 1004;
here it is told apart: ``signature_mismatch`` (the content was changed after signing: its
digest differs) from ``signature_value_invalid`` (the signed part or the key differs)."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from gmssl import func as gmssl_func
from gmssl import sm3
from lxml import etree
from signxml import (  # type: ignore[attr-defined]
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.algorithms import CanonicalizationMethod, SignatureConstructionMethod
from signxml.exceptions import (
    InvalidCertificate,
    InvalidDigest,
    InvalidInput,
    InvalidSignature,
    SignXMLException,
)

from app.ceb.certificates import (
    Certificate,
    CertificateError,
    SigningIdentity,
    Sm2PrivateKey,
    gmssl_sm2,
    read_certificate,
    sm2_nonce,
)

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SM2_SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"

# Signature method → the digest methods it goes with.
DIGESTS = {RSA_SHA1: (SHA1, SHA256), RSA_SHA256: (SHA1, SHA256), SM2_SM3: (SM3,)}
_NAMES = {RSA_SHA1: "rsa-sha1", RSA_SHA256: "rsa-sha256", SM2_SM3: "sm2-sm3"}

_NS = {"ds": DS}
# Messages reach here already parsed safely by the intake; bytes given directly are
# parsed the same way: no entities, no DTD, no network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class SignatureError(ValueError):
    """Why a message's signature is refused: a stable code, both texts, and where."""

    def __init__(
        self, code: str, message: str, message_zh: str, element: etree._Element | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh
        self.element = etree.QName(element).localname if element is not None else "Signature"
        self.line: int | None = element.sourceline if element is not None else None


@dataclass(frozen=True, slots=True)
class RegisteredCertificate:
    """A certificate an enterprise registered, as verification needs it."""

    fingerprint: str
    revoked_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    algorithm: str  # the SignatureMethod URI
    certificate: Certificate
    certificate_id: int | None


def root_of(message: bytes | etree._Element) -> etree._Element:
    if isinstance(message, bytes):
        try:
            return etree.fromstring(message, _PARSER)
        except etree.XMLSyntaxError as error:
            raise _malformed(f"the message is not well-formed XML ({error})", None) from None
    return message.getroottree().getroot()


def is_signed(message: bytes | etree._Element) -> bool:
    return root_of(message).find("ds:Signature", _NS) is not None


def verify(
    message: bytes | etree._Element,
    registered: Sequence[RegisteredCertificate],
    *,
    sender: str | None,
    unsigned_accepted: bool = True,
    now: datetime | None = None,
) -> VerifiedSignature | None:
    """Check a message's enveloped signature against ``sender``'s registered
    certificates (``sender`` None: certificates trusted otherwise, e.g. given to the
    CLI). None when the message is unsigned and ``unsigned_accepted``;
    ``SignatureError`` when it cannot be trusted. The checks run in this order: the
    signature's form, its algorithms, its certificate (registered for the sender, not
    revoked, valid now), then the digest of the content and the signature value."""
    now = now or datetime.now(UTC)
    root = root_of(message)
    signatures = root.findall("ds:Signature", _NS)
    if not signatures:
        if unsigned_accepted:
            return None
        raise SignatureError(
            "signature_missing",
            f"The message is not signed, and enterprise {sender or ''} accepts only signed "
            "messages: sign it with a certificate registered for it.".replace("  ", " "),
            f"报文未加签，企业 {sender or ''} 只接受已加签的报文：请使用其已登记的证书加签。",
            root,
        )
    if len(signatures) > 1 or len(root.findall(".//ds:Signature", _NS)) > 1:
        raise _malformed("the message carries more than one ds:Signature", signatures[1])
    signature = signatures[0]
    form = _form_of(signature)
    certificate = _registered_certificate(form, registered, sender, now)
    if form.method == SM2_SM3:
        _verify_sm2(root, form, certificate)
    else:
        _verify_rsa(
            message if isinstance(message, bytes) else etree.tostring(root),
            form,
            certificate,
            now,
        )
    match = next(c for c in registered if c.fingerprint == certificate.fingerprint)
    return VerifiedSignature(form.method, certificate, match.id)


@dataclass(frozen=True, slots=True)
class _Form:
    signature: etree._Element
    signed_info: etree._Element
    method: str
    digest_method: str
    digest_value: etree._Element
    signature_value: bytes
    certificate: etree._Element


def _form_of(signature: etree._Element) -> _Form:
    def one(parent: etree._Element, path: str) -> etree._Element:
        found = parent.findall(path, _NS)
        if len(found) != 1:
            name = path.split("/")[-1]
            raise _malformed(f"{name} is {'missing' if not found else 'repeated'}", parent)
        return found[0]

    signed_info = one(signature, "ds:SignedInfo")
    c14n = one(signed_info, "ds:CanonicalizationMethod")
    method = one(signed_info, "ds:SignatureMethod").get("Algorithm", "")
    reference = one(signed_info, "ds:Reference")
    if reference.get("URI") != "":
        raise _malformed('the Reference must be URI="" (the whole message)', reference)
    transforms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", _NS)]
    if ENVELOPED not in transforms or any(t not in (ENVELOPED, C14N) for t in transforms):
        raise _malformed(
            "the Reference's transforms must be the enveloped-signature transform "
            "(and at most C14N 20010315)",
            reference,
        )
    digest_method = one(reference, "ds:DigestMethod").get("Algorithm", "")
    digest_value = one(reference, "ds:DigestValue")
    value_element = one(signature, "ds:SignatureValue")
    if c14n.get("Algorithm") != C14N:
        raise _unsupported(f"CanonicalizationMethod {c14n.get('Algorithm')}", c14n)
    if method not in DIGESTS:
        raise _unsupported(f"SignatureMethod {method}", signed_info)
    if digest_method not in DIGESTS[method]:
        raise _unsupported(f"DigestMethod {digest_method} with {_NAMES[method]}", reference)
    try:
        value = base64.b64decode("".join((value_element.text or "").split()), validate=True)
        base64.b64decode("".join((digest_value.text or "").split()), validate=True)
    except ValueError:
        raise _malformed("SignatureValue or DigestValue is not base64", value_element) from None
    certificates = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NS)
    if not certificates:
        raise _malformed(
            "KeyInfo/X509Data/X509Certificate is missing: the signer's certificate travels "
            "with the signature",
            signature,
        )
    return _Form(
        signature, signed_info, method, digest_method, digest_value, value, certificates[0]
    )


def _registered_certificate(
    form: _Form, registered: Sequence[RegisteredCertificate], sender: str | None, now: datetime
) -> Certificate:
    try:
        certificate = read_certificate(form.certificate.text or "")
    except CertificateError as error:
        raise _malformed(f"the certificate in KeyInfo: {error.message}", form.certificate) from None
    wanted = "sm2" if form.method == SM2_SM3 else "rsa"
    if certificate.algorithm != wanted:
        raise _malformed(
            f"SignatureMethod {_NAMES[form.method]} does not go with the certificate's "
            f"{certificate.algorithm.upper()} key",
            form.signed_info,
        )
    match = next((c for c in registered if c.fingerprint == certificate.fingerprint), None)
    if match is None:
        whose, whose_zh = (
            (
                f"registered for enterprise {sender}: register it with "
                f"POST /v1/enterprises/{sender}/certificates",
                f"登记为企业 {sender} 的证书，请先登记",
            )
            if sender
            else ("one of the trusted certificates", "受信任的证书")
        )
        raise SignatureError(
            "certificate_unknown",
            f"The certificate in KeyInfo (SHA-256 {certificate.fingerprint}, "
            f"{certificate.subject}) is not {whose}.",
            f"KeyInfo 中的证书（SHA-256 {certificate.fingerprint}）不是{whose_zh}。",
            form.certificate,
        )
    if match.revoked_at is not None:
        raise SignatureError(
            "certificate_revoked",
            f"The certificate in KeyInfo (SHA-256 {certificate.fingerprint}) was revoked on "
            f"{match.revoked_at:%Y-%m-%d %H:%M} UTC.",
            f"KeyInfo 中的证书（SHA-256 {certificate.fingerprint}）已于 "
            f"{match.revoked_at:%Y-%m-%d %H:%M}（UTC）注销。",
            form.certificate,
        )
    if now > certificate.not_after:
        raise SignatureError(
            "certificate_expired",
            f"The certificate in KeyInfo expired on {certificate.not_after:%Y-%m-%d %H:%M} UTC.",
            f"KeyInfo 中的证书已于 {certificate.not_after:%Y-%m-%d %H:%M}（UTC）过期。",
            form.certificate,
        )
    if now < certificate.not_before:
        raise SignatureError(
            "certificate_expired",
            "The certificate in KeyInfo is not valid until "
            f"{certificate.not_before:%Y-%m-%d %H:%M} UTC.",
            f"KeyInfo 中的证书自 {certificate.not_before:%Y-%m-%d %H:%M}（UTC）起才生效。",
            form.certificate,
        )
    return certificate


def _mismatch(element: etree._Element | None) -> SignatureError:
    return SignatureError(
        "signature_mismatch",
        "The message was changed after it was signed: the digest of its content no longer "
        "matches the signature's DigestValue (the CEB exchange's error 1004, signature "
        "verification failed).",
        "报文加签后被修改：报文内容的摘要与签名中的 DigestValue 不符（海关统一版系统 1004："
        "验签失败）。",
        element,
    )


def _value_invalid(element: etree._Element | None) -> SignatureError:
    return SignatureError(
        "signature_value_invalid",
        "The SignatureValue does not verify with the certificate's key: the SignedInfo was "
        "changed after signing, or another key signed it (the CEB exchange's error 1004, "
        "signature verification failed).",
        "SignatureValue 无法用证书公钥验证：SignedInfo 加签后被修改，或由其他私钥签名"
        "（海关统一版系统 1004：验签失败）。",
        element,
    )


def _malformed(why: str, element: etree._Element | None) -> SignatureError:
    return SignatureError(
        "signature_malformed",
        f"The signature is not in the CEB form: {why}.",
        f"签名不符合海关报文签名格式：{why}。",
        element,
    )


def _unsupported(what: str, element: etree._Element) -> SignatureError:
    return SignatureError(
        "signature_algorithm_unsupported",
        f"{what} is not supported: CEB signatures use C14N 20010315 with rsa-sha1, "
        "rsa-sha256, or sm2-sm3 with sm3.",
        f"不支持 {what}：海关报文签名使用 C14N 20010315，算法为 rsa-sha1、rsa-sha256 或 "
        "sm2-sm3（摘要 sm3）。",
        element,
    )


# --- RSA, through signxml -------------------------------------------------------------

_RSA_CONFIG = SignatureConfiguration(
    require_x509=True,
    expect_references=1,
    # The older CEB keys sign with SHA-1: accepted, on purpose.
    signature_methods=frozenset({SignatureMethod.RSA_SHA1, SignatureMethod.RSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA1, DigestAlgorithm.SHA256}),
    default_reference_c14n_method=CanonicalizationMethod.CANONICAL_XML_1_0,
)


def _verify_rsa(message: bytes, form: _Form, certificate: Certificate, now: datetime) -> None:
    config = replace(_RSA_CONFIG, verification_time=now)
    try:
        XMLVerifier().verify(message, x509_cert=certificate.parsed, expect_config=config)
    except InvalidDigest:
        raise _mismatch(form.digest_value) from None
    except InvalidCertificate as error:
        raise SignatureError(
            "certificate_expired",
            f"The certificate in KeyInfo is not valid now: {error}.",
            "KeyInfo 中的证书当前无效。",
        ) from None
    except InvalidSignature as error:
        if str(error).startswith("Signature verification failed"):
            raise _value_invalid(form.signature) from None
        raise _malformed(str(error), form.signature) from None
    except (InvalidInput, SignXMLException, ValueError) as error:
        raise _malformed(str(error), form.signature) from None


# --- SM2 with SM3, through lxml and gmssl ---------------------------------------------


def sm3_digest(data: bytes) -> bytes:
    """SM3 through OpenSSL (cryptography): the same digest as gmssl's, far faster on a
    whole message; gmssl's own SM3 where OpenSSL was built without it."""
    try:
        digest = hashes.Hash(hashes.SM3())
    except UnsupportedAlgorithm:
        return bytes.fromhex(sm3.sm3_hash(gmssl_func.bytes_to_list(data)))
    digest.update(data)
    return digest.finalize()


def _content_c14n(root: etree._Element) -> bytes:
    """The message as the enveloped-signature transform leaves it (its Signature taken
    out, the text after it kept), in C14N 20010315, on a copy."""
    copy = etree.fromstring(etree.tostring(root), _PARSER)
    for signature in copy.findall("ds:Signature", _NS):
        _remove_keeping_tail(signature)
    canonical: bytes = etree.tostring(copy, method="c14n", exclusive=False, with_comments=False)
    return canonical


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    if element.tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _verify_sm2(root: etree._Element, form: _Form, certificate: Certificate) -> None:
    assert certificate.sm2_key is not None
    stated = base64.b64decode("".join((form.digest_value.text or "").split()))
    if sm3_digest(_content_c14n(root)) != stated:
        raise _mismatch(form.digest_value)
    signed_info = etree.tostring(form.signed_info, method="c14n", exclusive=False)
    value = form.signature_value
    if len(value) == 64:
        crypt, text = gmssl_sm2("", certificate.sm2_key), value.hex()
    elif value[:1] == b"\x30":
        crypt, text = gmssl_sm2("", certificate.sm2_key, asn1=True), value.hex()
    else:
        raise _malformed("an SM2 SignatureValue is r‖s (64 bytes) or DER", form.signature)
    try:
        valid = crypt.verify_with_sm3(text, signed_info)
    except (ValueError, IndexError, TypeError):
        valid = False
    if not valid:
        raise _value_invalid(form.signature)


# --- signing ----------------------------------------------------------------------------


class _Signer(XMLSigner):
    """signxml's signer, which may also sign with SHA-1 when asked (tests, and senders
    that still hold an older key); the window itself signs with SHA-256 or SM3."""

    def check_deprecated_methods(self) -> None:
        return None


def sign(
    message: bytes | etree._Element, identity: SigningIdentity, *, algorithm: str | None = None
) -> bytes:
    """The message with an enveloped CEB signature by ``identity`` as its root's last
    child (after BaseTransfer, where the XSD puts it), replacing any signature it had.
    RSA keys sign with RSA-SHA256 unless ``algorithm`` says RSA_SHA1; SM2 keys with
    SM2-SM3."""
    root = etree.fromstring(etree.tostring(root_of(message)), _PARSER)
    for old in root.findall("ds:Signature", _NS):
        _remove_keeping_tail(old)
    if isinstance(identity.key, Sm2PrivateKey):
        if algorithm not in (None, SM2_SM3):
            raise ValueError(f"an SM2 key signs with {SM2_SM3}, not {algorithm}")
        _sign_sm2(root, identity.key, identity.certificate)
        signed = root
    else:
        method = algorithm or RSA_SHA256
        if method not in (RSA_SHA1, RSA_SHA256):
            raise ValueError(f"an RSA key signs with rsa-sha1 or rsa-sha256, not {method}")
        signed = _sign_rsa(root, identity.key, identity.certificate, method)
    written: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return written


def _sign_rsa(
    root: etree._Element, key: rsa.RSAPrivateKey, certificate: Certificate, method: str
) -> etree._Element:
    signer = _Signer(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod(method),
        digest_algorithm=DigestAlgorithm.SHA1 if method == RSA_SHA1 else DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    signed = signer.sign(
        root, key=key, cert=[certificate.parsed], exclude_c14n_transform_element=True
    )
    assert isinstance(signed, etree._Element)
    return signed


def _sign_sm2(root: etree._Element, key: Sm2PrivateKey, certificate: Certificate) -> None:
    digest = base64.b64encode(sm3_digest(_content_c14n(root))).decode()

    def ds(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{DS}}}{tag}", attributes)

    signature = etree.SubElement(root, f"{{{DS}}}Signature", nsmap={"ds": DS})
    signed_info = ds(signature, "SignedInfo")
    ds(signed_info, "CanonicalizationMethod", Algorithm=C14N)
    ds(signed_info, "SignatureMethod", Algorithm=SM2_SM3)
    reference = ds(signed_info, "Reference", URI="")
    ds(ds(reference, "Transforms"), "Transform", Algorithm=ENVELOPED)
    ds(reference, "DigestMethod", Algorithm=SM3)
    ds(reference, "DigestValue").text = digest
    value = ds(signature, "SignatureValue")
    ds(ds(ds(signature, "KeyInfo"), "X509Data"), "X509Certificate").text = certificate.base64
    canonical = etree.tostring(signed_info, method="c14n", exclusive=False)
    raw = key.signer().sign_with_sm3(canonical, sm2_nonce())
    value.text = base64.b64encode(bytes.fromhex(raw)).decode()
