"""Product filing (商品备案): an e-commerce company files each product once, with a GTIN
whose check digit is right; changes it with appType 2; reads its own. Declarations and
CEB311 orders naming a filed item are checked against (and take) its HS code."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import demo
from app.ceb import messages
from app.main import create_app
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
SELLER = demo.DEMO_PARTIES.ecommerce.customs_code
PAYMENT = demo.DEMO_PARTIES.payment.customs_code
LOGISTICS = demo.DEMO_PARTIES.logistics.customs_code
GTIN = "6901234567892"
XML = {"Content-Type": "application/xml"}


def key(client: TestClient, code: str) -> dict[str, str]:
    keys = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[code]}"}


def regulator(client: TestClient, agency: str) -> dict[str, str]:
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": agency}, headers=ADMIN)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def product(item_no: str = "SKU-990099", **changes: Any) -> dict[str, Any]:
    """The face cream of the demo declarations, filed under its item number."""
    body = {
        "ebcCode": SELLER,
        "itemNo": item_no,
        "name": "保湿面霜",
        "hsCode": "3304990099",
        "barcode": GTIN,
        "brand": "雪肌",
        "manufacturer": "Shiseido Co., Ltd.",
        "originCountry": "116",
        "unit": "007",
        "specification": "50ml/瓶",
    }
    return body | changes


def problems(answer: Any) -> list[tuple[str, str | None]]:
    assert answer.status_code == 422, answer.text
    violations = answer.json()["violations"]
    for v in violations:
        assert v["message"], v
        assert v["messageZh"], v
    return [(v["code"], v["pointer"]) for v in violations]


def test_a_product_is_filed_once_and_changed_with_app_type_2(filed_client: TestClient) -> None:
    client = filed_client
    seller = key(client, SELLER)
    first = client.post("/v1/products", json=product(), headers=seller)
    assert first.status_code == 201, first.text
    filed = first.json()
    assert first.headers["location"] == f"/v1/products/{SELLER}/SKU-990099"
    assert (filed["version"], filed["barcode"], filed["filedBy"]) == (
        1,
        GTIN,
        f"enterprise:{SELLER}",
    )
    # The same filing again: unchanged. Other details: a change, with appType 2 only.
    again = client.post("/v1/products", json=product(), headers=seller)
    assert (again.status_code, again.json()["version"]) == (200, 1)
    other = product(brand="雪肌精")
    refused = client.post("/v1/products", json=other, headers=seller)
    assert refused.status_code == 409
    assert refused.json()["code"] == "product_already_filed"
    changed = client.post("/v1/products", json=other | {"appType": "2"}, headers=seller)
    assert (changed.status_code, changed.json()["version"]) == (200, 2)
    assert changed.json()["brand"] == "雪肌精"
    missing = client.post(
        "/v1/products", json=product("SKU-NEW") | {"appType": "2"}, headers=seller
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "product_not_found"

    # In the regulators' feed.
    feed = client.get("/v1/regulator/feed", params={"after": 0, "limit": 200}).json()["items"]
    kinds = [
        (i["kind"], i["subjectType"], i["subjectId"]) for i in feed if i["subjectType"] == "product"
    ]
    assert kinds == [
        ("product.filed", "product", f"{SELLER}/SKU-990099"),
        ("product.changed", "product", f"{SELLER}/SKU-990099"),
    ]


def test_codes_are_checked_each_with_its_own_code(filed_client: TestClient) -> None:
    seller = key(filed_client, SELLER)
    body = product(barcode="6901234567891", hsCode="7712345678", originCountry="jp")
    answer = filed_client.post("/v1/products", json=body, headers=seller)
    assert problems(answer) == [
        ("hs_code_invalid", "/hsCode"),
        ("barcode_invalid", "/barcode"),
        ("country_code_invalid", "/originCountry"),
    ]
    # GTIN-8, -12 and -14 are taken too; spaces are dropped.
    for barcode, kept in (("9638 5074", "96385074"), ("036000291452", "036000291452")):
        answer = filed_client.post(
            "/v1/products", json=product(f"SKU-{kept}", barcode=barcode), headers=seller
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["barcode"] == kept


def test_only_the_e_commerce_company_files_its_products_and_reads_them(
    filed_client: TestClient,
) -> None:
    client = filed_client
    platform, seller = key(client, PLATFORM), key(client, SELLER)
    # Another enterprise may not file for the seller; a platform has no products.
    answer = client.post("/v1/products", json=product(), headers=platform)
    assert (answer.status_code, answer.json()["code"]) == (403, "not_a_party")
    answer = client.post("/v1/products", json=product(ebcCode=PLATFORM), headers=platform)
    assert problems(answer) == [("enterprise_not_ecommerce", "/ebcCode")]
    # An admin files for any e-commerce company.
    assert client.post("/v1/products", json=product()).status_code == 201

    url = f"/v1/products/{SELLER}/SKU-990099"
    assert client.get(url, headers=seller).json()["itemNo"] == "SKU-990099"
    assert client.get(url, headers=regulator(client, "market")).status_code == 200
    hidden = client.get(url, headers=platform)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "product_not_found")
    assert client.get("/v1/products", headers=platform).json()["items"] == []
    listed = client.get("/v1/products", headers=seller).json()["items"]
    assert [p["itemNo"] for p in listed] == ["SKU-990099"]
    everyone = client.get(
        "/v1/products", params={"barcode": GTIN}, headers=regulator(client, "customs")
    )
    assert [p["ebcCode"] for p in everyone.json()["items"]] == [SELLER]


@pytest.fixture
def service(database_url: str, declarations: Declarations) -> Iterator[TestClient]:
    """The demo parties filed and registered, on SQLite and PostgreSQL."""
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        keys = {}
        for body in declarations.filings():
            answer = client.post("/v1/enterprises", json=body)
            assert answer.status_code == 201, answer.text
            keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
        register_everywhere(client.app.state.engine, list(keys))  # type: ignore[attr-defined]
        client.app.state.enterprise_keys = keys  # type: ignore[attr-defined]
        yield client


def cream(declarations: Declarations, **line: Any) -> dict[str, Any]:
    """A declaration of one face cream (line 0), its line changed as given."""
    body = declarations.valid(lines=[(demo.PRODUCTS[0], 1)])
    body["order"]["items"][0].update(line)
    return body


def test_a_line_naming_a_filed_item_declares_its_hs_code(
    service: TestClient, declarations: Declarations
) -> None:
    client = service
    assert client.post("/v1/products", json=product()).status_code == 201
    # The filed HS code: accepted.
    assert client.post("/v1/declarations", json=cream(declarations)).status_code == 202
    # Another one: refused at the line, in both languages.
    wrong = cream(declarations, gcode="3304100000")
    answer = client.post("/v1/declarations", json=wrong)
    assert answer.status_code == 422, answer.text
    (v,) = answer.json()["violations"]
    assert (v["code"], v["pointer"]) == ("hs_code_differs_from_filing", "/order/items/0/gcode")
    assert "3304990099" in v["message"]
    assert "3304990099" in v["messageZh"]
    # The same in a batch, and another company's item of that number is not checked.
    batch = client.post(
        "/v1/declarations/batch", json={"declarations": [cream(declarations, gcode="3304100000")]}
    ).json()
    assert batch["results"][0]["outcome"] == "declaration_refused"
    unfiled = cream(declarations, itemNo="SKU-UNFILED", gcode="3304100000")
    assert client.post("/v1/declarations", json=unfiled).status_code == 202
    checked = client.post("/v1/declarations/validate", json=wrong).json()
    assert [x["code"] for x in checked["violations"]] == ["hs_code_differs_from_filing"]


def order_message(order: dict[str, Any]) -> bytes:
    transfer = messages.BaseTransfer(copCode=PLATFORM, copName="平台", dxpId="DXP0001")
    return messages.build_message("CEB311", [order], transfer)


def test_a_ceb311_naming_filed_items_is_declared_without_waiting_for_its_inventory(
    filed_client: TestClient, declarations: Declarations
) -> None:
    client = filed_client
    assert client.post("/v1/products", json=product()).status_code == 201
    declaration = cream(declarations)
    # The CEB311 carries no HS codes; the filing gives them.
    answer = client.post(
        "/v1/ceb/messages",
        content=order_message(declaration["order"]),
        headers=XML | key(client, PLATFORM),
    )
    assert answer.status_code == 200, answer.text
    assert b"<returnStatus>2</returnStatus>" in answer.content
    for path, part, sender in (
        ("/v1/payments", "payment", PAYMENT),
        ("/v1/waybills", "logistics", LOGISTICS),
    ):
        posted = client.post(path, json=declaration[part], headers=key(client, sender))
        assert posted.status_code == 202, posted.text
    order_no = declaration["order"]["orderNo"]
    (found,) = client.get("/v1/declarations", params={"orderNo": order_no}).json()["items"]
    detail = client.get(f"/v1/declarations/{found['id']}").json()
    assert detail["documents"]["order"]["items"][0]["gcode"] == "3304990099"

    # An order naming an item not filed still waits for its inventory.
    waiting = cream(declarations, itemNo="SKU-UNFILED")
    client.post(
        "/v1/ceb/messages",
        content=order_message(waiting["order"]),
        headers=XML | key(client, PLATFORM),
    )
    for path, part, sender in (
        ("/v1/payments", "payment", PAYMENT),
        ("/v1/waybills", "logistics", LOGISTICS),
    ):
        client.post(path, json=waiting[part], headers=key(client, sender))
    order_no = waiting["order"]["orderNo"]
    assert client.get("/v1/declarations", params={"orderNo": order_no}).json()["items"] == []
