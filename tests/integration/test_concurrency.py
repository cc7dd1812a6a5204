"""Concurrent submissions over real HTTP, on SQLite and on PostgreSQL: one order is
declared once, a waybill is used once, and a buyer's declarations cannot together pass
the annual limit."""

import asyncio
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.demo import PRODUCTS
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, LiveServer

# ≈ CNY 4,189 each: six fit in the CNY 26,000 annual limit, the seventh does not.
NEAR_LIMIT_BASKET = [(PRODUCTS[7], 1), (PRODUCTS[4], 1)]


async def post_all(server: LiveServer, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(
        base_url=server.url, timeout=60, limits=limits, headers=ADMIN
    ) as client:
        return list(
            await asyncio.gather(*(client.post("/v1/declarations", json=b) for b in bodies))
        )


@pytest.fixture
def filed_server(live_server: LiveServer, declarations: Declarations) -> LiveServer:
    bodies = declarations.filings()
    with httpx.Client(base_url=live_server.url, headers=ADMIN) as client:
        for body in bodies:
            assert client.post("/v1/enterprises", json=body).status_code == 201
    register_everywhere(live_server.engine, [b["customsCode"] for b in bodies])
    return live_server


def test_fifty_concurrent_posts_of_one_order_give_one_202(
    filed_server: LiveServer, declarations: Declarations
) -> None:
    body = declarations.valid()
    answers = asyncio.run(post_all(filed_server, [body] * 50))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {202: 1, 409: 49}, [
        a.text for a in answers if a.status_code not in (202, 409)
    ]
    location = next(a.headers["location"] for a in answers if a.status_code == 202)
    assert all(a.json()["location"] == location for a in answers if a.status_code == 409)
    with httpx.Client(base_url=filed_server.url, headers=ADMIN) as client:
        listed = client.get("/v1/declarations").json()["items"]
    assert len(listed) == 1


def test_concurrent_orders_of_one_buyer_stay_within_the_annual_limit(
    filed_server: LiveServer, declarations: Declarations
) -> None:
    buyer = declarations.buyer()
    bodies = [declarations.valid(buyer=buyer, lines=NEAR_LIMIT_BASKET) for _ in range(12)]
    answers = asyncio.run(post_all(filed_server, bodies))
    accepted = [b for b, a in zip(bodies, answers, strict=True) if a.status_code == 202]
    refused = [a for a in answers if a.status_code == 422]
    assert len(accepted) + len(refused) == len(bodies)
    assert len(accepted) == 6
    total = sum(
        Decimal(b["order"]["goodsValue"]) + Decimal(b["order"]["freight"]) for b in accepted
    )
    assert total <= 26_000
    for answer in refused:
        assert [v["code"] for v in answer.json()["violations"]] == ["annual_limit_exceeded"]


def test_concurrent_orders_on_one_waybill_use_it_once(
    filed_server: LiveServer, declarations: Declarations
) -> None:
    bodies = [declarations.valid() for _ in range(10)]
    for body in bodies:
        body["logistics"]["logisticsNo"] = "SF-SHARED-0001"
    answers = asyncio.run(post_all(filed_server, bodies))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {202: 1, 422: 9}
    for answer in answers:
        if answer.status_code == 422:
            assert [v["code"] for v in answer.json()["violations"]] == ["waybill_reused"]


def test_concurrent_filings_of_one_enterprise_give_one_201(
    live_server: LiveServer, declarations: Declarations
) -> None:
    body = declarations.filings()[0]

    async def file_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60, headers=ADMIN) as client:
            return list(
                await asyncio.gather(
                    *(client.post("/v1/enterprises", json=body) for _ in range(20))
                )
            )

    statuses = Counter(a.status_code for a in asyncio.run(file_all()))
    assert statuses == {201: 1, 409: 19}


def test_concurrent_batches_share_orders_and_a_buyer_without_breaking_a_rule(
    filed_server: LiveServer, declarations: Declarations
) -> None:
    buyer = declarations.buyer()
    spend = [declarations.valid(buyer=buyer, lines=NEAR_LIMIT_BASKET) for _ in range(12)]
    shared = [declarations.valid() for _ in range(5)]  # posted in every batch
    batches = [[*spend[i::4], *shared] for i in range(4)]

    async def send_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            base_url=filed_server.url, timeout=60, headers=ADMIN
        ) as client:
            return list(
                await asyncio.gather(
                    *(
                        client.post("/v1/declarations/batch", json={"declarations": b})
                        for b in batches
                    )
                )
            )

    answers = [a.json() for a in asyncio.run(send_all())]
    outcomes = Counter(
        (r["outcome"], tuple(v["code"] for v in r.get("violations", [])))
        for answer in answers
        for r in answer["results"]
    )
    assert outcomes[("accepted", ())] == 6 + 5
    assert outcomes[("duplicate_order", ("duplicate_order",))] == 3 * 5
    assert outcomes[("declaration_refused", ("annual_limit_exceeded",))] == 6
    with httpx.Client(base_url=filed_server.url, headers=ADMIN) as client:
        listed = client.get("/v1/declarations", params={"limit": 100}).json()["items"]
    assert len(listed) == 11
