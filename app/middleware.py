"""ASGI middleware: a request id on every response and log line, and the body limit."""

import logging
import random
import re
import time
from collections.abc import Callable

import uuid_utils
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge
from app.problems import problem_response
from app.request_context import current_request_id, reset_request_id, set_request_id

access_log = logging.getLogger("app.access")

_INCOMING_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class RequestContextMiddleware:
    """Takes the caller's ``X-Request-ID`` when it is sane, else makes one; echoes it on
    the response; writes one access line per request.

    ``recycle_every``: about one response in that many says ``Connection: close``. The API
    runs as several processes on one port, and the kernel gives each new connection to
    whichever accepts it first, an idle process more likely than a busy one; a client
    that keeps a few connections alive for good may have found most of them on one
    process, which then has most of the load while another idles (measured: the first
    seconds at 1,400 declarations a second, until the client opened more). Closing now and
    then, as web servers do after a number of requests, lets connections move to the
    process with time to spare. 0: never."""

    def __init__(
        self,
        app: ASGIApp,
        recycle_every: int = 0,
        observe: Callable[[Scope, int, float], None] | None = None,
    ) -> None:
        self.app = app
        self.recycle = 1 / recycle_every if recycle_every else 0.0
        # Each request's time, as metrics count it (app.observability.metrics).
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid_utils.uuid4().hex
        token = set_request_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
                if self.recycle and random.random() < self.recycle:
                    message["headers"].append((b"connection", b"close"))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            access_log.info(
                "%s %s %d %.1fms", scope["method"], scope["path"], status, seconds * 1000
            )
            if self.observe is not None:
                self.observe(scope, status, seconds)
            reset_request_id(token)


class BodyLimitMiddleware:
    """Answers 413 to a body over the limit, whether or not it declares its length."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}  # path → its own limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        limit_kib = limit // 1024
        error = PayloadTooLarge(
            f"The body is larger than {limit_kib} KiB.",
            f"请求体超过 {limit_kib} KiB。",
            limitBytes=limit,
        )
        await problem_response(error)(scope, receive, send)
