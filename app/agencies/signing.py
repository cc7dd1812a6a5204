"""Signed callbacks, Standard Webhooks style: HMAC-SHA256 over ``id.timestamp.body``.

Headers: ``webhook-id`` (unique per message), ``webhook-timestamp`` (Unix seconds) and
``webhook-signature`` (``v1,<base64 signature>``; several may be listed, space-separated,
while a secret is rotated).

The agencies sign their receipts with a shared secret, its UTF-8 bytes the key: those they
call back with, and the one they answer when asked (``GET /declarations/{id}``, signed
with the same headers over the answer's body), which the single window checks before
applying it (``app.agencies.client.HttpAgency.fetch_receipt``). Status
pushes to webhook endpoints follow Standard Webhooks to the letter, so that a platform
can check them with any of its libraries: the secret is ``whsec_`` and the base64 of
random bytes, and the key is those bytes (``webhook_key``)."""

import base64
import binascii
import hashlib
import hmac
import time
import uuid

TOLERANCE_SECONDS = 5 * 60
WEBHOOK_SECRET_PREFIX = "whsec_"
# How many random bytes a webhook secret carries: the service makes 32, and takes up to
# 64 from a platform that brings its own (Standard Webhooks asks for 24 to 64; why not
# fewer than 32 here: see webhook_key).
WEBHOOK_KEY_BYTES = range(32, 65)


class SignatureError(Exception):
    """The callback is not signed by whom it claims, or not now."""


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """An agency's signature: the key is the secret's UTF-8 bytes."""
    return _sign(secret.encode(), message_id, timestamp, body)


def signed_headers(secret: str, body: bytes, message_id: str | None = None) -> dict[str, str]:
    """The headers of an agency's callback."""
    return _headers(secret.encode(), body, message_id)


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> str:
    """Check an agency callback's signature headers; answer the message id."""
    return _verify(secret.encode(), headers, body, now)


def webhook_headers(secret: str, body: bytes, message_id: str | None = None) -> dict[str, str]:
    """The headers of a status push to a webhook endpoint with this secret."""
    return _headers(webhook_key(secret), body, message_id)


def verify_webhook(
    secret: str, headers: dict[str, str], body: bytes, now: float | None = None
) -> str:
    """Check a status push's signature headers, as its endpoint would; answer its id."""
    return _verify(webhook_key(secret), headers, body, now)


def webhook_key(secret: str) -> bytes:
    """The HMAC key of a webhook endpoint's secret.

    A Standard Webhooks secret (``whsec_`` and the base64 of 32 to 64 bytes) signs with
    those bytes. Endpoints registered before pushes followed the standard may hold other
    secrets (``whsec_`` and 32 URL-safe characters made for them, or text the platform
    chose); their pushes were signed with the whole secret's UTF-8 bytes, the way their
    receivers check them, and still are. The secrets made then decode, when they decode
    at all, to 24 bytes: that is why the service neither makes nor takes secrets of fewer
    than 32 bytes, so that the two kinds never look alike."""
    key = standard_webhook_key(secret)
    return secret.encode() if key is None else key


def standard_webhook_key(secret: str) -> bytes | None:
    """The key of a Standard Webhooks secret the service makes or takes, else None."""
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        return None
    encoded = secret.removeprefix(WEBHOOK_SECRET_PREFIX)
    try:
        # Standard Webhooks libraries take the base64 with or without its padding.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        return None
    return key if len(key) in WEBHOOK_KEY_BYTES else None


def _sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _headers(key: bytes, body: bytes, message_id: str | None) -> dict[str, str]:
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": _sign(key, message_id, timestamp, body),
        "content-type": "application/json",
    }


def _verify(key: bytes, headers: dict[str, str], body: bytes, now: float | None) -> str:
    message_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not message_id or not stamp or not signatures:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("webhook-timestamp is not a Unix time") from None
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("webhook-timestamp is more than 5 minutes away from now")
    expected = _sign(key, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in signatures.split()):
        raise SignatureError("no signature matches")
    return message_id
