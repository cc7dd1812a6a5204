"""Business-rule refusals through the HTTP API: a 422 problem listing every violation at its
JSON pointer, rules fed by stored facts (filings, waybills, annual quota), refusals kept on
record, and dry runs that store nothing."""

import json
import random
from decimal import Decimal
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, text

from app.demo import PRODUCTS, make_uscc
from tests.support.factories import Declarations, register_everywhere

PROBLEM = "application/problem+json"
VIOLATION_FIELDS = {"code", "pointer", "message", "messageZh"}
Body = dict[str, Any]


def declare(client: TestClient, body: Body) -> Response:
    answer: Response = client.post("/v1/declarations", json=body)
    return answer


def refusal(answer: Response) -> list[dict[str, Any]]:
    """The violations of a ``declaration_refused`` problem, after checking its shape."""
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["code"] == "declaration_refused"
    violations: list[dict[str, Any]] = problem["violations"]
    for v in violations:
        assert set(v) == VIOLATION_FIELDS, v
        assert v["message"].strip(), v
        assert v["messageZh"].strip(), v
    return violations


def pairs(violations: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(v["code"], v["pointer"]) for v in violations]


def refused(answer: Response) -> list[tuple[str, str]]:
    return pairs(refusal(answer))


def accepted(answer: Response) -> None:
    assert answer.status_code == 202, answer.text


def execute(client: TestClient, sql: str, **params: Any) -> list[Any]:
    """Run SQL on the database behind the client's app; the rows, if any."""
    engine: Engine = cast(FastAPI, client.app).state.engine
    with engine.begin() as connection:
        result = connection.execute(text(sql), params)
        return list(result) if result.returns_rows else []


def count(client: TestClient, table: str) -> int:
    rows = execute(client, f"SELECT count(*) FROM {table}")
    number: int = rows[0][0]
    return number


def file_enterprise(client: TestClient, customs_code: str, roles: list[str]) -> None:
    body = {
        "uscc": make_uscc(random.Random(customs_code)),
        "customsCode": customs_code,
        "name": f"测试企业{customs_code}有限公司",
        "roles": roles,
        "contactName": "王伟",
        "telephone": "13800138000",
    }
    answer = client.post("/v1/enterprises", json=body)
    assert answer.status_code == 201, answer.text
    register_everywhere(client.app.state.engine, [customs_code])  # type: ignore[attr-defined]


def dutiable(body: Body) -> Decimal:
    order = body["order"]
    insured = body["logistics"].get("insuredFee", "0")
    return Decimal(order["goodsValue"]) + Decimal(order["freight"]) + Decimal(insured)


def five_rules_broken(body: Body) -> list[tuple[str, str]]:
    """Break five rules of ``body``; the (code, pointer) each should be refused with."""
    body["order"]["currency"] = "502"
    body["payment"]["payerName"] = "代付人"
    body["order"]["items"][0]["gcode"] = "33049900"
    body["logistics"]["logisticsCode"] = "9999999999"
    body["logistics"]["consigneeAddress"] = "上海市浦东新区世纪大道100号"
    return [
        ("currency_not_cny", "/order/currency"),
        ("payer_not_buyer", "/payment/payerName"),
        ("hs_code_invalid", "/order/items/0/gcode"),
        ("consignee_mismatch", "/logistics/consigneeAddress"),
        ("enterprise_not_filed", "/logistics/logisticsCode"),
    ]


# --- enterprises ------------------------------------------------------------------------


def test_an_unfiled_enterprise_is_refused(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    body["logistics"]["logisticsCode"] = "9999999999"

    violations = refusal(declare(filed_client, body))
    assert pairs(violations) == [("enterprise_not_filed", "/logistics/logisticsCode")]
    assert "9999999999" in violations[0]["message"]


def test_an_enterprise_filed_for_another_role_is_refused(
    filed_client: TestClient, declarations: Declarations
) -> None:
    file_enterprise(filed_client, "3101960101", ["payment"])
    body = declarations.valid()
    body["order"]["ebcCode"] = "3101960101"

    violations = refusal(declare(filed_client, body))
    assert pairs(violations) == [("enterprise_role_mismatch", "/order/ebcCode")]
    assert "3101960101" in violations[0]["message"]


def test_an_enterprise_filed_for_the_role_may_declare(
    filed_client: TestClient, declarations: Declarations
) -> None:
    file_enterprise(filed_client, "3301960102", ["ecommerce", "payment"])
    body = declarations.valid()
    body["order"]["ebcCode"] = "3301960102"
    accepted(declare(filed_client, body))


def test_a_suspended_enterprise_is_refused(
    filed_client: TestClient, declarations: Declarations
) -> None:
    file_enterprise(filed_client, "4403960103", ["logistics"])
    body = declarations.valid()
    body["logistics"]["logisticsCode"] = "4403960103"
    assert filed_client.post("/v1/declarations/validate", json=body).json()["valid"] is True

    execute(
        filed_client,
        "UPDATE enterprises SET status = 'suspended' WHERE customs_code = :code",
        code="4403960103",
    )
    violations = refusal(declare(filed_client, body))
    assert pairs(violations) == [("enterprise_inactive", "/logistics/logisticsCode")]
    assert "suspended" in violations[0]["message"]


# --- waybills and the annual limit ------------------------------------------------------


def test_a_waybill_number_is_not_used_twice(
    filed_client: TestClient, declarations: Declarations
) -> None:
    first = declarations.valid()
    accepted(declare(filed_client, first))
    second = declarations.valid()
    second["logistics"]["logisticsNo"] = first["logistics"]["logisticsNo"]

    violations = refusal(declare(filed_client, second))
    assert pairs(violations) == [("waybill_reused", "/logistics/logisticsNo")]
    assert first["logistics"]["logisticsNo"] in violations[0]["message"]


def test_a_reused_waybill_is_reported_with_the_other_violations(
    filed_client: TestClient, declarations: Declarations
) -> None:
    first = declarations.valid()
    accepted(declare(filed_client, first))
    second = declarations.valid()
    second["logistics"]["logisticsNo"] = first["logistics"]["logisticsNo"]
    second["payment"]["payerName"] = "代付人"

    assert sorted(refused(declare(filed_client, second))) == [
        ("payer_not_buyer", "/payment/payerName"),
        ("waybill_reused", "/logistics/logisticsNo"),
    ]


def test_the_annual_limit_refuses_the_order_that_would_pass_26000(
    filed_client: TestClient, declarations: Declarations
) -> None:
    buyer = declarations.buyer()
    big = [(PRODUCTS[7], 1), (PRODUCTS[4], 1)]  # 3,280 + 899 + 10 freight = 4,189
    used, orders = Decimal(0), 0
    while True:
        body = declarations.valid(buyer=buyer, lines=big)
        value = dutiable(body)
        if used + value > 26000:
            break
        accepted(declare(filed_client, body))
        used, orders = used + value, orders + 1
    assert (orders, used) == (6, Decimal("25134.00"))

    violations = refusal(declare(filed_client, body))
    assert pairs(violations) == [("annual_limit_exceeded", "/order/buyerIdNumber")]
    assert "25134" in violations[0]["message"]
    # Reported along with whatever else is wrong, in the same answer.
    body = declarations.valid(buyer=buyer, lines=big)
    body["payment"]["payerName"] = "代付人"
    assert sorted(refused(declare(filed_client, body))) == [
        ("annual_limit_exceeded", "/order/buyerIdNumber"),
        ("payer_not_buyer", "/payment/payerName"),
    ]

    # The refused order used up nothing: a small order fits, then the rest, exactly.
    small = declarations.valid(buyer=buyer, lines=[(PRODUCTS[8], 1)])  # 25 + 10 freight
    accepted(declare(filed_client, small))
    rest = declarations.valid(buyer=buyer, lines=[(PRODUCTS[0], 2)], freight=Decimal("173.00"))
    assert used + dutiable(small) + dutiable(rest) == 26000
    accepted(declare(filed_client, rest))

    one_more = declarations.valid(buyer=buyer, lines=[(PRODUCTS[8], 1)])
    assert refused(declare(filed_client, one_more)) == [
        ("annual_limit_exceeded", "/order/buyerIdNumber")
    ]
    # Another buyer has a limit of their own.
    accepted(declare(filed_client, declarations.valid(lines=big)))


# --- several rules at once, the record of refusals --------------------------------------


def test_five_broken_rules_are_answered_in_one_422(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    expected = five_rules_broken(body)

    found = refused(declare(filed_client, body))
    assert len(found) == 5
    assert sorted(found) == sorted(expected)


def test_a_refused_declaration_is_recorded_with_its_codes(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    expected = five_rules_broken(body)
    order_no = body["order"]["orderNo"]

    refused(declare(filed_client, body))
    rows = execute(
        filed_client, "SELECT violations FROM refusals WHERE order_no = :no", no=order_no
    )
    assert len(rows) == 1
    stored = rows[0][0]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert sorted((v["code"], v["pointer"]) for v in stored) == sorted(expected)
    assert (
        execute(filed_client, "SELECT id FROM declarations WHERE order_no = :no", no=order_no) == []
    )


# --- dry runs ---------------------------------------------------------------------------


def test_validate_lists_the_violations_and_stores_nothing(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    expected = five_rules_broken(body)

    answer = filed_client.post("/v1/declarations/validate", json=body)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["valid"] is False
    assert sorted((v["code"], v["pointer"]) for v in result["violations"]) == sorted(expected)
    for v in result["violations"]:
        assert set(v) >= VIOLATION_FIELDS
        assert v["message"].strip()
        assert v["messageZh"].strip()
    assert (count(filed_client, "declarations"), count(filed_client, "refusals")) == (0, 0)


def test_validate_passes_a_valid_declaration_and_stores_nothing(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()

    answer = filed_client.post("/v1/declarations/validate", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"valid": True, "violations": []}
    assert (count(filed_client, "declarations"), count(filed_client, "refusals")) == (0, 0)
    # Neither the order nor its waybill was taken: declaring it for real is accepted.
    accepted(declare(filed_client, body))
    assert count(filed_client, "declarations") == 1


def test_validate_reports_rules_fed_by_stored_facts(
    filed_client: TestClient, declarations: Declarations
) -> None:
    first = declarations.valid()
    accepted(declare(filed_client, first))
    second = declarations.valid()
    second["logistics"]["logisticsNo"] = first["logistics"]["logisticsNo"]

    result = filed_client.post("/v1/declarations/validate", json=second).json()
    assert result["valid"] is False
    assert [(v["code"], v["pointer"]) for v in result["violations"]] == [
        ("waybill_reused", "/logistics/logisticsNo")
    ]
    assert count(filed_client, "refusals") == 0
