"""Each party posts its own document (三单对碰): the order, the payment and the waybill of
one order arrive separately, from their own senders, in any order, and make one
declaration through the same pipeline as a set posted in one call."""

import itertools
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import col

from app import demo
from app.store import party_documents
from app.store.models import WebhookEvent
from app.store.models.types import utcnow
from tests.support.factories import Declarations

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
ECOMMERCE = demo.DEMO_PARTIES.ecommerce.customs_code
PAYMENT = demo.DEMO_PARTIES.payment.customs_code
LOGISTICS = demo.DEMO_PARTIES.logistics.customs_code

# Each document: where it is posted, its part of a declaration, and who sends it.
ROUTES = {
    "order": ("/v1/orders", "order", PLATFORM),
    "payment": ("/v1/payments", "payment", PAYMENT),
    "waybill": ("/v1/waybills", "logistics", LOGISTICS),
}


def key(client: TestClient, customs_code: str) -> dict[str, str]:
    keys: dict[str, str] = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[customs_code]}"}


def post(client: TestClient, kind: str, declaration: dict[str, Any], **changes: Any) -> Any:
    url, part, sender = ROUTES[kind]
    body = declaration[part] | changes
    return client.post(url, json=body, headers=key(client, sender))


def declarations_of(client: TestClient, order_no: str) -> list[dict[str, Any]]:
    answer = client.get(f"/v1/declarations?orderNo={order_no}")
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


@pytest.mark.parametrize("arrival", list(itertools.permutations(ROUTES)), ids="-".join)
def test_three_documents_in_any_order_make_one_declaration(
    filed_client: TestClient, declarations: Declarations, arrival: tuple[str, ...]
) -> None:
    declaration = declarations.valid()
    order_no = declaration["order"]["orderNo"]
    first, second, third = (post(filed_client, kind, declaration) for kind in arrival)
    for answer, received in ((first, arrival[:1]), (second, arrival[:2])):
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["status"] == "waiting"
        assert body["declaration"] is None
        assert set(body["received"]) == set(received)
        assert set(body["missing"]) == set(ROUTES) - set(received)
    assert third.status_code == 202, third.text
    done = third.json()
    assert done["status"] == "assembled"
    assert done["missing"] == []
    outcome = done["declaration"]
    assert outcome["outcome"] == "accepted"
    assert third.headers["location"] == f"/v1/declarations/{outcome['id']}"
    found = declarations_of(filed_client, order_no)
    assert [d["id"] for d in found] == [outcome["id"]]
    assert found[0]["status"] == "accepted"
    detail = filed_client.get(f"/v1/declarations/{outcome['id']}").json()
    assert (
        detail["documents"]["logistics"]["logisticsNo"] == (declaration["logistics"]["logisticsNo"])
    )
    # Every party reads where the order stands.
    for sender in (PLATFORM, PAYMENT, LOGISTICS):
        state = filed_client.get(
            f"/v1/orders/{PLATFORM}/{order_no}/documents", headers=key(filed_client, sender)
        )
        assert state.status_code == 200, state.text
        assert state.json()["missing"] == []
        assert {d["status"] for d in state.json()["documents"]} == {"assembled"}
        assert state.json()["declaration"]["id"] == outcome["id"]


def test_the_e_commerce_company_may_send_the_order(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    answer = filed_client.post(
        "/v1/orders", json=declaration["order"], headers=key(filed_client, ECOMMERCE)
    )
    assert answer.status_code == 202, answer.text


@pytest.mark.parametrize(
    ("kind", "sender"),
    [("order", PAYMENT), ("payment", PLATFORM), ("waybill", PAYMENT), ("payment", LOGISTICS)],
)
def test_a_document_from_another_than_its_sender_is_refused(
    filed_client: TestClient, declarations: Declarations, kind: str, sender: str
) -> None:
    declaration = declarations.valid()
    url, part, _ = ROUTES[kind]
    answer = filed_client.post(url, json=declaration[part], headers=key(filed_client, sender))
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_a_party"
    state = filed_client.get(f"/v1/orders/{PLATFORM}/{declaration['order']['orderNo']}/documents")
    assert state.status_code == 404


def test_a_document_sent_again_is_answered_the_same_and_stores_nothing(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    first = post(filed_client, "payment", declaration)
    again = post(filed_client, "payment", declaration, guid="0" * 36)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == first.json()
    order_no = declaration["order"]["orderNo"]
    rows = party_documents.order_documents(filed_client.app.state.engine, PLATFORM, order_no)  # type: ignore[attr-defined]
    assert [r.kind for r in rows] == ["payment"]
    # Once declared, too: the same answer, no second declaration.
    post(filed_client, "order", declaration)
    done = post(filed_client, "waybill", declaration)
    resent = post(filed_client, "waybill", declaration)
    assert resent.status_code == 200
    assert resent.json() == done.json()
    assert len(declarations_of(filed_client, order_no)) == 1


def test_an_idempotency_key_replays_the_first_answer(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    url, _, sender = ROUTES["order"]
    headers = key(filed_client, sender) | {"Idempotency-Key": "order-1"}
    first = filed_client.post(url, json=declaration["order"], headers=headers)
    again = filed_client.post(url, json=declaration["order"], headers=headers)
    assert again.status_code == first.status_code == 202
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()


def test_a_change_replaces_the_waiting_document_and_a_new_one_conflicts(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    order_no = declaration["order"]["orderNo"]
    assert post(filed_client, "waybill", declaration).status_code == 202
    conflicting = post(filed_client, "waybill", declaration, weight="9.5")
    assert conflicting.status_code == 409
    assert conflicting.json()["code"] == "document_conflict"
    changed = post(filed_client, "waybill", declaration, weight="9.5", appType="2")
    assert changed.status_code == 202, changed.text
    assert changed.json()["status"] == "waiting"
    post(filed_client, "order", declaration)
    done = post(filed_client, "payment", declaration).json()
    assert done["declaration"]["outcome"] == "accepted"
    detail = filed_client.get(f"/v1/declarations/{done['declaration']['id']}").json()
    assert detail["documents"]["logistics"]["weight"] == "9.5"
    # Declared: a change amends the declaration (a new version), it makes no other.
    late = post(filed_client, "order", declaration, buyerRegNo="other", appType="2")
    assert late.status_code == 202, late.text
    assert late.json()["declaration"]["id"] == done["declaration"]["id"]
    assert len(declarations_of(filed_client, order_no)) == 1
    detail = filed_client.get(f"/v1/declarations/{done['declaration']['id']}").json()
    assert (detail["version"], detail["documents"]["order"]["buyerRegNo"]) == (2, "other")
    # Sent again as a new document (appType 1): the order is declared already.
    again = post(filed_client, "order", declaration, buyerRegNo="third")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_order"


def test_documents_that_disagree_are_refused_with_every_violation_and_can_be_corrected(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    order_no = declaration["order"]["orderNo"]
    post(filed_client, "order", declaration)
    post(filed_client, "waybill", declaration, consignee="王五")
    refused = post(filed_client, "payment", declaration, amountPaid="1.00", payerName="张三")
    assert refused.status_code == 202, refused.text
    body = refused.json()
    assert body["status"] == "refused"
    outcome = body["declaration"]
    assert outcome["outcome"] == "declaration_refused"
    codes = {v["code"] for v in outcome["violations"]}
    assert {"paid_amount_mismatch", "payer_not_buyer", "consignee_mismatch"} <= codes
    assert declarations_of(filed_client, order_no) == []
    # The documents stay: each correction declares them again.
    fixed_payment = post(filed_client, "payment", declaration, appType="2").json()
    assert fixed_payment["status"] == "refused"
    assert {v["code"] for v in fixed_payment["declaration"]["violations"]} == {"consignee_mismatch"}
    fixed = post(filed_client, "waybill", declaration, appType="2")
    assert fixed.json()["declaration"]["outcome"] == "accepted", fixed.text
    assert len(declarations_of(filed_client, order_no)) == 1


def test_unmatched_documents_expire_and_their_senders_are_told(
    filed_client: TestClient, declarations: Declarations
) -> None:
    for sender in (PAYMENT, LOGISTICS):
        hook = filed_client.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "events": ["documents.expired"]},
            headers=key(filed_client, sender),
        )
        assert hook.status_code == 201, hook.text
    declaration = declarations.valid()
    order_no = declaration["order"]["orderNo"]
    post(filed_client, "payment", declaration)
    post(filed_client, "waybill", declaration)
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    assert party_documents.expire_due(engine, utcnow()) == []
    expired = party_documents.expire_due(engine, utcnow() + timedelta(hours=25))
    assert {(e.kind, e.order_no, e.party) for e in expired} == {
        ("payment", order_no, PAYMENT),
        ("waybill", order_no, LOGISTICS),
    }
    assert party_documents.expire_due(engine, utcnow() + timedelta(hours=25)) == []
    with engine.connect() as connection:
        events = connection.execute(
            select(col(WebhookEvent.type), col(WebhookEvent.parties), col(WebhookEvent.payload))
        ).all()
    told = {(t, tuple(p), payload["data"]["kind"]) for t, p, payload in events}
    assert told == {
        ("documents.expired", (PAYMENT,), "payment"),
        ("documents.expired", (LOGISTICS,), "waybill"),
    }
    state = filed_client.get(
        f"/v1/orders/{PLATFORM}/{order_no}/documents", headers=key(filed_client, PAYMENT)
    ).json()
    assert {d["status"] for d in state["documents"]} == {"expired"}
    assert set(state["missing"]) == {"order", "payment", "waybill"}
    # Expired documents may be sent again, and then make the declaration.
    post(filed_client, "order", declaration)
    post(filed_client, "payment", declaration)
    done = post(filed_client, "waybill", declaration).json()
    assert done["declaration"]["outcome"] == "accepted"


def test_the_one_call_set_keeps_working_and_takes_the_order(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    answer = filed_client.post("/v1/declarations", json=declaration)
    assert answer.status_code == 202, answer.text
    post(filed_client, "order", declaration)
    post(filed_client, "payment", declaration)
    late = post(filed_client, "waybill", declaration).json()
    assert late["status"] == "refused"
    assert late["declaration"]["outcome"] == "duplicate_order"
    assert len(declarations_of(filed_client, declaration["order"]["orderNo"])) == 1


def test_a_waybill_names_its_platform_when_several_have_its_order_number_waiting(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    order_no = declaration["order"]["orderNo"]
    post(filed_client, "order", declaration)
    # The admin posts another platform's order with the same number.
    other = declaration["order"] | {"ebpCode": "3301960099", "ebcCode": "3301960099"}
    assert filed_client.post("/v1/orders", json=other).status_code == 202
    ambiguous = post(filed_client, "waybill", declaration)
    assert ambiguous.status_code == 409
    assert ambiguous.json()["code"] == "waybill_platform_ambiguous"
    named = filed_client.post(
        f"/v1/waybills?ebpCode={PLATFORM}",
        json=declaration["logistics"],
        headers=key(filed_client, LOGISTICS),
    )
    assert named.status_code == 202, named.text
    assert named.json()["ebpCode"] == PLATFORM
    done = post(filed_client, "payment", declaration).json()
    assert done["declaration"]["outcome"] == "accepted"
    assert len(declarations_of(filed_client, order_no)) == 1
