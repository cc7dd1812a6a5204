"""What the console's browser tests share: the service with data in it, logging in, and
the screenshots (docs/console/<page>.png, with SW_SCREENSHOTS=1)."""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page
from sqlalchemy import update

from app import demo
from app.agencies.signing import signed_headers
from app.store import outbox
from app.store.models import OutboxMessage, WebhookEndpoint
from tests.support.factories import Declarations, register_everywhere
from tests.support.receipts import SECRETS, TAX, receipt
from tests.support.service import ADMIN, LiveServer, quiet_settings, settle

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
# A platform filed besides the demo parties: a party to none of the declarations.
STRANGER = demo.Filing("3301960099", "宁波另一家跨境电商平台有限公司", ("platform",))
# A filing no test logs in with, for the regulators' actions.
BYSTANDER = demo.Filing("3301960098", "义乌小商品跨境物流有限公司", ("logistics",))
PLATFORM = demo.DEMO_PARTIES.platform.customs_code
DECLARED = 8
CLEARED = 3


@dataclass
class ConsoleWorld:
    """The service with the demo parties filed, declarations in several states, a
    refusal, a dead letter and a parked webhook endpoint."""

    server: LiveServer
    keys: dict[str, str]  # customs code → the enterprise's key
    regulator_key: str  # customs'
    declaration_ids: list[str]
    order_nos: dict[str, str]  # declaration id → order number
    waybills: dict[str, str]  # declaration id → waybill number
    cleared: list[str] = field(default_factory=list)
    inspected: list[str] = field(default_factory=list)
    # The agency a message to which died.
    dead_letter_destination: str = ""
    # When the declarations were made (UTC): the day and month their figures fall in.
    declared_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def url(self) -> str:
        return self.server.url


def _send_receipts(client: httpx.Client, agency: str, *receipts: dict[str, Any]) -> None:
    body = json.dumps({"receipts": list(receipts)}).encode()
    answer = client.post(
        f"/v1/receipts/{agency}", content=body, headers=signed_headers(SECRETS[agency], body)
    )
    assert answer.is_success, answer.text
    assert answer.json()["unknown"] == [], answer.text


def _clear(client: httpx.Client, declaration_id: str) -> None:
    for agency, final, extra in (
        ("customs", "released", {}),
        ("inspection", "passed", {}),
        ("tax", "assessed", {"tax": TAX}),
        ("forex", "recorded", {}),
    ):
        _send_receipts(client, agency, receipt(declaration_id, agency, final, 2, **extra))


@contextmanager
def running_world(database: Path) -> Iterator[ConsoleWorld]:
    """The service on a copy of a migrated SQLite database, with its data."""
    declarations = Declarations(seed=21)
    with (
        LiveServer(quiet_settings(f"sqlite:///{database}")) as server,
        httpx.Client(base_url=server.url, headers=ADMIN, timeout=30) as admin,
    ):
        keys: dict[str, str] = {}
        filings = [
            *declarations.filings(),
            *(f.body(declarations.rng) for f in (STRANGER, BYSTANDER)),
        ]
        for body in filings:
            answer = admin.post("/v1/enterprises", json=body)
            assert answer.status_code == 201, answer.text
            keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
        register_everywhere(server.engine, list(keys))
        issued = admin.post("/v1/keys", json={"kind": "regulator", "agency": "customs"})
        assert issued.status_code == 201, issued.text
        platform = {"Authorization": f"Bearer {keys[PLATFORM]}"}
        ids: list[str] = []
        order_nos: dict[str, str] = {}
        waybills: dict[str, str] = {}
        for _ in range(DECLARED):
            body = declarations.valid()
            answer = admin.post("/v1/declarations", json=body, headers=platform)
            assert answer.status_code == 202, answer.text
            ids.append(answer.json()["id"])
            order_nos[ids[-1]] = body["order"]["orderNo"]
            waybills[ids[-1]] = body["logistics"]["logisticsNo"]
        # Refused at intake: the payment names another order.
        refused = declarations.valid()
        refused["payment"]["orderNo"] = "NOT-THE-ORDER"
        assert admin.post("/v1/declarations", json=refused, headers=platform).status_code == 422
        settle(server.engine)
        world = ConsoleWorld(server, keys, issued.json()["key"], ids, order_nos, waybills)
        for declaration_id in ids[:CLEARED]:
            _clear(admin, declaration_id)
            world.cleared.append(declaration_id)
        # Customs picks one for inspection (查验).
        inspected = ids[CLEARED]
        _send_receipts(admin, "customs", receipt(inspected, "customs", "inspection", 1))
        world.inspected.append(inspected)
        # An agency refused a message for good, and a webhook endpoint stopped answering.
        with server.engine.begin() as connection:
            first = connection.execute(
                OutboxMessage.__table__.select().order_by(OutboxMessage.__table__.c.id).limit(1)  # type: ignore[attr-defined]
            ).first()
        assert first is not None
        outbox.mark_dead(server.engine, [first.id], "422 from the agency: unknown filing")
        world.dead_letter_destination = first.destination
        hook = admin.post(
            "/v1/webhooks",
            json={
                "url": "http://127.0.0.1:9/hooks?token=secret-token",
                "events": ["declaration.status_changed"],
            },
        )
        assert hook.status_code == 201, hook.text
        with server.engine.begin() as connection:
            connection.execute(
                update(WebhookEndpoint).values(
                    parked=True,
                    consecutive_failures=5,
                    last_failure_reason="connection refused",
                )
            )
        yield world


def log_in(page: Page, world: ConsoleWorld, key: str) -> None:
    page.goto(f"{world.url}/console/login")
    page.fill("#key", key)
    with page.expect_navigation():
        page.click("#login")


def screenshot(page: Page, name: str) -> None:
    """docs/console/<name>.png, when SW_SCREENSHOTS=1."""
    if os.environ.get("SW_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
