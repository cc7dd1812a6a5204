"""Status pushes travel from the event log to a real HTTP endpoint: signed, retried."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from app.agencies.signing import verify_webhook
from tests.support.factories import Declarations, register_everywhere
from tests.support.receipts import clear_everything, receipt, send
from tests.support.service import ADMIN, LiveServer, ThreadedServer, free_port, quiet_settings


class PushReceiver:
    """A platform's webhook endpoint: records pushes, fails the first one."""

    def __init__(self) -> None:
        self.pushes: list[tuple[dict[str, str], bytes]] = []
        self.failures_left = 1
        self.lock = threading.Lock()
        self.app = FastAPI()
        self.app.add_api_route("/hooks", self.receive, methods=["POST"])

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.pushes.append((dict(request.headers), body))
            if self.failures_left:
                self.failures_left -= 1
                return Response(status_code=503)
        return Response(status_code=204)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not {what} after {timeout} s"
        time.sleep(0.02)


@pytest.fixture
def dispatching_server(sqlite_url: str) -> Iterator[LiveServer]:
    nowhere = f"http://127.0.0.1:{free_port()}"  # no agency listens: submissions just retry
    settings = quiet_settings(sqlite_url).model_copy(
        update={
            "dispatcher_enabled": True,
            "dispatch_idle_seconds": 0.02,
            "retry_base_seconds": 0.05,
            "retry_cap_seconds": 0.2,
            "webhook_retry_base_seconds": 0.05,
            "webhook_poll_seconds": 0.02,
            **{f"{agency}_url": nowhere for agency in ("customs", "inspection", "tax", "forex")},
        }
    )
    with LiveServer(settings) as server:
        yield server


def test_status_changes_are_pushed_signed_and_retried(
    dispatching_server: LiveServer, declarations: Declarations
) -> None:
    receiver = PushReceiver()
    with (
        ThreadedServer(receiver.app) as hooks,
        httpx.Client(base_url=dispatching_server.url, headers=ADMIN) as api,
    ):
        bodies = declarations.filings()
        for filing in bodies:
            assert api.post("/v1/enterprises", json=filing).status_code == 201
        register_everywhere(dispatching_server.engine, [b["customsCode"] for b in bodies])
        endpoint = api.post(
            "/v1/webhooks",
            json={
                "url": f"{hooks.url}/hooks",
                "events": ["declaration.status_changed"],
                "customsCode": bodies[0]["customsCode"],
            },
        ).json()
        declared = api.post("/v1/declarations", json=declarations.valid()).json()["id"]
        # The agencies hear of it once the dispatcher has derived it (its first event).
        wait_until(
            lambda: bool(api.get(f"/v1/declarations/{declared}/events").json()["items"]),
            "derived by the dispatcher",
        )
        send(api, "customs", receipt(declared, "customs", "acknowledged", 1))  # type: ignore[arg-type]
        clear_everything(api, declared)  # type: ignore[arg-type]

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            statuses = [json.loads(push)["data"]["status"] for _, push in receiver.pushes[1:]]
            if statuses[-1:] == ["cleared"]:
                break
            time.sleep(0.05)

    first_headers, first_body = receiver.pushes[0]
    retried_headers, retried_body = receiver.pushes[1]
    # The failed push came again, the same message under the same id.
    assert retried_headers["webhook-id"] == first_headers["webhook-id"]
    assert retried_body == first_body
    events: list[dict[str, Any]] = []
    for headers, body in receiver.pushes[1:]:
        verify_webhook(endpoint["secret"], headers, body)
        events.append(json.loads(body))
    assert [e["data"]["status"] for e in events] == ["in_review", "cleared"]
    assert all(e["type"] == "declaration.status_changed" for e in events)
    assert events[-1]["data"]["declarationId"] == declared
    assert events[-1]["data"]["cebStatus"] == 800
