"""Batch intake: each declaration accepted or refused on its own, in order."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.demo import PRODUCTS
from tests.support.factories import Declarations

NEAR_LIMIT_BASKET = [(PRODUCTS[7], 1), (PRODUCTS[4], 1)]  # ≈ CNY 4,189: six fit in a year


def batch(client: TestClient, bodies: list[Any], **headers: str) -> Any:
    return client.post("/v1/declarations/batch", json={"declarations": bodies}, headers=headers)


def test_each_item_stands_on_its_own(filed_client: TestClient, declarations: Declarations) -> None:
    good = [declarations.valid() for _ in range(3)]
    broken = declarations.valid()
    broken["order"]["currency"] = "502"
    malformed = declarations.valid()
    del malformed["payment"]["payCode"]
    answer = batch(filed_client, [good[0], broken, good[1], malformed, good[2]])
    assert answer.status_code == 200
    body = answer.json()
    assert (body["accepted"], body["refused"]) == (3, 2)
    outcomes = [(r["index"], r["outcome"]) for r in body["results"]]
    assert outcomes == [
        (0, "accepted"),
        (1, "declaration_refused"),
        (2, "accepted"),
        (3, "invalid_request"),
        (4, "accepted"),
    ]
    assert body["results"][1]["violations"][0]["code"] == "currency_not_cny"
    assert body["results"][3]["violations"][0]["pointer"] == "/declarations/3/payment/payCode"
    for result in (body["results"][i] for i in (0, 2, 4)):
        assert result["status"] == "accepted"
        assert result["cebStatus"] == 120
        assert filed_client.get(result["location"]).json()["id"] == result["id"]
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM refusals")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM outbox_messages")).scalar() >= 12


def test_items_of_one_batch_see_each_other(
    filed_client: TestClient, declarations: Declarations
) -> None:
    buyer = declarations.buyer()
    spend = [declarations.valid(buyer=buyer, lines=NEAR_LIMIT_BASKET) for _ in range(7)]
    same_waybill = declarations.valid()
    same_waybill["logistics"]["logisticsNo"] = spend[0]["logistics"]["logisticsNo"]
    answer = batch(filed_client, [*spend, spend[2], same_waybill]).json()
    outcomes = [r["outcome"] for r in answer["results"]]
    assert outcomes == [
        *["accepted"] * 6,
        "declaration_refused",
        "duplicate_order",
        "declaration_refused",
    ]
    assert answer["results"][6]["violations"][0]["code"] == "annual_limit_exceeded"
    assert answer["results"][7]["location"] == answer["results"][2]["location"]
    assert answer["results"][8]["violations"][0]["code"] == "waybill_reused"

    # The quota charged by the batch holds for later single declarations too.
    late = filed_client.post(
        "/v1/declarations", json=declarations.valid(buyer=buyer, lines=NEAR_LIMIT_BASKET)
    )
    assert late.json()["violations"][0]["code"] == "annual_limit_exceeded"


def test_an_order_declared_before_is_a_duplicate(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    first = filed_client.post("/v1/declarations", json=body)
    result = batch(filed_client, [body]).json()["results"][0]
    assert result["outcome"] == "duplicate_order"
    assert result["location"] == first.headers["location"]


def test_the_envelope_must_hold_1_to_100_declarations(filed_client: TestClient) -> None:
    envelopes: list[dict[str, Any]] = [
        {},
        {"declarations": []},
        {"declarations": [{}] * 101},
        {"items": []},
    ]
    for body in envelopes:
        answer = filed_client.post("/v1/declarations/batch", json=body)
        assert answer.status_code == 422, body
        assert answer.json()["code"] == "invalid_request"


def test_a_batch_may_exceed_the_single_body_limit(
    filed_client: TestClient, declarations: Declarations
) -> None:
    bodies = [declarations.valid() for _ in range(100)]
    for body in bodies:
        body["order"]["note"] = "备注" * 400  # ~2.4 KB more each: well over 256 KiB in all
    answer = batch(filed_client, bodies)
    assert answer.status_code == 200
    assert answer.json()["accepted"] == 100


def test_a_batch_replays_under_its_idempotency_key(
    filed_client: TestClient, declarations: Declarations
) -> None:
    bodies = [declarations.valid() for _ in range(2)]
    first = batch(filed_client, bodies, **{"Idempotency-Key": "batch-1"})
    again = batch(filed_client, bodies, **{"Idempotency-Key": "batch-1"})
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
