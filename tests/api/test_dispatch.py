"""The dispatcher against an agency stand-in (an httpx transport): batches, refusals,
retries. The real agencies over real HTTP are in tests/integration."""

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.agencies.client import HttpAgency
from app.dispatch.dispatcher import Dispatcher
from app.store import outbox, receipts
from app.store.derived import SUBMIT_DECLARATION
from tests.support.factories import Declarations
from tests.support.service import settle

AGENCIES = ("customs", "inspection", "tax", "forex")


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
    # The worker's first step: their agency rows and outbox messages.
    assert settle(filed_client) == len(ids)
    return ids


def dispatch_once(client: TestClient, agency: Agency) -> None:
    app = client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]

    async def run() -> None:
        async with httpx.AsyncClient(
            base_url="http://customs.test", transport=httpx.MockTransport(agency)
        ) as http:
            dispatcher = Dispatcher(
                engine,
                settings,
                {"customs": HttpAgency("customs", http, settings.customs_secret)},
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


def test_a_round_claims_for_every_agency_at_once_and_records_their_answers_at_once(
    filed_client: TestClient, accepted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round's transactions do not grow with the number of agencies: one claims for all,
    one records every acknowledgement, even when one agency is down."""
    app = filed_client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]
    with engine.begin() as connection:  # the parties' filings are registered already
        connection.execute(
            text("UPDATE outbox_messages SET status = 'delivered' WHERE kind != :kind"),
            {"kind": SUBMIT_DECLARATION},
        )
    agencies = {name: Agency(poisoned=set(), down=name == "forex") for name in AGENCIES}
    transactions: list[str] = []

    def counted(module: Any) -> Any:
        write_session = module.write_session

        @contextmanager
        def counting(engine: Any) -> Iterator[Any]:
            transactions.append(module.__name__.rsplit(".", 1)[-1])
            with write_session(engine) as session:
                yield session

        return counting

    for module in (outbox, receipts):
        monkeypatch.setattr(module, "write_session", counted(module))

    async def run() -> int:
        clients = {
            name: httpx.AsyncClient(
                base_url=f"http://{name}.test", transport=httpx.MockTransport(a)
            )
            for name, a in agencies.items()
        }
        try:
            adapters = {
                name: HttpAgency(name, c, settings.agency_secret(name))
                for name, c in clients.items()
            }
            return await Dispatcher(engine, settings, adapters).tick()
        finally:
            for client in clients.values():
                await client.aclose()

    assert asyncio.run(run()) == 4 * len(accepted)
    assert sorted(transactions) == ["outbox", "outbox", "receipts"]  # claim, forex's retry
    assert {name: a.batches for name, a in agencies.items()} == {
        "customs": [accepted],
        "inspection": [accepted],
        "tax": [accepted],
        "forex": [],  # down: answered 503 without reading the batch
    }
    for declaration_id in accepted:
        parts = filed_client.get(f"/v1/declarations/{declaration_id}").json()["agencies"]
        assert {p["agency"]: p["status"] for p in parts} == {
            "customs": "acknowledged",
            "inspection": "acknowledged",
            "tax": "acknowledged",
            "forex": "pending",
        }
