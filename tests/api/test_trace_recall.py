"""Traceability (源头可溯、去向可查) and recalls: logistics companies post delivery events on
their own waybills; a trace goes from a product's filing (maker, origin) to every
declaration of it, its clearance and its delivery, masked for the caller; a regulator's
recall finds every declaration and delivered parcel of the goods (of a batch) and tells
the platforms and e-commerce companies concerned, who read it and no one else."""

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import demo
from app.main import create_app
from app.store.models.types import utcnow
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
SELLER = demo.DEMO_PARTIES.ecommerce.customs_code
LOGISTICS = demo.DEMO_PARTIES.logistics.customs_code
STRANGER = demo.Filing("3301960077", "宁波另一家跨境电商平台有限公司", ("platform",))
GTIN = "6901234567892"
ITEM = "SKU-990099"


@pytest.fixture
def service(database_url: str, declarations: Declarations) -> Iterator[TestClient]:
    """The demo parties and a stranger (another platform) filed, on SQLite and PostgreSQL."""
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        keys = {}
        for body in [*declarations.filings(), STRANGER.body(declarations.rng)]:
            answer = client.post("/v1/enterprises", json=body)
            assert answer.status_code == 201, answer.text
            keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
        register_everywhere(client.app.state.engine, list(keys))  # type: ignore[attr-defined]
        client.app.state.enterprise_keys = keys  # type: ignore[attr-defined]
        yield client


def key(client: TestClient, code: str) -> dict[str, str]:
    keys = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[code]}"}


def regulator(client: TestClient, agency: str) -> dict[str, str]:
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": agency}, headers=ADMIN)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def file_cream(client: TestClient) -> None:
    body = {
        "ebcCode": SELLER,
        "itemNo": ITEM,
        "name": "保湿面霜",
        "hsCode": "3304990099",
        "barcode": GTIN,
        "brand": "雪肌",
        "manufacturer": "Shiseido Co., Ltd.",
        "originCountry": "116",
        "unit": "007",
    }
    assert client.post("/v1/products", json=body).status_code == 201


def declare(
    client: TestClient, declarations: Declarations, batch: str | None = None, **line: Any
) -> dict[str, Any]:
    """A face cream declared (line 1), then a toothpaste (line 2); its id and body."""
    body = declarations.valid(lines=[(demo.PRODUCTS[0], 1), (demo.PRODUCTS[1], 2)])
    body["order"]["items"][0].update(line)
    if batch is not None:
        body["order"]["batchNumbers"] = batch
    answer = client.post("/v1/declarations", json=body)
    assert answer.status_code == 202, answer.text
    return {"id": answer.json()["id"], "body": body}


def event(client: TestClient, waybill: str, kind: str, minutes_ago: int, **extra: Any) -> Any:
    at = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    body = {"event": kind, "at": at, "place": "杭州转运中心"} | extra
    return client.post(f"/v1/waybills/{waybill}/events", json=body, headers=key(client, LOGISTICS))


def test_a_logistics_company_posts_its_waybills_delivery_events(
    filed_client: TestClient, declarations: Declarations
) -> None:
    client = filed_client
    declared = declare(client, declarations)
    waybill = declared["body"]["logistics"]["logisticsNo"]
    first = event(client, waybill, "picked_up", 60)
    assert first.status_code == 201, first.text
    assert event(client, waybill, "in_transit", 30).status_code == 201
    at = (utcnow() - timedelta(minutes=5)).isoformat()
    delivered = {"event": "delivered", "at": at, "place": "北京市朝阳区", "note": "本人签收"}
    url = f"/v1/waybills/{waybill}/events"
    done = client.post(url, json=delivered, headers=key(client, LOGISTICS))
    assert done.status_code == 201, done.text
    story = done.json()
    assert story["declarationId"] == declared["id"]
    assert story["delivered"] is True
    assert [e["event"] for e in story["events"]] == ["picked_up", "in_transit", "delivered"]
    # The same event again changes nothing; one that cannot follow is refused.
    again = client.post(url, json=delivered, headers=key(client, LOGISTICS))
    assert (again.status_code, len(again.json()["events"])) == (200, 3)
    late = event(client, waybill, "in_transit", 1)
    assert (late.status_code, late.json()["code"]) == (409, "delivery_event_out_of_order")
    assert late.json()["detailZh"]
    future = event(client, waybill, "returned", -60)
    assert future.status_code == 422
    assert future.json()["violations"][0]["code"] == "event_in_future"
    # Another company's waybill is as if there were none; the parties read the events.
    answer = client.post(url, json=delivered, headers=key(client, PLATFORM))
    assert (answer.status_code, answer.json()["code"]) == (404, "waybill_not_found")
    read = client.get(url, headers=key(client, PLATFORM))
    assert read.status_code == 200
    assert read.json()["delivered"] is True
    assert event(client, "NO-SUCH-WAYBILL", "picked_up", 1).status_code == 404
    # In the feed.
    feed = client.get("/v1/regulator/feed", params={"after": 0, "limit": 200}).json()["items"]
    recorded = [i for i in feed if i["kind"] == "delivery.recorded"]
    assert [i["data"]["event"] for i in recorded] == ["picked_up", "in_transit", "delivered"]
    assert {i["subjectId"] for i in recorded} == {declared["id"]}


def test_a_trace_goes_from_the_filing_to_the_buyers_masked_for_the_caller(
    service: TestClient, declarations: Declarations
) -> None:
    client = service
    file_cream(client)
    by_item = declare(client, declarations)  # names the filed item number
    by_barcode = declare(client, declarations, itemNo="OTHER-1", barCode=GTIN)
    declare(client, declarations, itemNo="OTHER-2")  # another product: not traced
    waybill = by_item["body"]["logistics"]["logisticsNo"]
    for kind, minutes in (("picked_up", 30), ("delivered", 10)):
        assert event(client, waybill, kind, minutes).status_code == 201

    customs = regulator(client, "customs")
    traced = client.get("/v1/trace", params={"barcode": GTIN}, headers=customs).json()
    (source,) = traced["sources"]
    assert (source["manufacturer"], source["originCountry"], source["hsCode"]) == (
        "Shiseido Co., Ltd.",
        "116",
        "3304990099",
    )
    shipments = {s["declarationId"]: s for s in traced["shipments"]}
    assert set(shipments) == {by_item["id"], by_barcode["id"]}
    shipped = shipments[by_item["id"]]
    assert [line["gnum"] for line in shipped["lines"]] == [1]
    assert shipped["status"] == "accepted"
    assert shipped["delivered"] is True
    assert [e["event"] for e in shipped["deliveries"]] == ["picked_up", "delivered"]
    telephone = by_item["body"]["order"]["consigneeTelephone"]
    assert shipped["destination"]["consigneeTelephone"] == telephone

    # The platform (a party) sees the same, its buyers' phone numbers masked.
    platform = client.get("/v1/trace", params={"barcode": GTIN}, headers=key(client, PLATFORM))
    mine = {s["declarationId"]: s for s in platform.json()["shipments"]}
    assert set(mine) == set(shipments)
    assert "*" in mine[by_item["id"]]["destination"]["consigneeTelephone"]
    # Another platform sees nothing of them.
    stranger = client.get(
        "/v1/trace", params={"barcode": GTIN}, headers=key(client, STRANGER.customs_code)
    ).json()
    assert (stranger["sources"], stranger["shipments"]) == ([], [])

    # From the item number, or back from the waybill.
    params = {"itemNo": ITEM, "ebcCode": SELLER}
    by_number = client.get("/v1/trace", params=params, headers=customs).json()
    assert {s["declarationId"] for s in by_number["shipments"]} == set(shipments)
    back = client.get("/v1/trace", params={"waybill": waybill}, headers=customs).json()
    assert [s["declarationId"] for s in back["shipments"]] == [by_item["id"]]
    assert [s["itemNo"] for s in back["sources"]] == [ITEM]
    assert len(back["shipments"][0]["lines"]) == 2  # all the parcel's goods

    # A page at a time.
    first = client.get("/v1/trace", params={"barcode": GTIN, "limit": 1}, headers=customs).json()
    assert len(first["shipments"]) == 1
    rest = client.get(
        "/v1/trace",
        params={"barcode": GTIN, "limit": 1, "cursor": first["nextCursor"]},
        headers=customs,
    ).json()
    assert {first["shipments"][0]["declarationId"], rest["shipments"][0]["declarationId"]} == set(
        shipments
    )
    for params in ({}, {"barcode": GTIN, "waybill": waybill}, {"itemNo": ITEM}):
        answer = client.get("/v1/trace", params=params, headers=customs)
        assert answer.status_code == 422
        assert answer.json()["violations"][0]["code"] == "trace_start_invalid"


def hook(client: TestClient, code: str) -> None:
    answer = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hooks", "events": ["product.recalled"]},
        headers=key(client, code),
    )
    assert answer.status_code == 201, answer.text


def recalled_events(client: TestClient) -> list[dict[str, Any]]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT payload FROM webhook_events WHERE type = 'product.recalled' ORDER BY id")
        ).all()
    return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


def test_a_recall_lists_every_declaration_and_delivered_parcel_and_tells_those_concerned(
    service: TestClient, declarations: Declarations
) -> None:
    client = service
    file_cream(client)
    for code in (PLATFORM, SELLER, STRANGER.customs_code):
        hook(client, code)
    delivered = declare(client, declarations, batch="LOT-A1, LOT-B2")
    on_the_way = declare(client, declarations, batch="LOT-A1", itemNo="X-1", barCode=GTIN)
    declare(client, declarations, batch="LOT-C3")  # another batch: not recalled
    waybill = delivered["body"]["logistics"]["logisticsNo"]
    assert event(client, waybill, "delivered", 5).status_code == 201

    body = {"barcode": GTIN, "batch": "LOT-A1", "reason": "Contaminated batch (microbes)."}
    assert (
        client.post(
            "/v1/regulator/recalls", json=body, headers=regulator(client, "tax")
        ).status_code
        == 403
    )
    answer = client.post("/v1/regulator/recalls", json=body, headers=regulator(client, "market"))
    assert answer.status_code == 201, answer.text
    recall = answer.json()
    assert answer.headers["location"] == f"/v1/recalls/{recall['id']}"
    assert (recall["declarations"], recall["delivered"]) == (2, 1)
    assert recall["productName"] == "保湿面霜"
    assert recall["agency"] == "market"
    affected = {a["declarationId"]: a for a in recall["affected"]}
    assert set(affected) == {delivered["id"], on_the_way["id"]}
    assert affected[delivered["id"]]["delivered"] is True
    assert affected[on_the_way["id"]]["delivered"] is False
    assert affected[delivered["id"]]["lines"] == [1]

    # The platform and the seller hear of it, each with its own figures; no one else.
    events = recalled_events(client)
    assert sorted(e["data"]["customsCode"] for e in events) == sorted([PLATFORM, SELLER])
    assert all(e["data"]["recallId"] == recall["id"] for e in events)
    assert {e["data"]["declarations"] for e in events} == {2}

    # They read it; another platform does not learn it exists.
    for code in (PLATFORM, SELLER):
        listed = client.get("/v1/recalls", headers=key(client, code)).json()["items"]
        assert [r["id"] for r in listed] == [recall["id"]]
        detail = client.get(f"/v1/recalls/{recall['id']}", headers=key(client, code)).json()
        assert {a["declarationId"] for a in detail["affected"]} == set(affected)
    stranger = key(client, STRANGER.customs_code)
    assert client.get("/v1/recalls", headers=stranger).json()["items"] == []
    hidden = client.get(f"/v1/recalls/{recall['id']}", headers=stranger)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "recall_not_found")

    # Audited; a barcode that is no GTIN is refused.
    feed = client.get("/v1/regulator/feed", params={"after": 0, "limit": 500}).json()["items"]
    (issued,) = [i for i in feed if i["kind"] == "recall.issued"]
    assert issued["subjectId"] == recall["id"]
    assert issued["data"]["concerned"] == sorted([PLATFORM, SELLER])
    wrong = client.post("/v1/regulator/recalls", json=body | {"barcode": "6901234567891"})
    assert wrong.status_code == 422
    assert wrong.json()["violations"][0]["code"] == "barcode_invalid"
