"""The HTTP side of idempotency keys: fingerprint the request, replay stored answers.

Some answers carry a secret shown once: a new API key, a webhook endpoint's signing
secret. What is stored to replay them never holds it, so that neither a replay nor the
idempotency table shows it again: a replay answers the same status and body with the
secret null, and says which fields it withheld in ``Idempotent-Redacted``."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.errors import DomainError, HttpError
from app.problems import problem_response
from app.store import idempotency

HEADER = "Idempotency-Key"
# On a replay: the JSON pointers of the fields that held a secret shown once.
REDACTED_HEADER = "Idempotent-Redacted"
_REPLAYED_HEADERS = ("content-type", "location", REDACTED_HEADER.lower())

# The routes whose successful answers carry a secret shown once, (method, path as the
# route declares it) → the JSON pointers of the secrets. tests/security/test_shown_once.py
# checks that each still names a route, and that no replay shows a secret.
SHOWN_ONCE: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/v1/enterprises"): ("/apiKey/key",),
    ("POST", "/v1/keys"): ("/key",),
    ("POST", "/v1/keys/{keyId}/rotate"): ("/key",),
    ("POST", "/v1/webhooks"): ("/secret",),
}


def caller_scope(request: Request) -> str:
    """Whose key this is: the authenticated caller's (anonymous callers share one)."""
    principal = getattr(request.state, "principal", None)
    return principal.scope if principal is not None else "anonymous"


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def key_claim(request: Request, body: bytes) -> idempotency.KeyClaim | Response | None:
    """The request's claim on its Idempotency-Key: ``None`` without one, a problem
    response when the key is not valid."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not key.isprintable():
        return problem_response(
            HttpError(
                400,
                "idempotency_key_invalid",
                "The Idempotency-Key header is not valid",
                "幂等键无效",
                "Use 1 to 255 printable characters, e.g. a UUID.",
            )
        )
    settings: Settings = request.app.state.settings
    policy = idempotency.KeyPolicy(
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        in_flight_timeout=timedelta(seconds=settings.idempotency_in_flight_seconds),
    )
    request_print = fingerprint(request.method, request.url.path, body)
    return idempotency.KeyClaim(caller_scope(request), key, request_print, policy)


def replayed(stored: idempotency.StoredAnswer) -> Response:
    return Response(
        stored.body,
        status_code=stored.status,
        headers={**stored.headers, "Idempotent-Replayed": "true"},
    )


def secret_fields(request: Request) -> tuple[str, ...]:
    """The JSON pointers of the secrets shown once in this route's answers."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return SHOWN_ONCE.get((request.method, path), ()) if isinstance(path, str) else ()


def withhold(body: bytes, pointers: tuple[str, ...]) -> bytes:
    """The body with the values at ``pointers`` set to null (those absent are left)."""
    answer = json.loads(body)
    for pointer in pointers:
        *parents, name = pointer.strip("/").split("/")
        holder = answer
        for parent in parents:
            holder = holder.get(parent) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and name in holder:
            holder[name] = None
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


def stored_answer(
    response: Response,
    redact: Callable[[bytes], bytes] | None = None,
    secrets: tuple[str, ...] = (),
) -> idempotency.StoredAnswer:
    """What is kept of an answer to replay it: its status, body and the headers that
    matter to a retry; never a secret shown once (``secrets``: where they are)."""
    stored_body = bytes(response.body)
    headers = {k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS}
    if response.status_code < 300:
        if redact is not None:
            stored_body = redact(stored_body)
        if secrets:
            stored_body = withhold(stored_body, secrets)
            headers[REDACTED_HEADER.lower()] = ", ".join(secrets)
    return idempotency.StoredAnswer(
        status=response.status_code, body=stored_body.decode(), headers=headers
    )


async def run_idempotent(
    request: Request,
    body: bytes,
    handler: Callable[[], Awaitable[Response]],
    redact: Callable[[bytes], bytes] | None = None,
) -> Response:
    """Run ``handler`` once per (caller, key); replay its answer to retries. What must not
    be kept is removed from the stored answer: the route's secrets shown once
    (``SHOWN_ONCE``), and whatever ``redact`` removes."""
    claim = key_claim(request, body)
    if claim is None:
        return await handler()
    if isinstance(claim, Response):
        return claim
    engine = request.app.state.engine
    scope, key = claim.scope, claim.key
    stored = await run_in_threadpool(
        idempotency.claim, engine, scope, key, claim.fingerprint, claim.policy
    )
    if stored is not None:
        return replayed(stored)
    try:
        response = await handler()
    except DomainError as error:
        response = problem_response(error)
    except BaseException:
        await run_in_threadpool(idempotency.release, engine, scope, key)
        raise
    if response.status_code >= 500:
        await run_in_threadpool(idempotency.release, engine, scope, key)
        return response
    answer = stored_answer(response, redact, secret_fields(request))
    await run_in_threadpool(idempotency.complete, engine, scope, key, answer)
    return response
