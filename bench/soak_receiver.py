"""The soak's webhook endpoints, in a process of their own, so that taking about a
thousand pushes a second costs the load generator no CPU:

- ``POST /ok``: a healthy platform. It verifies each push with the official Standard
  Webhooks library, answers ``204`` and appends one JSON line per push to ``--record``:
  its ``webhook-id``, the declaration and status it reports, when the service made the
  event and when it arrived here, and whether its signature verified.
- ``POST /unavailable``: a platform that is down, answering ``503`` to everything.
- ``--hanging-port``: accepts connections and reads what is sent, and never answers.

``python -m bench.soak_receiver --port P --hanging-port Q --record pushes.jsonl`` (the
secret of ``/ok`` in ``SOAK_WEBHOOK_SECRET``); ``bench.soak`` starts it."""

import argparse
import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import IO, Any

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bench.load import run

SECRET_VARIABLE = "SOAK_WEBHOOK_SECRET"
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Endpoints:
    """A bare ASGI app: a framework would cost more CPU per push than the soak is worth."""

    def __init__(self, record: IO[str], secret: str) -> None:
        self.record = record
        self.webhook = Webhook(secret)

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path, method = scope["path"], scope["method"]
        if path == "/healthz":
            status = 200
        elif path == "/unavailable" and method == "POST":
            status = 503
        elif path == "/ok" and method == "POST":
            headers = {name.decode(): value.decode() for name, value in scope["headers"]}
            self.keep(headers, body)
            status = 204
        else:
            status = 404
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def keep(self, headers: dict[str, str], body: bytes) -> None:
        try:
            self.webhook.verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        payload = json.loads(body)
        data = payload.get("data") or {}
        line = {
            "id": headers.get("webhook-id"),
            "declarationId": data.get("declarationId"),
            "status": data.get("status"),
            "createdAt": payload.get("createdAt"),
            "at": time.time(),
            "verified": verified,
        }
        self.record.write(json.dumps(line) + "\n")


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read whatever comes until the caller gives up and closes; answer nothing."""
    try:
        while await reader.read(65536):
            pass
    except OSError:
        pass
    finally:
        writer.close()


async def serve(host: str, port: int, hanging_port: int, record: Path, secret: str) -> None:
    hanging = await asyncio.start_server(hang, host, hanging_port)
    # Line-buffered: the soak reads the pushes while they arrive.
    with record.open("a", buffering=1) as out:
        config = uvicorn.Config(
            Endpoints(out, secret),
            host=host,
            port=port,
            lifespan="off",
            access_log=False,
            log_level="warning",
        )
        await uvicorn.Server(config).serve()
    hanging.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak_receiver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hanging-port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True)
    arguments = parser.parse_args()
    secret = os.environ[SECRET_VARIABLE]
    run(serve(arguments.host, arguments.port, arguments.hanging_port, arguments.record, secret))


if __name__ == "__main__":
    main()
