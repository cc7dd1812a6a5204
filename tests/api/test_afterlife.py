"""A declaration's life after acceptance: amendments (If-Match, versions), cancellation
before and after release, returns in whole and in part, with the quota given back and
the tax refunded. The agencies are stand-ins answering over httpx (the real simulated
agencies' side is in tests/unit/test_agency_*actions*.py and tests/integration)."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import demo
from app.store import audit, audit_rows
from tests.support.afterlife import (
    ActionAgencies,
    action_messages,
    dispatch,
    outbox_statuses,
    quota_used,
)
from tests.support.factories import Declarations
from tests.support.receipts import TAX, clear_everything, receipt, send
from tests.support.service import RECEIVER_HOST, settle

SHOES = demo.PRODUCTS[4]  # 899.00 a pair
TOOTHPASTE = demo.PRODUCTS[1]  # 39.90


def engine_of(client: TestClient) -> Any:
    return client.app.state.engine  # type: ignore[attr-defined]


def declare(client: TestClient, body: dict[str, Any]) -> str:
    answer = client.post("/v1/declarations", json=body)
    assert answer.status_code == 202, answer.text
    declaration_id: str = answer.json()["id"]
    return declaration_id


def cleared(client: TestClient, body: dict[str, Any]) -> str:
    declaration_id = declare(client, body)
    settle(client)
    clear_everything(client, declaration_id)
    assert client.get(f"/v1/declarations/{declaration_id}").json()["status"] == "cleared"
    return declaration_id


def detail(client: TestClient, declaration_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/declarations/{declaration_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def assert_trail_holds(engine: Any) -> None:
    """The audit chain holds, and every declaration is as its newest entries say."""
    assert audit.verify(engine).ok
    rows = audit_rows.check(engine)
    assert rows.ok, rows.problems


@pytest.fixture
def agencies() -> ActionAgencies:
    return ActionAgencies()


# -- amend --------------------------------------------------------------------------------


def test_an_amendment_needs_the_current_etag(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    read = filed_client.get(f"/v1/declarations/{declaration_id}")
    assert read.headers["etag"] == '"1"'
    assert read.json()["version"] == 1
    url = f"/v1/declarations/{declaration_id}"

    missing = filed_client.put(url, json=body)
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"
    stale = filed_client.put(url, json=body, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert stale.headers["etag"] == '"1"'

    body["logistics"]["consignee"] = body["order"]["consignee"] = "王小明"
    amended = filed_client.put(url, json=body, headers={"If-Match": read.headers["etag"]})
    assert amended.status_code == 200, amended.text
    assert amended.headers["etag"] == '"2"'
    assert amended.json()["version"] == 2
    assert amended.json()["status"] == "accepted"
    assert detail(filed_client, declaration_id)["documents"]["order"]["consignee"] == "王小明"
    # The same ETag again is stale now.
    again = filed_client.put(url, json=body, headers={"If-Match": '"1"'})
    assert again.status_code == 412


def test_the_identity_cannot_change(filed_client: TestClient, declarations: Declarations) -> None:
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    body["order"]["orderNo"] = body["payment"]["orderNo"] = body["logistics"]["orderNo"] = "X1"
    answer = filed_client.put(
        f"/v1/declarations/{declaration_id}", json=body, headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 422
    found = answer.json()["violations"]
    assert [(v["code"], v["pointer"]) for v in found] == [("identity_changed", "/order/orderNo")]


def test_an_amended_set_is_checked_by_every_rule(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    body["payment"]["amountPaid"] = "1.00"
    answer = filed_client.put(
        f"/v1/declarations/{declaration_id}", json=body, headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 422
    assert "paid_amount_mismatch" in {v["code"] for v in answer.json()["violations"]}
    assert detail(filed_client, declaration_id)["version"] == 1


def test_receipts_about_an_earlier_version_no_longer_count(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    settle(filed_client)
    send(filed_client, "inspection", receipt(declaration_id, "inspection", "passed", 2))
    amended = filed_client.put(
        f"/v1/declarations/{declaration_id}", json=body, headers={"If-Match": '"1"'}
    )
    assert amended.status_code == 200, amended.text
    agencies = {a["agency"]: a["status"] for a in amended.json()["agencies"]}
    assert agencies == dict.fromkeys(("customs", "forex", "inspection", "tax"), "pending")

    late = send(filed_client, "customs", receipt(declaration_id, "customs", "rejected", 3))
    assert late.json()["ignored"] == 1
    assert detail(filed_client, declaration_id)["status"] == "accepted"
    fresh = send(
        filed_client, "customs", receipt(declaration_id, "customs", "released", 4, version=2)
    )
    assert fresh.json()["applied"] == 1
    # The new version went out to every agency, under keys of its own.
    keys = {
        m for m in outbox_keys(filed_client, declaration_id) if m.endswith(":v2") and ":submit" in m
    }
    assert len(keys) == 4


def outbox_keys(client: TestClient, declaration_id: str) -> list[str]:
    with engine_of(client).connect() as connection:
        return [
            row[0]
            for row in connection.execute(
                text("SELECT idempotency_key FROM outbox_messages WHERE subject_id = :id"),
                {"id": declaration_id},
            )
        ]


def test_no_amendment_once_the_goods_are_released(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    declaration_id = cleared(filed_client, body)
    answer = filed_client.put(
        f"/v1/declarations/{declaration_id}", json=body, headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "declaration_not_amendable"
    assert answer.json()["currentStatus"] == "cleared"


def test_a_refused_declaration_is_corrected_and_charged_again(
    filed_client: TestClient, declarations: Declarations
) -> None:
    buyer = declarations.buyer()
    body = declarations.valid(buyer=buyer, lines=[(SHOES, 2)])
    declaration_id = declare(filed_client, body)
    settle(filed_client)
    engine = engine_of(filed_client)
    assert quota_used(engine, buyer.id_number) == Decimal("1808.00")
    send(filed_client, "tax", receipt(declaration_id, "tax", "rejected", 2, tax=TAX))
    assert detail(filed_client, declaration_id)["status"] == "rejected"
    assert quota_used(engine, buyer.id_number) == 0

    fixed = declarations.valid(buyer=buyer, lines=[(SHOES, 1)])
    for document in ("order", "payment", "logistics"):
        fixed[document]["orderNo"] = body["order"]["orderNo"]
    fixed["logistics"]["logisticsNo"] = body["logistics"]["logisticsNo"]
    answer = filed_client.put(
        f"/v1/declarations/{declaration_id}", json=fixed, headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "accepted"
    assert quota_used(engine, buyer.id_number) == Decimal("909.00")


# -- cancel -------------------------------------------------------------------------------


def test_cancelled_before_release_at_once(
    filed_client: TestClient, declarations: Declarations, agencies: ActionAgencies
) -> None:
    buyer = declarations.buyer()
    declaration_id = declare(filed_client, declarations.valid(buyer=buyer, lines=[(SHOES, 1)]))
    engine = engine_of(filed_client)
    assert quota_used(engine, buyer.id_number) == Decimal("909.00")
    url = f"/v1/declarations/{declaration_id}/cancellation"

    answer = filed_client.post(url, json={"reason": "the buyer changed their mind"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "cancelled"
    assert answer.json()["action"]["status"] == "completed"
    assert quota_used(engine, buyer.id_number) == 0
    # Not derived yet when cancelled: its deliveries are withheld, withdrawals go out.
    statuses = outbox_statuses(engine, declaration_id)
    assert statuses.count("withdrawn") == 4
    assert "pending" not in statuses
    dispatch(filed_client, agencies)
    assert sorted(a for a, kind, _ in agencies.seen if kind == "withdrawal") == sorted(
        ("customs", "inspection", "tax", "forex")
    )
    shown = detail(filed_client, declaration_id)["cancellations"][0]
    assert {a["agency"]: a["status"] for a in shown["agencies"]} == dict.fromkeys(
        ("customs", "forex", "inspection", "tax"), "withdrawn"
    )

    again = filed_client.post(url, json={"reason": "twice"})
    assert again.status_code == 409
    assert again.json()["code"] == "declaration_not_cancellable"
    assert again.json()["currentStatus"] == "cancelled"
    # Receipts still on their way change nothing.
    late = send(filed_client, "customs", receipt(declaration_id, "customs", "released", 2))
    assert late.json()["ignored"] == 1
    assert detail(filed_client, declaration_id)["status"] == "cancelled"
    assert_trail_holds(engine)


def test_cancelled_after_release_when_customs_agrees(
    filed_client: TestClient, declarations: Declarations, agencies: ActionAgencies
) -> None:
    buyer = declarations.buyer()
    declaration_id = cleared(filed_client, declarations.valid(buyer=buyer, lines=[(SHOES, 1)]))
    engine = engine_of(filed_client)
    answer = filed_client.post(
        f"/v1/declarations/{declaration_id}/cancellation", json={"reason": "order voided"}
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["action"]["status"] == "awaiting_customs"
    assert answer.json()["status"] == "cleared"
    assert quota_used(engine, buyer.id_number) == Decimal("909.00")

    dispatch(filed_client, agencies)
    shown = detail(filed_client, declaration_id)
    assert shown["status"] == "cancelled"
    (cancellation,) = shown["cancellations"]
    assert cancellation["status"] == "completed"
    assert cancellation["refund"]["total"] == "89.90"
    assert {a["agency"]: a["status"] for a in cancellation["agencies"]} == {
        "customs": "approved",
        "tax": "refunded",
        "forex": "reversed",
    }
    assert quota_used(engine, buyer.id_number) == 0
    assert_trail_holds(engine)


def test_customs_may_refuse_a_cancellation_after_release(
    filed_client: TestClient, declarations: Declarations, agencies: ActionAgencies
) -> None:
    buyer = declarations.buyer()
    declaration_id = cleared(filed_client, declarations.valid(buyer=buyer, lines=[(SHOES, 1)]))
    agencies.refuse = True
    filed_client.post(
        f"/v1/declarations/{declaration_id}/cancellation", json={"reason": "order voided"}
    )
    dispatch(filed_client, agencies)
    shown = detail(filed_client, declaration_id)
    assert shown["status"] == "cleared"
    assert shown["cancellations"][0]["status"] == "refused"
    assert quota_used(engine_of(filed_client), buyer.id_number) == Decimal("909.00")
    # Tax and forex were never asked.
    assert {a for a, _, _ in agencies.seen} == {"customs"}


def test_no_cancellation_or_return_after_the_window(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration_id = cleared(filed_client, declarations.valid())
    later = datetime.now(UTC) + timedelta(days=31)
    filed_client.app.state.clock = lambda: later  # type: ignore[attr-defined]
    answer = filed_client.post(
        f"/v1/declarations/{declaration_id}/cancellation", json={"reason": "too late"}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "return_window_closed"
    answer = filed_client.post(
        f"/v1/declarations/{declaration_id}/returns",
        json={"logisticsNo": "RT1", "items": [{"gnum": 1, "qty": "1"}], "reason": "late"},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "return_window_closed"


# -- return -------------------------------------------------------------------------------


def test_returns_in_parts_add_up_to_everything(
    filed_client: TestClient, declarations: Declarations, agencies: ActionAgencies
) -> None:
    buyer = declarations.buyer()
    declaration_id = cleared(
        filed_client, declarations.valid(buyer=buyer, lines=[(SHOES, 2), (TOOTHPASTE, 3)])
    )
    engine = engine_of(filed_client)
    total = Decimal("1798.00") + Decimal("119.70") + Decimal("10.00")
    assert quota_used(engine, buyer.id_number) == total
    url = f"/v1/declarations/{declaration_id}/returns"

    first = filed_client.post(
        url,
        json={"logisticsNo": "RT0001", "items": [{"gnum": 1, "qty": "1"}], "reason": "too big"},
    )
    assert first.status_code == 202, first.text
    assert first.json()["action"]["status"] == "awaiting_customs"
    dispatch(filed_client, agencies)
    shown = detail(filed_client, declaration_id)
    assert shown["status"] == "partially_returned"
    assert shown["returns"][0]["quotaGivenBack"] == "899.00"
    assert quota_used(engine, buyer.id_number) == total - Decimal("899.00")

    over = filed_client.post(
        url,
        json={
            "logisticsNo": "RT0002",
            "items": [{"gnum": 1, "qty": "2"}, {"gnum": 9, "qty": "1"}],
            "reason": "everything",
        },
    )
    assert over.status_code == 422
    assert [(v["code"], v["pointer"]) for v in over.json()["violations"]] == [
        ("return_exceeds_bought", "/items/0/qty"),
        ("return_line_unknown", "/items/1/gnum"),
    ]

    rest = filed_client.post(
        url,
        json={
            "logisticsNo": "RT0002",
            "items": [{"gnum": 1, "qty": "1"}, {"gnum": 2, "qty": "3"}],
            "reason": "everything else",
        },
    )
    assert rest.status_code == 202, rest.text
    dispatch(filed_client, agencies)
    shown = detail(filed_client, declaration_id)
    assert shown["status"] == "returned"
    assert [r["status"] for r in shown["returns"]] == ["completed", "completed"]
    # Everything back: the whole charge, freight included.
    assert quota_used(engine, buyer.id_number) == 0
    assert_trail_holds(engine)
    figures = filed_client.get("/v1/regulator/stats").json()["afterRelease"]
    assert (figures["returns"], figures["cancellations"], figures["refused"]) == (2, 0, 0)
    assert Decimal(figures["quotaGivenBack"]) == total
    # The stand-in refunds a tenth of the lines' value: 89.90, then 89.90 + 11.97.
    assert Decimal(figures["refundTotal"]) == Decimal("191.77")
    nothing_left = filed_client.post(
        url,
        json={"logisticsNo": "RT0003", "items": [{"gnum": 2, "qty": "1"}], "reason": "again"},
    )
    assert nothing_left.status_code == 409
    assert nothing_left.json()["code"] == "declaration_not_returnable"


def test_no_return_before_release(filed_client: TestClient, declarations: Declarations) -> None:
    declaration_id = declare(filed_client, declarations.valid())
    answer = filed_client.post(
        f"/v1/declarations/{declaration_id}/returns",
        json={"logisticsNo": "RT1", "items": [{"gnum": 1, "qty": "1"}], "reason": "early"},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "declaration_not_returnable"
    assert answer.json()["currentStatus"] == "accepted"


def test_a_retried_cancellation_is_answered_once(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration_id = declare(filed_client, declarations.valid())
    url = f"/v1/declarations/{declaration_id}/cancellation"
    headers = {"Idempotency-Key": "cancel-1"}
    first = filed_client.post(url, json={"reason": "voided"}, headers=headers)
    again = filed_client.post(url, json={"reason": "voided"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert len(detail(filed_client, declaration_id)["cancellations"]) == 1
    assert len(action_messages(engine_of(filed_client))) == 4


def test_only_the_platform_or_ecommerce_company_acts(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    keys = filed_client.app.state.enterprise_keys  # type: ignore[attr-defined]
    url = f"/v1/declarations/{declaration_id}/cancellation"
    payer = {"Authorization": f"Bearer {keys[body['payment']['payCode']]}"}
    answer = filed_client.post(url, json={"reason": "not mine"}, headers=payer)
    assert answer.status_code == 403
    platform = {"Authorization": f"Bearer {keys[body['order']['ebpCode']]}"}
    answer = filed_client.post(url, json={"reason": "mine"}, headers=platform)
    assert answer.status_code == 200, answer.text


def test_each_change_is_told_to_the_parties_webhooks(
    filed_client: TestClient, declarations: Declarations, agencies: ActionAgencies
) -> None:
    hook = filed_client.post(
        "/v1/webhooks",
        json={
            "url": f"http://{RECEIVER_HOST}:9/hook",
            "events": ["declaration.changed", "declaration.status_changed"],
        },
    )
    assert hook.status_code == 201, hook.text
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    amended = filed_client.put(
        f"/v1/declarations/{declaration_id}", json=body, headers={"If-Match": '"1"'}
    )
    assert amended.status_code == 200, amended.text
    settle(filed_client)
    clear_everything(filed_client, declaration_id)
    # Receipts now name the version they decide; these were about the first.
    assert detail(filed_client, declaration_id)["status"] == "accepted"
    for agency, final, extra in (
        ("customs", "released", {}),
        ("inspection", "passed", {}),
        ("tax", "assessed", {"tax": TAX}),
        ("forex", "recorded", {}),
    ):
        send(filed_client, agency, receipt(declaration_id, agency, final, 9, version=2, **extra))
    assert detail(filed_client, declaration_id)["status"] == "cleared"
    filed_client.post(
        f"/v1/declarations/{declaration_id}/returns",
        json={"logisticsNo": "RT9", "items": [{"gnum": 1, "qty": "1"}], "reason": "broken"},
    )
    dispatch(filed_client, agencies)

    with engine_of(filed_client).connect() as connection:
        rows = connection.execute(
            text("SELECT type, payload FROM webhook_events ORDER BY id")
        ).all()
    events = [
        (kind, (json.loads(payload) if isinstance(payload, str) else payload)["data"])
        for kind, payload in rows
    ]
    changes = [
        (data["change"], data["state"], data["version"])
        for kind, data in events
        if kind == "declaration.changed"
    ]
    assert changes == [
        ("amendment", "amended", 2),
        ("return", "awaiting_customs", 2),
        ("return", "awaiting_agencies", 2),
        ("return", "completed", 2),
    ]
    moves = [data["status"] for kind, data in events if kind == "declaration.status_changed"]
    assert moves[-1] in ("returned", "partially_returned")


def test_a_party_amends_its_own_document_with_apptype_2(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    declaration_id = declare(filed_client, body)
    keys = filed_client.app.state.enterprise_keys  # type: ignore[attr-defined]
    payer = {"Authorization": f"Bearer {keys[body['payment']['payCode']]}"}
    corrected = body["payment"] | {"appType": "2", "note": "the payment record corrected"}

    answer = filed_client.post("/v1/payments", json=corrected, headers=payer)
    assert answer.status_code == 202, answer.text
    assert answer.json()["declaration"]["id"] == declaration_id
    shown = detail(filed_client, declaration_id)
    assert shown["version"] == 2
    assert shown["documents"]["payment"]["note"] == "the payment record corrected"
    # The same change again changes nothing.
    again = filed_client.post("/v1/payments", json=corrected, headers=payer)
    assert again.status_code == 200, again.text
    assert detail(filed_client, declaration_id)["version"] == 2
    # A change the rules refuse leaves the declaration as it was.
    wrong = corrected | {"amountPaid": "1.00"}
    refused = filed_client.post("/v1/payments", json=wrong, headers=payer)
    assert refused.status_code == 422
    assert "paid_amount_mismatch" in {v["code"] for v in refused.json()["violations"]}
    assert detail(filed_client, declaration_id)["version"] == 2


def test_a_refusal_crossing_a_cancellation_gives_the_quota_back_once(
    filed_client: TestClient, declarations: Declarations, agencies: ActionAgencies
) -> None:
    buyer = declarations.buyer()
    declaration_id = declare(filed_client, declarations.valid(buyer=buyer, lines=[(SHOES, 1)]))
    settle(filed_client)
    send(filed_client, "customs", receipt(declaration_id, "customs", "released", 2))
    answer = filed_client.post(
        f"/v1/declarations/{declaration_id}/cancellation", json={"reason": "voided"}
    )
    assert answer.status_code == 202, answer.text
    # Forex refuses the declaration before customs answers the cancellation.
    send(filed_client, "forex", receipt(declaration_id, "forex", "rejected", 2))
    engine = engine_of(filed_client)
    assert quota_used(engine, buyer.id_number) == 0
    dispatch(filed_client, agencies)
    shown = detail(filed_client, declaration_id)
    assert shown["status"] == "cancelled"
    assert shown["cancellations"][0]["quotaGivenBack"] == "0.00"
    assert quota_used(engine, buyer.id_number) == 0
    assert_trail_holds(engine)
