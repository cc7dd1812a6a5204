"""Withdrawals (CEB623) and returns (CEB625) as CEB messages: answered with CEB624 and
CEB626 receipts valid against the schema, one return record per record, each doing what
the JSON routes do."""

from typing import Any

from fastapi.testclient import TestClient

from app import demo
from app.ceb import messages, signing
from app.ceb.inventory import pre_no
from tests.api.test_ceb_messages import (
    XML,
    inventory_message,
    inventory_of,
    key,
    register_certificate,
    returns,
)
from tests.support.certificates import rsa_identity
from tests.support.factories import Declarations
from tests.support.receipts import clear_everything
from tests.support.service import settle

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
PAYMENT = demo.DEMO_PARTIES.payment.customs_code
SHOES, TOOTHPASTE = demo.PRODUCTS[4], demo.PRODUCTS[1]


def record(body: dict[str, Any], reason: str = "the buyer cancelled") -> dict[str, Any]:
    """What a CEB623 or a CEB625 head says of a declaration."""
    order, logistics = body["order"], body["logistics"]
    return {
        "customsCode": "3105",
        "orderNo": order["orderNo"],
        "ebpCode": order["ebpCode"],
        "ebpName": order["ebpName"],
        "ebcCode": order["ebcCode"],
        "ebcName": order["ebcName"],
        "logisticsNo": logistics["logisticsNo"],
        "logisticsCode": logistics["logisticsCode"],
        "logisticsName": logistics["logisticsName"],
        "copNo": order["orderNo"][:20],
        "invtNo": pre_no(order["orderNo"]),
        "buyerIdType": "1",
        "buyerIdNumber": order["buyerIdNumber"],
        "buyerName": order["buyerName"],
        "buyerTelephone": order["buyerTelephone"],
        "agentCode": order["ebcCode"],
        "agentName": order["ebcName"],
        "reason": reason,
    }


def signed(message_type: str, records: list[dict[str, Any]], sender: str, owner: Any) -> bytes:
    transfer = messages.BaseTransfer(copCode=sender, copName="测试企业", dxpId="DXP0001")
    return signing.sign(messages.build_message(message_type, records, transfer), owner)


def post(client: TestClient, body: bytes, sender: str) -> Any:
    return client.post("/v1/ceb/messages", content=body, headers=XML | key(client, sender))


def declared(client: TestClient, body: dict[str, Any], *, cleared: bool = False) -> str:
    answer = client.post("/v1/declarations", json=body)
    assert answer.status_code == 202, answer.text
    declaration_id: str = answer.json()["id"]
    if cleared:
        settle(client)
        clear_everything(client, declaration_id)
    return declaration_id


def test_a_ceb623_withdraws_a_declaration_not_yet_released(
    filed_client: TestClient, declarations: Declarations
) -> None:
    owner = register_certificate(filed_client, PLATFORM)
    body = declarations.valid()
    declaration_id = declared(filed_client, body)
    unknown = record(declarations.valid())
    answer = post(
        filed_client, signed("CEB623", [record(body), unknown], PLATFORM, owner), PLATFORM
    )
    taken, refused = returns(answer)
    assert taken["returnStatus"] == "2", taken["returnInfo"]
    assert taken["returnInfo"].startswith("cancelled")
    assert taken["preNo"] == pre_no(declaration_id)
    assert refused["returnStatus"] == "-623001"
    assert refused["returnInfo"].startswith("declaration_not_found")
    assert filed_client.get(f"/v1/declarations/{declaration_id}").json()["status"] == "cancelled"
    # The same withdrawal again: refused, saying why.
    again = post(filed_client, signed("CEB623", [record(body)], PLATFORM, owner), PLATFORM)
    [record_again] = returns(again)
    assert record_again["returnStatus"] == "-623001"
    assert record_again["returnInfo"].startswith("declaration_not_cancellable")


def test_a_ceb625_returns_goods_line_by_line(
    filed_client: TestClient, declarations: Declarations
) -> None:
    owner = register_certificate(filed_client, PLATFORM)
    body = declarations.valid(lines=[(SHOES, 2), (TOOTHPASTE, 1)])
    declaration_id = declared(filed_client, body, cleared=True)
    good = record(body, "too small") | {
        "items": [{"gnum": 1, "gcode": SHOES.gcode, "gname": SHOES.name, "qty": "1", "unit": "011"}]
    }
    too_many = record(body, "all of it") | {
        "items": [{"gnum": 2, "gcode": "3306101000", "gname": "牙膏", "qty": "5", "unit": "007"}]
    }
    answer = post(filed_client, signed("CEB625", [good, too_many], PLATFORM, owner), PLATFORM)
    taken, refused = returns(answer)
    assert taken["returnStatus"] == "2", taken["returnInfo"]
    assert taken["returnInfo"].startswith("awaiting_customs")
    assert refused["returnStatus"] == "-625001"
    assert refused["returnInfo"].startswith("return_exceeds_bought")
    (asked,) = filed_client.get(f"/v1/declarations/{declaration_id}").json()["returns"]
    assert asked["status"] == "awaiting_customs"
    assert [(i["gnum"], i["qty"]) for i in asked["items"]] == [(1, "1")]


def test_only_the_platform_or_ecommerce_company_sends_them(
    filed_client: TestClient, declarations: Declarations
) -> None:
    payer = rsa_identity()
    registered = filed_client.post(
        f"/v1/enterprises/{PAYMENT}/certificates",
        json={"certificate": payer.certificate.pem},
        headers=key(filed_client, PAYMENT),
    )
    assert registered.status_code == 201, registered.text
    body = declarations.valid()
    declaration_id = declared(filed_client, body)
    answer = post(filed_client, signed("CEB623", [record(body)], PAYMENT, payer), PAYMENT)
    [refused] = returns(answer)
    assert refused["returnStatus"] == "-623001"
    assert refused["returnInfo"].startswith("not_a_party")
    assert filed_client.get(f"/v1/declarations/{declaration_id}").json()["status"] == "accepted"


def test_an_amended_ceb621_corrects_the_hs_codes(
    filed_client: TestClient, declarations: Declarations
) -> None:
    ecommerce = demo.DEMO_PARTIES.ecommerce.customs_code
    owner = register_certificate(filed_client, ecommerce)
    body = declarations.valid(lines=[(SHOES, 1)])
    declaration_id = declared(filed_client, body)
    inventory = inventory_of(body)
    inventory["items"][0]["gcode"] = "6403991000"  # another heading of leather footwear
    inventory["appType"] = "2"
    [taken] = returns(post(filed_client, inventory_message(inventory, owner), ecommerce))
    assert taken["returnStatus"] == "2", taken["returnInfo"]
    shown = filed_client.get(f"/v1/declarations/{declaration_id}").json()
    assert shown["version"] == 2
    assert shown["documents"]["order"]["items"][0]["gcode"] == "6403991000"
    # The same inventory again: nothing more to change.
    [again] = returns(post(filed_client, inventory_message(inventory, owner), ecommerce))
    assert again["returnStatus"] == "2", again["returnInfo"]
    assert filed_client.get(f"/v1/declarations/{declaration_id}").json()["version"] == 2
