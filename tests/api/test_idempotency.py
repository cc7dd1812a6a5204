"""Idempotency-Key on POSTs: replay, reuse with another body, in flight, scope."""

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlmodel import col

from app.demo import DEMO_PARTIES as PARTIES
from app.domain.decision import Candidate, KeyUse, KeyVerdict, Outcome
from app.errors import IdempotencyKeyInFlight
from app.idempotent import fingerprint
from app.intake.pipeline import IntakePipeline, Submission, new_id
from app.schemas.declaration import DeclarationSet
from app.store import idempotency
from app.store import intake as store_intake
from app.store.db import make_engine, read_session, write_session
from app.store.models import Declaration, IdempotencyRecord
from app.store.models.types import utcnow
from tests.support.factories import Declarations
from tests.support.service import bearer_of


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


def test_a_refusal_found_in_the_stored_facts_is_what_the_key_keeps(
    filed_client: TestClient, declarations: Declarations
) -> None:
    """The documents are in order, so the acceptance is rendered ahead; the waybill was
    used already, so the refusal is what is answered, stored and replayed."""
    first = declarations.valid()
    assert filed_client.post("/v1/declarations", json=first).status_code == 202
    body = declarations.valid()
    body["logistics"]["logisticsNo"] = first["logistics"]["logisticsNo"]
    headers = {"Idempotency-Key": "k-waybill-reused"}
    refused = filed_client.post("/v1/declarations", json=body, headers=headers)
    again = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert refused.status_code == again.status_code == 422
    assert [v["code"] for v in refused.json()["violations"]] == ["waybill_reused"]
    assert again.json()["violations"] == refused.json()["violations"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "location" not in again.headers
    assert len(filed_client.get("/v1/declarations").json()["items"]) == 1


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


def test_a_keyed_refusal_is_kept_24_hours_then_purged(
    filed_client: TestClient, declarations: Declarations
) -> None:
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    body = declarations.valid()
    body["order"]["currency"] = "502"
    headers = {"Idempotency-Key": "old-refusal"}
    refused = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert refused.status_code == 422
    assert idempotency.purge_expired(engine, utcnow() + timedelta(hours=23)) == 0
    again = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert idempotency.purge_expired(engine, utcnow() + timedelta(hours=24, minutes=1)) == 1
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(IdempotencyRecord)).scalar() == 0


def test_a_keyed_acceptance_is_answered_from_its_declaration_for_24_hours(
    filed_client: TestClient, declarations: Declarations
) -> None:
    """Its key is kept on the declaration row, not among the stored answers (which the
    purge clears): a retry within the key's lifetime replays the acceptance; after it, the
    key may name a new request."""
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    body = declarations.valid()
    headers = {"Idempotency-Key": "old-acceptance"}
    first = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert first.status_code == 202
    assert idempotency.purge_expired(engine, utcnow() + timedelta(hours=24, minutes=1)) == 0

    # Within its lifetime, the declaration answers for the key.
    again = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert (again.status_code, again.json()) == (202, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    other = filed_client.post("/v1/declarations", json=declarations.valid(), headers=headers)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")

    # The declaration was made 24 hours and a minute ago: the key's lifetime is over.
    with write_session(engine) as session:
        session.execute(
            update(Declaration)
            .where(col(Declaration.id) == first.json()["id"])
            .values(created_at=utcnow() - timedelta(hours=24, minutes=1))
        )
        session.commit()
    renewed = filed_client.post("/v1/declarations", json=declarations.valid(), headers=headers)
    assert renewed.status_code == 202, renewed.text
    assert "idempotent-replayed" not in renewed.headers
    assert renewed.json()["id"] != first.json()["id"]
    # The key now answers for the new declaration, and the old one no longer holds it.
    retried = filed_client.post(
        "/v1/declarations", json=json.loads(renewed.request.content), headers=headers
    )
    assert retried.json()["id"] == renewed.json()["id"]
    assert retried.headers["idempotent-replayed"] == "true"
    with read_session(engine) as session:
        old = session.get(Declaration, first.json()["id"])
        assert old is not None
        assert (old.idempotency_scope, old.idempotency_key) == (None, None)
        assert old.status == "accepted"
    # The first request, sent again with the key, is now another request than the key's.
    repeated = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert repeated.status_code == 422
    assert repeated.json()["code"] == "idempotency_key_reused"


def test_an_invalid_key_is_refused(filed_client: TestClient, declarations: Declarations) -> None:
    answer = filed_client.post(
        "/v1/declarations", json=declarations.valid(), headers={"Idempotency-Key": "x" * 300}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "idempotency_key_invalid"


def test_a_keyed_refusal_names_its_own_request(
    filed_client: TestClient, declarations: Declarations
) -> None:
    """The answer stored with the key is rendered for the request that decided it."""
    body = declarations.valid()
    body["order"]["currency"] = "502"
    answer = filed_client.post(
        "/v1/declarations",
        json=body,
        headers={"Idempotency-Key": "k-request-id", "X-Request-ID": "req-keyed-1"},
    )
    assert answer.status_code == 422
    assert answer.json()["requestId"] == "req-keyed-1"


def _keyed(ds: DeclarationSet, key: str) -> Submission:
    body = ds.model_dump_json().encode()
    use = KeyUse("key:test", key, fingerprint("POST", "/v1/declarations", body))
    return Submission(
        Candidate.of(ds, new_id(), use),
        "admin:key-test",
        lambda result: idempotency.StoredAnswer(422, result.outcome.value, {}),
    )


def test_one_key_twice_in_a_group_is_in_flight_for_the_second(
    filed_client: TestClient, declarations: Declarations
) -> None:
    intake: IntakePipeline = filed_client.app.state.intake  # type: ignore[attr-defined]
    ds = DeclarationSet.model_validate(declarations.valid())
    first, second = intake.decide_and_write([_keyed(ds, "twice"), _keyed(ds, "twice")])
    assert first.outcome is Outcome.ACCEPTED
    assert second.outcome is Outcome.KEYED
    assert second.decision.key_verdict is KeyVerdict.IN_FLIGHT
    # The key was stored with the declaration, in the same transaction: a retry replays it.
    (again,) = intake.decide_and_write([_keyed(ds, "twice")])
    assert again.decision.key_verdict is KeyVerdict.REPLAY
    assert first.declaration is not None
    assert again.decision.existing_id == first.declaration.id
    assert again.replay_created_at == first.declaration.created_at


def test_after_a_lost_race_keys_are_still_claimed_and_answered(
    filed_client: TestClient, declarations: Declarations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a group keeps losing races, its items are decided one by one; their keys too."""
    intake: IntakePipeline = filed_client.app.state.intake  # type: ignore[attr-defined]
    items = [DeclarationSet.model_validate(declarations.valid()) for _ in range(2)]
    write = store_intake.write
    calls: list[int] = []

    def lose_the_groups(
        connection: Any, writes: store_intake.Writes, *args: Any, **kwargs: Any
    ) -> Any:
        calls.append(len(writes.accepted))
        if len(writes.accepted) > 1:
            raise store_intake.RaceLost("another transaction won")
        return write(connection, writes, *args, **kwargs)

    monkeypatch.setattr(store_intake, "write", lose_the_groups)
    results = intake.decide_and_write([_keyed(ds, f"race-{n}") for n, ds in enumerate(items)])
    assert [r.outcome for r in results] == [Outcome.ACCEPTED] * 2
    assert calls == [2, 2, 2, 1, 1]
    replays = [intake.decide_and_write([_keyed(ds, f"race-{n}")])[0] for n, ds in enumerate(items)]
    assert [r.decision.key_verdict for r in replays] == [KeyVerdict.REPLAY] * 2


def test_keys_claimed_together_in_one_transaction(database_url: str) -> None:
    """New keys are taken in one statement; a key named twice is in flight for the second;
    a completed key replays its answer."""
    engine = make_engine(database_url)
    policy = idempotency.KeyPolicy(ttl=timedelta(hours=24), in_flight_timeout=timedelta(minutes=1))
    claims = [idempotency.KeyClaim("key:t", f"k{n}", "print", policy) for n in range(3)]
    try:
        with write_session(engine) as session:
            outcomes = idempotency.claim_many(session, [*claims, claims[1]], utcnow())
            idempotency.complete_many(
                session, [("key:t", "k0", idempotency.StoredAnswer(202, "{}", {}))]
            )
            session.commit()
        assert outcomes[:3] == [None, None, None]
        assert isinstance(outcomes[3], IdempotencyKeyInFlight)
        with write_session(engine) as session:
            again = idempotency.claim_many(session, claims[:2], utcnow())
            session.commit()
        assert again[0] == idempotency.StoredAnswer(202, "{}", {})
        assert isinstance(again[1], IdempotencyKeyInFlight)
    finally:
        engine.dispose()
