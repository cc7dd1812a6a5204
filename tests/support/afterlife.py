"""Cancellations and returns driven through the dispatcher to agency stand-ins that answer
actions as the agencies do (signed), and the state a test checks afterwards."""

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlmodel import col

from app.agencies.client import HttpAgency
from app.agencies.signing import signed_headers
from app.dispatch.dispatcher import Dispatcher
from app.store import afterlife
from app.store.db import read_session
from app.store.models import BuyerQuota, OutboxMessage
from tests.support.receipts import SECRETS

AGENCIES = ("customs", "inspection", "tax", "forex")


def tax_of(documents: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, str]:
    """A stand-in's refund: 10 % of the returned lines' value (all of it for a
    cancellation), to the fen."""
    if not lines:
        value = Decimal(documents["order"]["goodsValue"])
    else:
        items = {int(i["gnum"]): i for i in documents["order"]["items"]}
        value = sum(
            (
                Decimal(items[line["gnum"]]["totalPrice"])
                * Decimal(str(line["qty"]))
                / Decimal(str(items[line["gnum"]]["qty"]))
                for line in lines
            ),
            Decimal(0),
        )
    vat = (value / 10).quantize(Decimal("0.01"))
    return {
        "customsTax": "0",
        "valueAddedTax": str(vat),
        "consumptionTax": "0",
        "total": str(vat),
    }


class ActionAgencies:
    """Answers ``POST /actions`` as each agency would: customs approves (or refuses while
    ``refuse`` is set), tax refunds, forex reverses, withdrawals are withdrawn."""

    def __init__(self) -> None:
        self.refuse = False
        self.seen: list[tuple[str, str, str]] = []  # (agency, kind, actionId)

    def handler(self, agency: str) -> Callable[[httpx.Request], httpx.Response]:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/filings":
                filings = json.loads(request.content)["filings"]
                numbers = [
                    {"customsCode": f["customsCode"], "registrationNo": f"{agency}{i}"}
                    for i, f in enumerate(filings)
                ]
                return httpx.Response(200, json={"registrations": numbers})
            if request.url.path == "/declarations":
                ids = [d["declarationId"] for d in json.loads(request.content)["declarations"]]
                results = [{"declarationId": i, "accepted": True} for i in ids]
                return httpx.Response(202, json={"results": results})
            if request.url.path != "/actions":
                return httpx.Response(404)
            answers = []
            for action in json.loads(request.content)["actions"]:
                self.seen.append((agency, action["kind"], action["actionId"]))
                status, refund, reasons = self._decide(agency, action)
                answers.append(
                    {
                        "actionId": action["actionId"],
                        "declarationId": action["declarationId"],
                        "agency": agency,
                        "status": status,
                        "reasons": reasons,
                        "refund": refund,
                        "decidedAt": datetime.now(UTC).isoformat(),
                    }
                )
            body = json.dumps({"answers": answers}).encode()
            return httpx.Response(200, content=body, headers=signed_headers(SECRETS[agency], body))

        return answer

    def _decide(
        self, agency: str, action: dict[str, Any]
    ) -> tuple[str, dict[str, str] | None, list[dict[str, str]]]:
        if action["kind"] == "withdrawal":
            return "withdrawn", None, []
        if agency == "customs":
            if self.refuse:
                return "refused", None, [{"code": "customs_refused", "message": "not agreed"}]
            return "approved", None, []
        if agency == "tax":
            return "refunded", tax_of(action["documents"], action["lines"]), []
        return "reversed", None, []


def dispatch(client: TestClient, agencies: ActionAgencies, rounds: int = 4) -> None:
    """Deliver what the outbox holds for the agencies, a few rounds (each step of an
    action queues the next)."""
    app = client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]

    async def run() -> None:
        clients = {
            name: httpx.AsyncClient(
                base_url=f"http://{name}.test",
                transport=httpx.MockTransport(agencies.handler(name)),
            )
            for name in AGENCIES
        }
        try:
            dispatcher = Dispatcher(
                engine,
                settings,
                {name: HttpAgency(name, http, SECRETS[name]) for name, http in clients.items()},
            )
            for _ in range(rounds):
                for name in AGENCIES:
                    await dispatcher.deliver(name)
        finally:
            for http in clients.values():
                await http.aclose()

    asyncio.run(run())


def quota_used(engine: Engine, buyer: str) -> Decimal:
    with read_session(engine) as session:
        used = session.scalar(
            select(col(BuyerQuota.used)).where(col(BuyerQuota.buyer_id_number) == buyer)
        )
    return Decimal(used or 0) / 100_000


def action_messages(engine: Engine) -> list[OutboxMessage]:
    with read_session(engine) as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(col(OutboxMessage.kind) == afterlife.ACTION)
                .order_by(col(OutboxMessage.id))
            )
        )


def outbox_statuses(engine: Engine, declaration_id: str) -> list[str]:
    with engine.connect() as connection:
        return [
            row[0]
            for row in connection.execute(
                text("SELECT status FROM outbox_messages WHERE subject_id = :id ORDER BY id"),
                {"id": declaration_id},
            )
        ]
