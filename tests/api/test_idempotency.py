"""Idempotency-Key on POSTs: replay, reuse with another body, in flight, scope."""

from datetime import timedelta

from fastapi.testclient import TestClient

from app.demo import DEMO_PARTIES as PARTIES
from app.idempotent import fingerprint
from app.models.types import utcnow
from app.services import idempotency
from tests.conftest import Declarations, bearer_of


def test_same_key_and_body_replays_the_first_answer(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    headers = {"Idempotency-Key": "order-1-attempt"}
    first = filed_client.post("/v1/declarations", json=body, headers=headers)
    again = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    listed = filed_client.get("/v1/declarations").json()["items"]
    assert len(listed) == 1


def test_refusals_are_replayed_too(filed_client: TestClient, declarations: Declarations) -> None:
    body = declarations.valid()
    body["order"]["currency"] = "502"
    headers = {"Idempotency-Key": "k-refused"}
    first = filed_client.post("/v1/declarations", json=body, headers=headers)
    again = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert first.status_code == again.status_code == 422
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["violations"] == first.json()["violations"]


def test_same_key_with_another_body_is_422(
    filed_client: TestClient, declarations: Declarations
) -> None:
    headers = {"Idempotency-Key": "k-1"}
    assert (
        filed_client.post(
            "/v1/declarations", json=declarations.valid(), headers=headers
        ).status_code
        == 202
    )
    other = filed_client.post("/v1/declarations", json=declarations.valid(), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_key_in_flight_is_409(filed_client: TestClient, declarations: Declarations) -> None:
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    body = declarations.valid()
    request = filed_client.build_request(
        "POST", "/v1/declarations", json=body, headers={"Idempotency-Key": "slow"}
    )
    # Another request holds the key: claim it the way the service does.
    policy = idempotency.KeyPolicy(ttl=timedelta(hours=24), in_flight_timeout=timedelta(minutes=1))
    held = fingerprint("POST", "/v1/declarations", request.content)
    # The admin's scope: the key given at start-up.
    assert idempotency.claim(engine, "key:bootstrap", "slow", held, policy) is None
    answer = filed_client.send(request)
    assert answer.status_code == 409
    assert answer.json()["code"] == "idempotency_key_in_flight"


def test_keys_belong_to_their_caller(filed_client: TestClient, declarations: Declarations) -> None:
    first = filed_client.post(
        "/v1/declarations",
        json=declarations.valid(),
        headers={"Idempotency-Key": "shared"}
        | bearer_of(filed_client, PARTIES.platform.customs_code),
    )
    second = filed_client.post(
        "/v1/declarations",
        json=declarations.valid(),
        headers={"Idempotency-Key": "shared"}
        | bearer_of(filed_client, PARTIES.ecommerce.customs_code),
    )
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] != second.json()["id"]


def test_keys_are_kept_24_hours_then_purged(
    filed_client: TestClient, declarations: Declarations
) -> None:
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    filed_client.post(
        "/v1/declarations", json=declarations.valid(), headers={"Idempotency-Key": "old"}
    )
    assert idempotency.purge_expired(engine, utcnow() + timedelta(hours=23)) == 0
    assert idempotency.purge_expired(engine, utcnow() + timedelta(hours=24, minutes=1)) == 1


def test_an_invalid_key_is_refused(filed_client: TestClient, declarations: Declarations) -> None:
    answer = filed_client.post(
        "/v1/declarations", json=declarations.valid(), headers={"Idempotency-Key": "x" * 300}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "idempotency_key_invalid"
