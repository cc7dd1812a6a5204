"""Resident ID numbers are refused only when they cannot be anyone's: a wrong check digit,
a birth date that does not exist or is still to come, a region code that never existed.
The region table's dates are not held against a number."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.domain import resident_id
from tests.support.factories import Declarations

TODAY = date(2026, 12, 6)

# Zhuozhou (涿州市, 130681) became a county-level city in 1994; its people born before
# keep its code on their cards.
BORN_1962_IN_ZHUOZHOU = "130681196203150015"
REFUSED = {
    "bad check digit": "130681196203150016",
    "30 February": "130681196202300018",
    "born in 2099": "13068120990101001X",
    "born in 1850": "110105185001010013",
    "region that never existed": "990101196203150016",
    "county that never existed in a real province": "130699196203150019",
    "17 characters": "13068119620315001",
    "a letter inside": "1306811962031A0015",
}


@pytest.mark.parametrize(
    "number",
    [
        BORN_1962_IN_ZHUOZHOU,
        "13068119620315004X",  # check digit X
        "13068119620315004x",
        "110103201506010013",  # 崇文区, merged away in 2010; a number issued before keeps it
        "110105197402042153",
    ],
)
def test_a_number_that_may_be_someones_is_accepted(number: str) -> None:
    assert resident_id.is_valid(number, TODAY)


@pytest.mark.parametrize("number", REFUSED.values(), ids=REFUSED.keys())
def test_a_number_that_cannot_be_anyones_is_refused(number: str) -> None:
    assert not resident_id.is_valid(number, TODAY)


def test_a_birth_date_is_refused_only_until_it_comes() -> None:
    born_today = "110105202612060011"
    assert resident_id.is_valid(born_today, TODAY)
    assert not resident_id.is_valid(born_today, date(2026, 12, 5))


def _with_id(declarations: Declarations, number: str) -> dict[str, Any]:
    body = declarations.valid()
    body["order"]["buyerIdNumber"] = body["payment"]["payerIdNumber"] = number
    return body


def test_the_1962_holder_of_a_zhuozhou_number_may_declare(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = _with_id(declarations, BORN_1962_IN_ZHUOZHOU)
    checked = filed_client.post("/v1/declarations/validate", json=body).json()
    assert checked == {"valid": True, "violations": []}
    assert filed_client.post("/v1/declarations", json=body).status_code == 202


@pytest.mark.parametrize("number", REFUSED.values(), ids=REFUSED.keys())
def test_a_declaration_naming_an_impossible_number_is_refused(
    filed_client: TestClient, declarations: Declarations, number: str
) -> None:
    answer = filed_client.post("/v1/declarations", json=_with_id(declarations, number))
    assert answer.status_code == 422
    found = {(v["code"], v["pointer"]) for v in answer.json()["violations"]}
    assert found == {
        ("id_number_invalid", "/order/buyerIdNumber"),
        ("id_number_invalid", "/payment/payerIdNumber"),
    }
