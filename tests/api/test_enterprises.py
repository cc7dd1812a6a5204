"""One-time enterprise filing: validation, 409 on a second filing, reading, lists."""

import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.demo import make_uscc
from app.store import enterprises
from tests.support.factories import register_everywhere


def filing(rng: random.Random, customs_code: str, roles: list[str]) -> dict[str, Any]:
    return {
        "uscc": make_uscc(rng),
        "customsCode": customs_code,
        "name": f"企业 {customs_code}",
        "roles": roles,
        "contactName": "张伟",
        "telephone": "13800138000",
    }


@pytest.fixture
def rng() -> random.Random:
    return random.Random(11)


def test_filing_is_pending_until_every_agency_registers_it(
    client: TestClient, rng: random.Random
) -> None:
    answer = client.post("/v1/enterprises", json=filing(rng, "3301ab0001", ["platform", "agent"]))
    assert answer.status_code == 201
    assert answer.headers["location"] == "/v1/enterprises/3301AB0001"
    record = answer.json()
    assert record["customsCode"] == "3301AB0001"
    assert record["status"] == "pending"
    assert record["registrations"] == {}
    assert record["creditGrade"] == "general"
    assert record["roles"] == ["agent", "platform"]
    assert record.pop("apiKey")["key"].startswith("sw_e_")
    assert client.get("/v1/enterprises/3301ab0001").json() == record

    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        queued = connection.execute(
            text("SELECT destination FROM outbox_messages WHERE subject_id = '3301AB0001'")
        ).scalars()
        assert sorted(queued) == ["customs", "forex", "inspection", "tax"]
    enterprises.record_registrations(engine, "customs", {"3301AB0001": "CUS0001"})
    assert client.get("/v1/enterprises/3301AB0001").json()["status"] == "pending"
    register_everywhere(engine, ["3301AB0001"])
    active = client.get("/v1/enterprises/3301AB0001").json()
    assert active["status"] == "active"
    assert set(active["registrations"]) == {"customs", "inspection", "tax", "forex"}


def test_filing_twice_is_409_pointing_at_the_first(client: TestClient, rng: random.Random) -> None:
    first = filing(rng, "3301960101", ["payment"])
    assert client.post("/v1/enterprises", json=first).status_code == 201
    same_uscc = filing(rng, "3301960102", ["payment"]) | {"uscc": first["uscc"]}
    same_code = filing(rng, "3301960101", ["logistics"])
    for body in (same_uscc, same_code):
        answer = client.post("/v1/enterprises", json=body)
        assert answer.status_code == 409
        assert answer.json()["code"] == "enterprise_already_filed"
        assert answer.json()["location"] == "/v1/enterprises/3301960101"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("uscc", "91110108MA01KPGK0X", "uscc_invalid"),
        ("uscc", "123", "uscc_invalid"),
        ("customsCode", "33019601", "customs_code_invalid"),
        ("customsCode", "3301-60101", "customs_code_invalid"),
        ("roles", [], "too_few_items"),
        ("roles", ["smuggler"], "value_not_allowed"),
        ("name", "", "too_short"),
    ],
)
def test_invalid_filings_name_the_field(
    client: TestClient, rng: random.Random, field: str, value: Any, code: str
) -> None:
    body = filing(rng, "3301960201", ["platform"]) | {field: value}
    answer = client.post("/v1/enterprises", json=body)
    assert answer.status_code == 422
    violations = answer.json()["violations"]
    assert [v["pointer"].split("/")[1] for v in violations] == [field]
    assert violations[0]["code"] == code


def test_unknown_enterprise_is_404(client: TestClient) -> None:
    answer = client.get("/v1/enterprises/0000000000")
    assert answer.status_code == 404
    assert answer.json()["code"] == "enterprise_not_found"


def test_list_filters_by_role_and_status_and_pages(client: TestClient, rng: random.Random) -> None:
    for n in range(5):
        roles = ["platform"] if n % 2 == 0 else ["logistics"]
        assert client.post(
            "/v1/enterprises", json=filing(rng, f"44039600{n:02d}", roles)
        ).is_success
    platforms = client.get("/v1/enterprises", params={"role": "platform"}).json()
    assert [e["customsCode"] for e in platforms["items"]] == [
        "4403960004",
        "4403960002",
        "4403960000",
    ]
    assert client.get("/v1/enterprises", params={"status": "suspended"}).json()["items"] == []
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/enterprises", params=params).json()
        seen += [e["customsCode"] for e in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5
