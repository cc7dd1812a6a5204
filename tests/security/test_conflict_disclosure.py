"""A 409 tells a caller which declaration has the order only if the caller is one of that
declaration's parties: anyone else learns that the order is taken, not its id."""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app import demo
from tests.support.factories import Declarations, register_everywhere

PARTIES = demo.DEMO_PARTIES
# An e-commerce company named in none of the declarations the platform posts.
OTHER_SHOP = demo.Filing("3301960077", "杭州另一家跨境贸易有限公司", ("ecommerce",))


@pytest.fixture
def keys(filed_client: TestClient, declarations: Declarations) -> dict[str, str]:
    """API keys: the platform, its e-commerce company, and the other shop."""
    answer = filed_client.post("/v1/enterprises", json=OTHER_SHOP.body(declarations.rng))
    assert answer.status_code == 201
    register_everywhere(filed_client.app.state.engine, [OTHER_SHOP.customs_code])  # type: ignore[attr-defined]
    filed: dict[str, str] = filed_client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {
        "platform": filed[PARTIES.platform.customs_code],
        "ecommerce": filed[PARTIES.ecommerce.customs_code],
        "other": answer.json()["apiKey"]["key"],
    }


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _sold_by_other_shop(body: dict[str, Any]) -> dict[str, Any]:
    """The same order of the same platform, as the other shop declares it."""
    order = body["order"] | {"ebcCode": OTHER_SHOP.customs_code, "ebcName": OTHER_SHOP.name}
    return body | {"order": order}


@pytest.fixture
def declared(
    filed_client: TestClient, declarations: Declarations, keys: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """A declaration of the platform and its e-commerce company, and its id."""
    body = declarations.valid()
    answer = filed_client.post("/v1/declarations", json=body, headers=_as(keys["platform"]))
    assert answer.status_code == 202
    return body, answer.json()["id"]


def assert_discloses_nothing(answer: httpx.Response, declaration_id: str) -> None:
    assert answer.status_code == 409
    problem = answer.json()
    assert problem["code"] == "duplicate_order"
    assert "location" not in answer.headers
    assert "location" not in problem
    assert declaration_id not in answer.text


def test_a_stranger_to_the_declaration_is_told_nothing_of_it(
    filed_client: TestClient, keys: dict[str, str], declared: tuple[dict[str, Any], str]
) -> None:
    body, declaration_id = declared
    mine = _sold_by_other_shop(body)
    headers = _as(keys["other"])

    assert_discloses_nothing(
        filed_client.post("/v1/declarations", json=mine, headers=headers), declaration_id
    )
    keyed = headers | {"Idempotency-Key": "other-shop-1"}
    assert_discloses_nothing(
        filed_client.post("/v1/declarations", json=mine, headers=keyed), declaration_id
    )
    # The replay of that answer too.
    assert_discloses_nothing(
        filed_client.post("/v1/declarations", json=mine, headers=keyed), declaration_id
    )

    batch = filed_client.post(
        "/v1/declarations/batch", json={"declarations": [mine]}, headers=headers
    )
    assert batch.status_code == 200
    (result,) = batch.json()["results"]
    assert result["outcome"] == "duplicate_order"
    assert "location" not in result
    assert "id" not in result
    assert declaration_id not in batch.text


@pytest.mark.parametrize("caller", ["platform", "ecommerce"])
def test_a_party_is_pointed_at_its_declaration(
    filed_client: TestClient,
    keys: dict[str, str],
    declared: tuple[dict[str, Any], str],
    caller: str,
) -> None:
    body, declaration_id = declared
    location = f"/v1/declarations/{declaration_id}"
    headers = _as(keys[caller])

    answer = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert answer.status_code == 409
    assert answer.headers["location"] == location
    assert answer.json()["location"] == location
    assert declaration_id in answer.json()["detail"]

    batch = filed_client.post(
        "/v1/declarations/batch", json={"declarations": [body]}, headers=headers
    )
    (result,) = batch.json()["results"]
    assert (result["outcome"], result["location"]) == ("duplicate_order", location)


def test_the_platform_is_pointed_at_its_declaration_whoever_sold_it(
    filed_client: TestClient, keys: dict[str, str], declared: tuple[dict[str, Any], str]
) -> None:
    """The other shop's copy names the same platform: the platform is a party to the
    declaration that has the order, whichever shop its copy names."""
    body, declaration_id = declared
    answer = filed_client.post(
        "/v1/declarations", json=_sold_by_other_shop(body), headers=_as(keys["platform"])
    )
    assert answer.headers["location"] == f"/v1/declarations/{declaration_id}"


def test_a_duplicate_within_one_batch_points_at_the_callers_own(
    filed_client: TestClient, declarations: Declarations, keys: dict[str, str]
) -> None:
    body = _sold_by_other_shop(declarations.valid())
    batch = filed_client.post(
        "/v1/declarations/batch", json={"declarations": [body, body]}, headers=_as(keys["other"])
    )
    first, second = batch.json()["results"]
    assert first["outcome"] == "accepted"
    assert second["outcome"] == "duplicate_order"
    assert second["location"] == first["location"] == f"/v1/declarations/{first['id']}"


def test_the_admin_is_pointed_at_any_declaration(
    filed_client: TestClient, declared: tuple[dict[str, Any], str]
) -> None:
    """The admin reads every declaration: it is pointed at any."""
    body, declaration_id = declared
    answer = filed_client.post("/v1/declarations", json=_sold_by_other_shop(body))
    assert answer.headers["location"] == f"/v1/declarations/{declaration_id}"
