"""Agency receipts: signed, forward-only, folded into one clearance status."""

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

import app.store.db
from app.agencies.signing import sign, signed_headers
from app.agencies.wire import AgencyName, Receipt, ReceiptStatus
from app.demo import PRODUCTS
from app.store import receipts
from app.store.group_commit import ReceiptCommitter
from tests.support.factories import Declarations
from tests.support.receipts import SECRETS, TAX, clear_everything, receipt, send
from tests.support.service import settle


@pytest.fixture
def declared(filed_client: TestClient, declarations: Declarations) -> str:
    answer = filed_client.post("/v1/declarations", json=declarations.valid())
    assert answer.status_code == 202
    declaration_id: str = answer.json()["id"]
    # The worker writes its agency rows and outbox messages before any agency hears of it.
    settle(filed_client)
    return declaration_id


def test_all_four_clearing_clears_the_declaration(filed_client: TestClient, declared: str) -> None:
    answer = send(filed_client, "customs", receipt(declared, "customs", "acknowledged", 1))
    assert answer.json() == {"applied": 1, "ignored": 0, "unknown": []}
    assert filed_client.get(f"/v1/declarations/{declared}").json()["status"] == "in_review"

    clear_everything(filed_client, declared)
    record = filed_client.get(f"/v1/declarations/{declared}").json()
    assert (record["status"], record["cebStatus"]) == ("cleared", 800)
    # Amounts are shown with two decimals.
    assert record["tax"] == {name: f"{Decimal(value):.2f}" for name, value in TAX.items()}
    assert {a["agency"]: a["status"] for a in record["agencies"]} == {
        "customs": "released",
        "inspection": "passed",
        "tax": "assessed",
        "forex": "recorded",
    }
    history = filed_client.get(f"/v1/declarations/{declared}/events").json()["items"]
    assert history[0]["status"] == "accepted"
    assert history[-1]["status"] == "cleared"
    assert [e["agency"] for e in history[1:]] == [
        "customs",
        "customs",
        "inspection",
        "tax",
        "forex",
    ]


def test_duplicate_and_late_receipts_change_nothing(
    filed_client: TestClient, declared: str
) -> None:
    inspect = receipt(declared, "customs", "inspection", 2)
    release = receipt(declared, "customs", "released", 3)
    assert send(filed_client, "customs", release).json()["applied"] == 1
    late = send(
        filed_client, "customs", inspect, release, receipt(declared, "customs", "acknowledged", 1)
    )
    assert late.json() == {"applied": 0, "ignored": 3, "unknown": []}
    parts = filed_client.get(f"/v1/declarations/{declared}").json()["agencies"]
    assert next(p for p in parts if p["agency"] == "customs")["status"] == "released"


def test_a_batch_of_stale_receipts_takes_no_write_transaction(
    filed_client: TestClient, declared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repeated acknowledgements every agency's callbacks bring are told apart by a
    read: they never wait for (or hold) the database's writer."""
    assert send(filed_client, "tax", receipt(declared, "tax", "acknowledged", 1)).is_success

    def no_writes(engine: object) -> None:
        raise AssertionError("a write transaction was taken for stale receipts")

    monkeypatch.setattr(receipts, "write_session", no_writes)
    again = send(filed_client, "tax", receipt(declared, "tax", "acknowledged", 1))
    assert again.json() == {"applied": 0, "ignored": 1, "unknown": []}
    # An unknown declaration still goes to the transaction, which reports it.
    monkeypatch.undo()
    mixed = send(
        filed_client,
        "tax",
        receipt(declared, "tax", "acknowledged", 1),
        receipt("dcl_unknown", "tax", "acknowledged", 1),
    )
    assert mixed.json() == {"applied": 0, "ignored": 1, "unknown": ["dcl_unknown"]}


def test_callbacks_that_arrive_together_are_applied_in_one_transaction(
    filed_client: TestClient, declarations: Declarations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each callback still hears what became of its own receipts."""
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    first, second = (
        filed_client.post("/v1/declarations", json=declarations.valid()).json()["id"]
        for _ in range(2)
    )
    settle(filed_client)  # the agencies hear of them from the worker
    transactions = []
    write_session = app.store.db.write_session

    @contextmanager
    def counted(engine: Any) -> Iterator[Any]:
        transactions.append(engine)
        with write_session(engine) as session:
            yield session

    monkeypatch.setattr(receipts, "write_session", counted)

    def decided(declaration_id: str, agency: AgencyName, status: ReceiptStatus) -> Receipt:
        return Receipt(
            declarationId=declaration_id,
            agency=agency,
            status=status,
            sequence=2,
            decidedAt=datetime.now(UTC),
        )

    async def together() -> tuple[receipts.ReceiptOutcome, ...]:
        committer = ReceiptCommitter(engine)
        try:
            return await asyncio.gather(
                committer.apply([decided(first, AgencyName.CUSTOMS, ReceiptStatus.RELEASED)]),
                committer.apply(
                    [
                        decided(first, AgencyName.INSPECTION, ReceiptStatus.PASSED),
                        decided(second, AgencyName.FOREX, ReceiptStatus.RECORDED),
                    ]
                ),
                # The same release again, in another callback of the same group.
                committer.apply(
                    [
                        decided(first, AgencyName.CUSTOMS, ReceiptStatus.RELEASED),
                        decided("dcl_unknown", AgencyName.CUSTOMS, ReceiptStatus.RELEASED),
                    ]
                ),
            )
        finally:
            await committer.close()

    outcomes = asyncio.run(together())
    assert [(o.applied, o.ignored, o.unknown) for o in outcomes] == [
        (1, 0, []),
        (2, 0, []),
        (0, 1, ["dcl_unknown"]),
    ]
    assert len(transactions) == 1
    record = filed_client.get(f"/v1/declarations/{first}").json()
    assert {a["agency"]: a["status"] for a in record["agencies"]} == {
        "customs": "released",
        "inspection": "passed",
        "tax": "pending",
        "forex": "pending",
    }


def test_a_callback_that_cannot_be_applied_does_not_fail_the_others_of_its_group(
    filed_client: TestClient, declared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    note = receipts._note

    def poisoned(receipt: Receipt) -> str:
        if receipt.declarationId == "dcl_poison":
            raise RuntimeError("cannot be applied")
        return note(receipt)

    monkeypatch.setattr(receipts, "_note", poisoned)

    def released(declaration_id: str) -> Receipt:
        return Receipt(
            declarationId=declaration_id,
            agency=AgencyName.CUSTOMS,
            status=ReceiptStatus.RELEASED,
            sequence=2,
            decidedAt=datetime.now(UTC),
        )

    async def together() -> tuple[Any, ...]:
        committer = ReceiptCommitter(engine)
        try:
            return await asyncio.gather(
                committer.apply([released("dcl_poison")]),
                committer.apply([released(declared)]),
                return_exceptions=True,
            )
        finally:
            await committer.close()

    poison, good = asyncio.run(together())
    assert isinstance(poison, RuntimeError)
    assert (good.applied, good.ignored, good.unknown) == (1, 0, [])
    record = filed_client.get(f"/v1/declarations/{declared}").json()
    assert {a["agency"]: a["status"] for a in record["agencies"]}["customs"] == "released"


def test_inspection_then_release(filed_client: TestClient, declared: str) -> None:
    send(filed_client, "customs", receipt(declared, "customs", "inspection", 2))
    record = filed_client.get(f"/v1/declarations/{declared}").json()
    assert (record["status"], record["cebStatus"]) == ("inspection", 500)
    send(filed_client, "customs", receipt(declared, "customs", "released", 3))
    # Still in inspection until everyone has answered; then cleared.
    assert filed_client.get(f"/v1/declarations/{declared}").json()["status"] == "inspection"
    clear_everything(filed_client, declared)
    assert filed_client.get(f"/v1/declarations/{declared}").json()["status"] == "cleared"


def test_a_rejection_lists_reasons_and_frees_the_quota(
    filed_client: TestClient, declarations: Declarations
) -> None:
    buyer = declarations.buyer()
    basket = [(PRODUCTS[7], 1), (PRODUCTS[4], 1)]  # ≈ CNY 4,189: six fit in a year
    ids = [
        filed_client.post(
            "/v1/declarations", json=declarations.valid(buyer=buyer, lines=basket)
        ).json()["id"]
        for _ in range(6)
    ]
    refused = filed_client.post(
        "/v1/declarations", json=declarations.valid(buyer=buyer, lines=basket)
    )
    assert refused.json()["violations"][0]["code"] == "annual_limit_exceeded"
    settle(filed_client)  # the agencies hear of them from the worker

    reason = {"code": "tax_underdeclared", "message": "declared 10.00, assessed 60.79"}
    send(filed_client, "tax", receipt(ids[0], "tax", "rejected", 2, reasons=[reason], tax=TAX))
    record = filed_client.get(f"/v1/declarations/{ids[0]}").json()
    assert (record["status"], record["cebStatus"]) == ("rejected", 100)
    tax_part = next(p for p in record["agencies"] if p["agency"] == "tax")
    assert tax_part["detail"]["reasons"] == [reason]

    again = filed_client.post(
        "/v1/declarations", json=declarations.valid(buyer=buyer, lines=basket)
    )
    assert again.status_code == 202, again.text


def test_receipts_for_unknown_declarations_are_reported(filed_client: TestClient) -> None:
    answer = send(filed_client, "forex", receipt("no-such-id", "forex", "recorded", 1))
    assert answer.json() == {"applied": 0, "ignored": 0, "unknown": ["no-such-id"]}


def test_unsigned_forged_and_stale_receipts_are_refused(
    filed_client: TestClient, declared: str
) -> None:
    body = json.dumps({"receipts": [receipt(declared, "customs", "released", 2)]}).encode()
    now = int(time.time())
    attempts = {
        "missing": {},
        "another secret": signed_headers(SECRETS["tax"], body),
        "stale": {
            "webhook-id": "m1",
            "webhook-timestamp": str(now - 301),
            "webhook-signature": sign(SECRETS["customs"], "m1", now - 301, body),
        },
        "tampered": signed_headers(SECRETS["customs"], body.replace(b"released", b"rejected")),
    }
    for name, headers in attempts.items():
        answer = filed_client.post("/v1/receipts/customs", content=body, headers=headers)
        assert answer.status_code == 401, name
        assert answer.json()["code"] == "invalid_signature"
    assert filed_client.get(f"/v1/declarations/{declared}").json()["status"] == "accepted"


def test_a_receipt_for_another_agency_is_refused(filed_client: TestClient, declared: str) -> None:
    body = json.dumps({"receipts": [receipt(declared, "tax", "assessed", 2)]}).encode()
    answer = filed_client.post(
        "/v1/receipts/customs", content=body, headers=signed_headers(SECRETS["customs"], body)
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "receipt_agency_mismatch"


def test_status_changes_are_logged_for_webhooks(filed_client: TestClient, declared: str) -> None:
    created = filed_client.post(
        "/v1/webhooks",
        json={"url": "https://platform.example/hooks", "events": ["declaration.status_changed"]},
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    endpoint_id = created.json()["id"]
    assert [e["id"] for e in filed_client.get("/v1/webhooks").json()["items"]] == [endpoint_id]

    send(filed_client, "customs", receipt(declared, "customs", "acknowledged", 1))
    clear_everything(filed_client, declared)
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        pushes = connection.execute(
            text("SELECT payload FROM webhook_events ORDER BY id"),
        ).scalars()
        statuses = [(p if isinstance(p, dict) else json.loads(p))["data"]["status"] for p in pushes]
    assert statuses == ["in_review", "cleared"]
    assert filed_client.delete(f"/v1/webhooks/{endpoint_id}").status_code == 204
    assert filed_client.delete(f"/v1/webhooks/{endpoint_id}").status_code == 404
