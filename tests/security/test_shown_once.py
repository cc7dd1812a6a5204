"""A secret is shown once: replaying a request with the same Idempotency-Key answers the
same status and record with the secret null (``Idempotent-Redacted`` names the fields
withheld), and the stored answer never holds it: not a webhook endpoint's signing secret,
not a new API key, not an enterprise's first key."""

import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.idempotent import SHOWN_ONCE
from app.main import api_routes
from tests.support.factories import Declarations

HOOK = {"url": "http://127.0.0.1:9/hook", "events": ["declaration.status_changed"]}


def twice(client: TestClient, method: str, url: str, **kwargs: Any) -> tuple[Any, Any]:
    """A request and its retry with the same Idempotency-Key."""
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.request(method, url, headers=headers, **kwargs)
    again = client.request(method, url, headers=headers, **kwargs)
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    return first, again


def stored_answers(client: TestClient) -> str:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return "\n".join(
            str(row) for row in connection.exec_driver_sql("SELECT * FROM idempotency_keys")
        )


def test_a_webhook_secret_is_not_replayed_nor_kept_for_a_replay(client: TestClient) -> None:
    first, again = twice(client, "POST", "/v1/webhooks", json=HOOK)
    secret = first.json()["secret"]
    assert secret.startswith("whsec_")
    assert again.json() == first.json() | {"secret": None}
    assert again.headers["idempotent-redacted"] == "/secret"
    assert "idempotent-redacted" not in first.headers
    assert secret not in stored_answers(client)
    # The endpoint was registered once.
    assert [e["id"] for e in client.get("/v1/webhooks").json()["items"]] == [first.json()["id"]]


def test_a_secret_the_caller_brought_is_not_replayed_either(client: TestClient) -> None:
    mine = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw3gzEzuT7d1M="
    first, again = twice(client, "POST", "/v1/webhooks", json=HOOK | {"secret": mine})
    assert first.json()["secret"] == mine
    assert again.json()["secret"] is None
    assert mine not in stored_answers(client)


def test_a_new_or_rotated_api_key_is_not_replayed(client: TestClient) -> None:
    body = {"kind": "regulator", "agency": "customs"}
    first, again = twice(client, "POST", "/v1/keys", json=body)
    assert first.json()["key"].startswith("sw_r_")
    assert again.json() == first.json() | {"key": None}
    assert again.headers["idempotent-redacted"] == "/key"

    rotated, rotated_again = twice(client, "POST", f"/v1/keys/{first.json()['id']}/rotate")
    assert rotated.json()["key"].startswith("sw_r_")
    assert rotated_again.json() == rotated.json() | {"key": None}
    kept = stored_answers(client)
    assert first.json()["key"] not in kept
    assert rotated.json()["key"] not in kept


def test_an_enterprises_first_key_is_not_replayed(
    client: TestClient, declarations: Declarations
) -> None:
    first, again = twice(client, "POST", "/v1/enterprises", json=declarations.filings()[0])
    key = first.json()["apiKey"]["key"]
    assert key.startswith("sw_e_")
    assert again.json()["apiKey"] == first.json()["apiKey"] | {"key": None}
    assert again.headers["idempotent-redacted"] == "/apiKey/key"
    assert key not in stored_answers(client)


def test_a_refusal_is_replayed_as_it_was(client: TestClient) -> None:
    """Only secrets are withheld: a refusal replays whole, with no redaction said."""
    first = client.post("/v1/keys", json={"kind": "regulator"}, headers={"Idempotency-Key": "k"})
    again = client.post("/v1/keys", json={"kind": "regulator"}, headers={"Idempotency-Key": "k"})
    assert first.status_code == again.status_code == 422
    assert again.json()["violations"] == first.json()["violations"]
    assert "idempotent-redacted" not in again.headers


def test_every_route_said_to_show_a_secret_once_exists(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    routes = {(method, route.path) for route in api_routes(app) for method in route.methods}
    assert set(SHOWN_ONCE) <= routes
