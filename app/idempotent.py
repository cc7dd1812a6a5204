"""The HTTP side of idempotency keys: fingerprint the request, replay stored answers."""

import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.errors import DomainError, HttpError
from app.problems import problem_response
from app.store import idempotency

HEADER = "Idempotency-Key"
_REPLAYED_HEADERS = ("content-type", "location")


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


def stored_answer(
    response: Response, redact: Callable[[bytes], bytes] | None = None
) -> idempotency.StoredAnswer:
    """What is kept of an answer to replay it: its status, body and the headers that
    matter to a retry."""
    stored_body = bytes(response.body)
    if redact is not None and response.status_code < 300:
        stored_body = redact(stored_body)
    return idempotency.StoredAnswer(
        status=response.status_code,
        body=stored_body.decode(),
        headers={k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS},
    )


async def run_idempotent(
    request: Request,
    body: bytes,
    handler: Callable[[], Awaitable[Response]],
    redact: Callable[[bytes], bytes] | None = None,
) -> Response:
    """Run ``handler`` once per (caller, key); replay its answer to retries. ``redact``
    removes what must not be kept (a new API key is shown once, never stored)."""
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
    await run_in_threadpool(
        idempotency.complete, engine, scope, key, stored_answer(response, redact)
    )
    return response
