"""The console's session: one cookie, encrypted and authenticated by the service.

A console user logs in with an API key once; each page then checks that key the way the
API checks it (``app.auth.Authenticator``: revoked keys and suspended enterprises stop at
once in this process, within the key cache's seconds in the others). So the cookie has to
carry the key, and carries it sealed with AES-GCM under a key derived from the service's
own secret: the browser holds it without being able to read or change it, and every API
process can open it, with no session table to share between replicas. It expires on its
own; logging out clears it.

The cookie also holds the session's CSRF token, which every form sends back in a hidden
field: a POST whose field does not match is refused. Before login the cookie holds only
such a token, for the login form itself."""

import base64
import binascii
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.responses import Response

from app.config import Settings

COOKIE = "sw_console"
COOKIE_PATH = "/console"
# A working day; then the key is asked for again.
SESSION_SECONDS = 8 * 3600
# Time to fill in the login form.
LOGIN_FORM_SECONDS = 3600
CSRF_FIELD = "csrf"
# Bound into every sealed cookie: a cookie sealed for another purpose or format opens as
# nothing here.
_CONTEXT = b"singlewindow console session v1"
_NONCE_BYTES = 12
# An API key is at most 200 characters; with the token and expiry, far below this.
_MAX_COOKIE = 1024


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    expires: int  # Unix seconds
    # The API key logged in with; None before login.
    key: str | None = None

    def csrf_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.csrf.encode())


def new_session(key: str | None, now: float | None = None) -> Session:
    """A fresh session, with a token of its own: logging in never keeps the token of the
    login form, so a token seen before login is worth nothing after it."""
    lifetime = SESSION_SECONDS if key is not None else LOGIN_FORM_SECONDS
    return Session(
        csrf=secrets.token_urlsafe(32),
        expires=int((time.time() if now is None else now) + lifetime),
        key=key,
    )


@lru_cache(maxsize=4)
def _cipher(secret: str) -> AESGCM:
    """The session key, derived from the service's secret for this one use (HKDF), so that
    the secret's other use cannot be mixed up with this one."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTEXT).derive(
        secret.encode()
    )
    return AESGCM(derived)


def session_secret(settings: Settings) -> str:
    """The secret the session key is derived from: ``SW_CONSOLE_SECRET``, or else the
    audit signing key, which production requires to be long and not the development
    one."""
    return settings.console_secret or settings.audit_signing_key


def seal(session: Session, secret: str) -> str:
    payload = json.dumps(
        {"c": session.csrf, "x": session.expires, "k": session.key}, separators=(",", ":")
    ).encode()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = nonce + _cipher(secret).encrypt(nonce, payload, _CONTEXT)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def open_sealed(value: str | None, secret: str, now: float | None = None) -> Session | None:
    """The session a cookie holds, or None: missing, altered, sealed under another secret,
    or expired."""
    if not value or len(value) > _MAX_COOKIE:
        return None
    try:
        sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        nonce, box = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        fields = json.loads(_cipher(secret).decrypt(nonce, box, _CONTEXT))
        session = Session(csrf=str(fields["c"]), expires=int(fields["x"]), key=fields["k"])
    except (binascii.Error, ValueError, InvalidTag, KeyError, TypeError):
        return None
    if session.expires <= (time.time() if now is None else now):
        return None
    if session.key is not None and not isinstance(session.key, str):
        return None
    return session


def set_cookie(response: Response, session: Session, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        seal(session, session_secret(settings)),
        max_age=max(0, session.expires - int(time.time())),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.environment != "development",
    )


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.environment != "development",
    )
