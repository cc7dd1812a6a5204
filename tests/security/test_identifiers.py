"""Identifiers (order, waybill and payment numbers, ID numbers, enterprise codes…) are
stored in Unicode NFKC, so an order number typed in full-width characters is the order
number it looks like, and one of them cannot be declared twice; an identifier holding a
control character or a character that shows nothing (a zero-width space) is refused with
422 ``identifier_invalid`` at its field, so that two identifiers that look the same are
the same."""

import copy
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.demo import make_uscc
from tests.support.factories import Declarations

PROBLEM = "application/problem+json"

# Each identifier of a declaration, by its pointer.
DECLARATION_IDENTIFIERS = [
    "/order/guid",
    "/order/orderNo",
    "/order/ebpCode",
    "/order/ebcCode",
    "/order/buyerRegNo",
    "/order/buyerIdNumber",
    "/order/payCode",
    "/order/payTransactionId",
    "/order/batchNumbers",
    "/order/consigneeDistrict",
    "/order/items/0/itemNo",
    "/order/items/0/barCode",
    "/payment/payCode",
    "/payment/payTransactionId",
    "/payment/orderNo",
    "/payment/ebpCode",
    "/payment/payerIdNumber",
    "/logistics/logisticsCode",
    "/logistics/logisticsNo",
    "/logistics/billNo",
    "/logistics/orderNo",
    "/customsCode",
    "/portCode",
]

# Characters that look like nothing, or are not text at all.
UNSEEN = {
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "zero-width no-break space": "\ufeff",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "right-to-left override": "\u202e",
    "variation selector": "\ufe0f",
    "combining grapheme joiner": "\u034f",
    "Hangul filler": "\u3164",
    "tag character": "\U000e0041",
    "tab": "\t",
    "line feed": "\n",
    "escape": "\x1b",
    "delete": "\x7f",
    "next line": "\x85",
    "line separator": "\u2028",
}


def full_width(text: str) -> str:
    """The text in full-width forms (``ORDER1`` → ``ＯＲＤＥＲ1``), as a CJK keyboard
    types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def at(document: Any, pointer: str) -> tuple[Any, str | int]:
    *steps, last = [int(s) if s.isdigit() else s for s in pointer.strip("/").split("/")]
    for step in steps:
        document = document[step]
    return document, last


def set_everywhere(body: dict[str, Any], field: str, value: str) -> None:
    """Set an identifier the order, payment and waybill all carry, in each of them."""
    for document in ("order", "payment", "logistics"):
        if field in body[document]:
            body[document][field] = value


def declare(client: TestClient, body: dict[str, Any]) -> Any:
    return client.post("/v1/declarations", json=body)


@pytest.mark.parametrize("pointer", DECLARATION_IDENTIFIERS)
def test_an_identifier_with_an_unseen_character_is_refused_at_its_field(
    filed_client: TestClient, declarations: Declarations, pointer: str
) -> None:
    for name, unseen in UNSEEN.items():
        body = declarations.valid()
        parent, key = at(body, pointer)
        value = parent.get(key, "A1B2") if isinstance(parent, dict) else parent[key]
        parent[key] = value[:2] + unseen + value[2:]
        answer = declare(filed_client, body)
        assert answer.status_code == 422, (name, answer.text)
        assert answer.headers["content-type"] == PROBLEM
        problem = answer.json()
        assert problem["code"] == "invalid_request"
        refusals = [v for v in problem["violations"] if v["pointer"] == pointer]
        assert [v["code"] for v in refusals] == ["identifier_invalid"], (name, problem)
        assert refusals[0]["message"]
        assert refusals[0]["messageZh"]
    assert filed_client.get("/v1/declarations").json()["items"] == []


def test_a_full_width_order_number_is_the_order_it_looks_like(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    order_no = body["order"]["orderNo"]
    wide = copy.deepcopy(body)
    set_everywhere(wide, "orderNo", full_width(order_no))
    wide["order"]["payTransactionId"] = wide["payment"]["payTransactionId"] = full_width(
        body["payment"]["payTransactionId"]
    )
    first = declare(filed_client, wide)
    assert first.status_code == 202, first.text

    stored = filed_client.get(first.headers["location"]).json()
    assert stored["orderNo"] == order_no
    assert stored["documents"]["payment"]["orderNo"] == order_no
    assert stored["documents"]["order"]["payTransactionId"] == body["payment"]["payTransactionId"]

    # The same order in plain characters, on another waybill: already declared.
    again = copy.deepcopy(body)
    again["logistics"]["logisticsNo"] = declarations.valid()["logistics"]["logisticsNo"]
    duplicate = declare(filed_client, again)
    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.json()["code"] == "duplicate_order"
    assert duplicate.headers["location"] == first.headers["location"]


def test_a_plain_order_number_cannot_be_declared_again_in_full_width(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    assert declare(filed_client, body).status_code == 202
    wide = copy.deepcopy(body)
    set_everywhere(wide, "orderNo", full_width(body["order"]["orderNo"]))
    wide["logistics"]["logisticsNo"] = declarations.valid()["logistics"]["logisticsNo"]
    answer = declare(filed_client, wide)
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "duplicate_order"


def test_a_full_width_waybill_number_is_the_waybill_it_looks_like(
    filed_client: TestClient, declarations: Declarations
) -> None:
    first = declarations.valid()
    assert declare(filed_client, first).status_code == 202
    second = declarations.valid()
    second["logistics"]["logisticsNo"] = full_width(first["logistics"]["logisticsNo"])
    answer = declare(filed_client, second)
    assert answer.status_code == 422, answer.text
    assert ("waybill_reused", "/logistics/logisticsNo") in [
        (v["code"], v["pointer"]) for v in answer.json()["violations"]
    ]


def test_length_is_checked_after_normalising(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    set_everywhere(body, "orderNo", "\ufb01" * 31)  # 31 ligatures, 62 letters: over C60
    answer = declare(filed_client, body)
    assert answer.status_code == 422, answer.text
    assert ("too_long", "/order/orderNo") in [
        (v["code"], v["pointer"]) for v in answer.json()["violations"]
    ]


def test_identifiers_in_other_scripts_are_kept_as_they_are(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    set_everywhere(body, "orderNo", "订单-2026-é-001")
    answer = declare(filed_client, body)
    assert answer.status_code == 202, answer.text
    assert filed_client.get(answer.headers["location"]).json()["orderNo"] == "订单-2026-é-001"


def filing(customs_code: str, uscc: str) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "customsCode": customs_code,
        "name": f"测试企业{customs_code}",
        "roles": ["platform"],
        "contactName": "王伟",
        "telephone": "13800138000",
    }


def test_a_full_width_filing_is_the_enterprise_it_looks_like(client: TestClient) -> None:
    rng = random.Random(18)
    uscc = make_uscc(rng)
    filed = client.post("/v1/enterprises", json=filing(full_width("3301ZZ0001"), full_width(uscc)))
    assert filed.status_code == 201, filed.text
    assert filed.json()["customsCode"] == "3301ZZ0001"
    assert filed.json()["uscc"] == uscc
    again = client.post("/v1/enterprises", json=filing("3301ZZ0001", make_uscc(rng)))
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "enterprise_already_filed"
    same_uscc = client.post("/v1/enterprises", json=filing("3301ZZ0002", uscc))
    assert same_uscc.status_code == 409, same_uscc.text


@pytest.mark.parametrize("field", ["customsCode", "uscc"])
@pytest.mark.parametrize("unseen", ["\u200b", "\u2060", "\t"], ids=["ZWSP", "WJ", "tab"])
def test_a_filing_with_an_unseen_character_is_refused_at_its_field(
    client: TestClient, field: str, unseen: str
) -> None:
    body = filing("3301ZZ0003", make_uscc(random.Random(3)))
    body[field] = body[field][:4] + unseen + body[field][4:]
    answer = client.post("/v1/enterprises", json=body)
    assert answer.status_code == 422, answer.text
    assert [(v["code"], v["pointer"]) for v in answer.json()["violations"]] == [
        ("identifier_invalid", f"/{field}")
    ]
