"""A buyer taken to the annual limit, then declarations cancelled and goods returned, with
the real processes: the single window and the four simulated agencies over HTTP. The
quota comes back at the window and at customs alike, the tax is refunded to the fen, and
the buyer may buy again; customs refusing is a refusal and changes nothing."""

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from app import demo
from app.agencies.wire import AgencyName
from app.store.db import read_session, upgrade
from app.store.models import BuyerQuota
from tests.support.factories import Declarations
from tests.support.reliability import Processes, SingleWindow

HANDBAG, SHOES = demo.PRODUCTS[7], demo.PRODUCTS[4]  # 3,280.00 and 899.00
BASKET = [(HANDBAG, 1), (SHOES, 1)]  # 4,189.00 with the freight: six fit in 26,000
EACH = Decimal("4189.00")


@pytest.fixture
def sw(tmp_path: Path) -> Iterator[SingleWindow]:
    processes = Processes(tmp_path / "logs")
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    upgrade(url)
    window = SingleWindow(processes, "sw", url, tmp_path)
    try:
        window.start_agencies()
        window.start_api()
        window.file_parties()
        yield window
    finally:
        processes.stop_all()
        window.dispose()


def quota(sw: SingleWindow, buyer: str) -> Decimal:
    with read_session(sw.engine) as session:
        used = session.scalar(
            select(col(BuyerQuota.used)).where(col(BuyerQuota.buyer_id_number) == buyer)
        )
    return Decimal(used or 0) / 100_000


def read(client: httpx.Client, declaration_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/declarations/{declaration_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def wait_status(
    sw: SingleWindow, client: httpx.Client, declaration_id: str, status: str, timeout: float = 30
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (found := read(client, declaration_id))["status"] != status:
        sw.processes.check()
        assert time.monotonic() < deadline, f"{declaration_id} is {found['status']}: {found}"
        time.sleep(0.1)
    return found


def wait_action(
    sw: SingleWindow, client: httpx.Client, declaration_id: str, kind: str, state: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        actions = read(client, declaration_id)[kind]
        if actions and actions[-1]["status"] == state:
            found: dict[str, Any] = actions[-1]
            return found
        sw.processes.check()
        assert time.monotonic() < deadline, actions
        time.sleep(0.1)


def faults(sw: SingleWindow, agency: AgencyName, **knobs: Any) -> None:
    answer = httpx.put(f"{sw.agency_url(agency)}/admin/faults", json=knobs, timeout=10)
    assert answer.status_code == 200, answer.text


def test_a_buyer_at_the_limit_buys_again_once_orders_are_cancelled_and_returned(
    sw: SingleWindow,
) -> None:
    declarations = Declarations(seed=41)
    buyer = declarations.buyer()
    ids = sw.post([declarations.valid(buyer=buyer, lines=BASKET) for _ in range(6)])
    sw.wait_all_final(ids, timeout=60)
    assert quota(sw, buyer.id_number) == 6 * EACH
    with sw.client() as client:
        over = client.post("/v1/declarations", json=declarations.valid(buyer=buyer, lines=BASKET))
        assert over.status_code == 422
        assert "annual_limit_exceeded" in {v["code"] for v in over.json()["violations"]}

        cleared = [i for i in ids if read(client, i)["status"] == "cleared"]
        assert len(cleared) >= 3, [read(client, i)["status"] for i in ids]
        cancelled, returned, halved = cleared[:3]
        taxes = {i: Decimal(read(client, i)["tax"]["total"]) for i in cleared[:3]}

        answer = client.post(
            f"/v1/declarations/{cancelled}/cancellation", json={"reason": "order voided"}
        )
        assert answer.status_code == 202, answer.text
        answer = client.post(
            f"/v1/declarations/{returned}/returns",
            json={
                "logisticsNo": "RT-ALL-1",
                "items": [{"gnum": 1, "qty": "1"}, {"gnum": 2, "qty": "1"}],
                "reason": "not as described",
            },
        )
        assert answer.status_code == 202, answer.text
        answer = client.post(
            f"/v1/declarations/{halved}/returns",
            json={
                "logisticsNo": "RT-SHOES-1",
                "items": [{"gnum": 2, "qty": "1"}],
                "reason": "size",
            },
        )
        assert answer.status_code == 202, answer.text

        done = wait_status(sw, client, cancelled, "cancelled")
        assert Decimal(done["cancellations"][0]["refund"]["total"]) == taxes[cancelled]
        done = wait_status(sw, client, returned, "returned")
        assert Decimal(done["returns"][0]["refund"]["total"]) == taxes[returned]
        done = wait_status(sw, client, halved, "partially_returned")
        (partial,) = done["returns"]
        assert 0 < Decimal(partial["refund"]["total"]) < taxes[halved]
        assert {a["agency"]: a["status"] for a in partial["agencies"]} == {
            "customs": "approved",
            "tax": "refunded",
            "forex": "reversed",
        }
        given_back = 2 * EACH + SHOES.price
        assert quota(sw, buyer.id_number) == 6 * EACH - given_back

        # Room for two more: the window takes them, and customs, which gave the value
        # back too, releases them.
        more = sw.post([declarations.valid(buyer=buyer, lines=BASKET) for _ in range(2)])
        sw.wait_all_final(more, timeout=60)
        for declaration_id in more:
            assert read(client, declaration_id)["status"] in ("cleared", "detained")
            parts = read(client, declaration_id)["agencies"]
            customs = next(a for a in parts if a["agency"] == "customs")
            assert customs["status"] in ("released", "detained"), customs
        full = client.post("/v1/declarations", json=declarations.valid(buyer=buyer, lines=BASKET))
        assert full.status_code == 422

        # Customs refusing a return after release: refused, nothing given back.
        faults(sw, AgencyName.CUSTOMS, refuseAfterRelease=True)
        before = quota(sw, buyer.id_number)
        client.post(
            f"/v1/declarations/{halved}/returns",
            json={"logisticsNo": "RT-BAG-1", "items": [{"gnum": 1, "qty": "1"}], "reason": "x"},
        )
        refused = wait_action(sw, client, halved, "returns", "refused")
        assert refused["agencies"][0]["reasons"][0]["code"] == "customs_refused"
        assert read(client, halved)["status"] == "partially_returned"
        assert quota(sw, buyer.id_number) == before


def test_cancelled_before_release_the_agencies_drop_it(sw: SingleWindow) -> None:
    declarations = Declarations(seed=43)
    buyer = declarations.buyer()
    # Customs takes its time: the cancellation comes before its decision.
    faults(sw, AgencyName.CUSTOMS, decisionDelayMs=20_000)
    (declaration_id,) = sw.post([declarations.valid(buyer=buyer, lines=BASKET)])
    with sw.client() as client:
        answer = client.post(
            f"/v1/declarations/{declaration_id}/cancellation", json={"reason": "changed mind"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "cancelled"
        assert quota(sw, buyer.id_number) == 0
        withdrawn = wait_action(sw, client, declaration_id, "cancellations", "completed")
        deadline = time.monotonic() + 30
        while len(withdrawn["agencies"]) < 4:
            assert time.monotonic() < deadline, withdrawn
            time.sleep(0.1)
            withdrawn = read(client, declaration_id)["cancellations"][0]
        assert {a["status"] for a in withdrawn["agencies"]} == {"withdrawn"}
        assert read(client, declaration_id)["status"] == "cancelled"
