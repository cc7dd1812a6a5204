"""The dispatcher against an agency stand-in (an httpx transport): batches, refusals,
retries. The real agencies over real HTTP are in tests/integration."""

import asyncio
import json

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.agencies.client import HttpAgency
from app.dispatch.dispatcher import Dispatcher
from tests.conftest import Declarations


class Agency:
    """Answers like an agency; refuses any batch that holds a poisoned declaration."""

    def __init__(self, poisoned: set[str], down: bool = False) -> None:
        self.poisoned = poisoned
        self.down = down
        self.batches: list[list[str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            return httpx.Response(503)
        if request.url.path == "/filings":
            codes = [f["customsCode"] for f in json.loads(request.content)["filings"]]
            numbers = [{"customsCode": c, "registrationNo": f"CUS{c}"} for c in codes]
            return httpx.Response(200, json={"registrations": numbers})
        ids = [d["declarationId"] for d in json.loads(request.content)["declarations"]]
        self.batches.append(ids)
        if self.poisoned & set(ids):
            return httpx.Response(422, json={"detail": "unreadable documents"})
        return httpx.Response(
            202, json={"results": [{"declarationId": i, "accepted": True} for i in ids]}
        )


@pytest.fixture
def accepted(filed_client: TestClient, declarations: Declarations) -> list[str]:
    ids = [
        filed_client.post("/v1/declarations", json=declarations.valid()).json()["id"]
        for _ in range(3)
    ]
    return ids


def dispatch_once(client: TestClient, agency: Agency) -> None:
    app = client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]

    async def run() -> None:
        async with (
            httpx.AsyncClient(
                base_url="http://customs.test", transport=httpx.MockTransport(agency)
            ) as http,
            httpx.AsyncClient() as webhooks,
        ):
            dispatcher = Dispatcher(
                engine, settings, {"customs": HttpAgency("customs", http)}, webhooks
            )
            await dispatcher.deliver("customs")

    asyncio.run(run())


def statuses(client: TestClient) -> dict[str, str]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT subject_id, status FROM outbox_messages"
                " WHERE destination = 'customs' AND kind = 'declaration.submit'"
            )
        )
        return {subject: status for subject, status in rows}


def test_one_refused_declaration_does_not_sink_its_batch(
    filed_client: TestClient, accepted: list[str]
) -> None:
    agency = Agency(poisoned={accepted[1]})
    dispatch_once(filed_client, agency)
    assert agency.batches[0] == accepted  # sent together first
    assert statuses(filed_client) == {
        accepted[0]: "delivered",
        accepted[1]: "dead",
        accepted[2]: "delivered",
    }
    parts = filed_client.get(f"/v1/declarations/{accepted[0]}").json()["agencies"]
    assert next(p for p in parts if p["agency"] == "customs")["status"] == "acknowledged"


def test_an_agency_that_is_down_is_retried_later(
    filed_client: TestClient, accepted: list[str]
) -> None:
    dispatch_once(filed_client, Agency(poisoned=set(), down=True))
    assert set(statuses(filed_client).values()) == {"pending"}
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        attempts, error = connection.execute(
            text(
                "SELECT max(attempts), max(last_error) FROM outbox_messages"
                " WHERE destination = 'customs'"
            )
        ).one()
    assert attempts == 1
    assert "503" in error
