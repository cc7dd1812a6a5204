"""Status pushes as they leave: signed exactly as Standard Webhooks specifies (the official
library verifies them), sent only where the rules allow at the moment of sending (a name
that now resolves inside is refused, DNS rebinding), and never following a redirect."""

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import standardwebhooks
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.config import Settings
from app.dispatch.pusher import Pusher
from app.dispatch.webhook_client import Resolver, resolve, webhook_client
from app.domain.clearance import ClearanceStatus
from app.main import create_app
from app.store import webhooks
from app.store.db import write_session
from app.store.models.types import utcnow
from tests.support.service import ADMIN, ThreadedServer

EVENTS = ["declaration.status_changed"]


class Receiver:
    """A platform's endpoint on this machine: records what reaches it, answers
    ``status`` (with ``headers``) on /hook."""

    def __init__(self, status: int = 204, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers or {}
        self.pushes: list[tuple[str, dict[str, str], bytes]] = []
        self.app = FastAPI()
        self.app.add_api_route("/{path:path}", self.receive, methods=["POST", "GET"])

    async def receive(self, request: Request, path: str) -> Response:
        self.pushes.append((path, dict(request.headers), await request.body()))
        return Response(status_code=self.status, headers=self.headers)


class FakeResolver:
    """Answers names as a DNS server under someone else's control might."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        return self.answers[host]


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, ThreadedServer]]:
    endpoint = Receiver()
    with ThreadedServer(endpoint.app) as server:
        yield endpoint, server


def service(settings: Settings, allowed: str) -> TestClient:
    return TestClient(
        create_app(settings.model_copy(update={"webhook_allowed_hosts": allowed})),
        headers=ADMIN,
    )


def register(client: TestClient, url: str, **more: Any) -> dict[str, Any]:
    answer = client.post("/v1/webhooks", json={"url": url, "events": EVENTS, **more})
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def announce_clearance(engine: Engine) -> None:
    """A declaration was cleared: an event every endpoint hears of."""
    change = webhooks.StatusChange(
        declaration_id="0193a1b2-0000-7000-8000-000000000001",
        ebp_code="3301964Z01",
        order_no="ORD00000001",
        parties=frozenset({"3301964Z01"}),
        previous_status=ClearanceStatus.IN_REVIEW,
        status=ClearanceStatus.CLEARED,
        ceb_status=800,
    )
    with write_session(engine) as session:
        webhooks.announce_changes(session, [change], utcnow())
        session.commit()


def push(client: TestClient, resolver: Resolver = resolve) -> None:
    """A turn of the pusher at every endpoint with events waiting, one after another,
    with the service's webhook client."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]

    async def run() -> None:
        async with webhook_client(settings, resolver) as http:
            pusher = Pusher(engine_of(client), settings, http)
            for target in webhooks.claim_due(engine_of(client), pusher.lease, 100):
                await pusher.serve(target)

    asyncio.run(run())


def outcome(client: TestClient, endpoint_id: str) -> tuple[str, int, str | None]:
    """The last attempt's outcome, the number of attempts, and the last one's error."""
    with engine_of(client).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT outcome, error FROM webhook_deliveries WHERE endpoint_id = :e ORDER BY id"
            ),
            {"e": endpoint_id},
        ).all()
    return rows[-1][0], len(rows), rows[-1][1]


def test_a_push_verifies_with_the_standard_webhooks_library(
    settings: Settings, receiver: tuple[Receiver, ThreadedServer]
) -> None:
    endpoint, server = receiver
    with service(settings, "127.0.0.1") as client:
        made = register(client, f"{server.url}/hook")
        brought = "whsec_" + base64.b64encode(secrets.token_bytes(64)).decode()
        own = register(client, f"{server.url}/own", secret=brought)
        announce_clearance(engine_of(client))
        push(client)
        assert outcome(client, made["id"])[0] == "delivered"
        assert outcome(client, own["id"])[0] == "delivered"

    (path, headers, body), (own_path, own_headers, own_body) = sorted(endpoint.pushes)
    assert (path, own_path) == ("hook", "own")
    event = standardwebhooks.Webhook(made["secret"]).verify(body, headers)
    assert event["type"] == "declaration.status_changed"
    assert event["data"]["status"] == "cleared"
    assert headers["webhook-signature"].startswith("v1,")
    assert standardwebhooks.Webhook(brought).verify(own_body, own_headers) == json.loads(own_body)
    # The check can fail: another endpoint's secret does not verify the push.
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(brought).verify(body, headers)


@pytest.mark.parametrize(
    "old_secret",
    [
        "whsec_" + "Ab-_" * 8,  # made by the service before (URL-safe characters)
        "whsec_" + "AbCd" * 8,  # made by the service before, which also reads as base64
        "a-secret-the-platform-chose",
    ],
)
def test_endpoints_with_secrets_from_before_are_signed_as_before(
    settings: Settings, receiver: tuple[Receiver, ThreadedServer], old_secret: str
) -> None:
    endpoint, server = receiver
    with service(settings, "127.0.0.1") as client:
        engine = engine_of(client)
        webhooks.register(engine, f"{server.url}/hook", EVENTS, old_secret, None)
        announce_clearance(engine)
        push(client)

    [(_, headers, body)] = endpoint.pushes
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(old_secret.encode(), signed, hashlib.sha256).digest())
    assert headers["webhook-signature"] == "v1," + expected.decode()


@pytest.mark.parametrize(
    "answer",
    [
        ["127.0.0.1"],
        ["169.254.169.254"],
        ["10.0.0.8"],
        ["::1"],
        ["::ffff:127.0.0.1"],
        # One forbidden address is enough: the connection could land on it.
        ["93.184.216.34", "127.0.0.1"],
    ],
)
def test_a_name_that_now_resolves_inside_is_not_pushed_to(
    settings: Settings, receiver: tuple[Receiver, ThreadedServer], answer: list[str]
) -> None:
    endpoint, server = receiver
    url = f"http://hooks.example.com:{server.port}/hook"
    # 127.0.0.1 is allowed by name; a name that resolves to it is not.
    with service(settings, "127.0.0.1") as client:
        registered = register(client, url)
        announce_clearance(engine_of(client))
        rebinding = FakeResolver({"hooks.example.com": answer})
        push(client, rebinding)
        status, attempts, error = outcome(client, registered["id"])

    assert endpoint.pushes == []
    assert rebinding.asked == [("hooks.example.com", server.port)]
    # A failed push like any other: it is tried again later, then given up on.
    assert (status, attempts) == ("failed", 1)
    assert error is not None
    assert "hooks.example.com" in error
    assert "resolves to" in error


def test_the_push_goes_to_the_address_that_was_checked(
    settings: Settings, receiver: tuple[Receiver, ThreadedServer]
) -> None:
    """The client connects to the resolver's answer it checked; it does not resolve the
    name again (which could answer otherwise). ``receiver.test`` exists only in the
    resolver of the test: the push arrives only if the connection used its answer."""
    endpoint, server = receiver
    with service(settings, "receiver.test") as client:
        registered = register(client, f"http://receiver.test:{server.port}/hook")
        announce_clearance(engine_of(client))
        pinned = FakeResolver({"receiver.test": ["127.0.0.1"]})
        push(client, pinned)
        assert outcome(client, registered["id"])[0] == "delivered"

    [(_, headers, _)] = endpoint.pushes
    assert headers["host"] == f"receiver.test:{server.port}"
    assert pinned.asked == [("receiver.test", server.port)]


def test_a_url_no_longer_allowed_is_not_pushed_to(
    settings: Settings, receiver: tuple[Receiver, ThreadedServer]
) -> None:
    """An endpoint stored while its host was allowed (or before the rules): the URL is
    checked again as each push goes out."""
    endpoint, server = receiver
    with service(settings, "") as client:
        stored = webhooks.register(engine_of(client), f"{server.url}/hook", EVENTS, None, None)
        announce_clearance(engine_of(client))
        push(client)
        status, _, error = outcome(client, stored.id)

    assert endpoint.pushes == []
    assert status == "refused"
    assert error is not None
    assert "127.0.0.1" in error


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_push_and_is_not_followed(settings: Settings, status: int) -> None:
    endpoint = Receiver(status, {"location": "/elsewhere"})
    with ThreadedServer(endpoint.app) as server, service(settings, "127.0.0.1") as client:
        registered = register(client, f"{server.url}/hook")
        announce_clearance(engine_of(client))
        push(client)
        state, _, error = outcome(client, registered["id"])

    assert [path for path, _, _ in endpoint.pushes] == ["hook"]
    assert state == "refused"
    assert error is not None
    assert f"HTTP {status}" in error
    assert "redirect" in error
