"""The four agency services over real HTTP: filings, declaration batches, deduplication,
signed callbacks in sequence, status queries, fault knobs, and restarts."""

import itertools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import demo
from app.agencies.signing import verify
from app.agencies.wire import AgencyName, Receipt, ReceiptStatus, TaxAssessment
from mock_agencies.config import settings_for
from mock_agencies.documents import read_documents
from mock_agencies.rules import customs
from mock_agencies.rules.tax import assess_documents
from mock_agencies.runner import AgencyProcessError, AgencyProcesses
from mock_agencies.service import create_app
from tests.support.agencies import (
    Body,
    CallbackReceiver,
    documents,
    fast_settings,
    filing,
    ids_where,
    message,
    plain_ids,
    send,
    stats,
)
from tests.support.service import ThreadedServer, free_port

StartAgency = Callable[..., httpx.Client]
SHOES = demo.PRODUCTS[4]  # chapter 64: neither prohibited nor flagged by quarantine
PAYMENT_COMPANY = demo.DEMO_PARTIES.payment.customs_code


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as running:
        yield running


@pytest.fixture
def start_agency(tmp_path: Path, receiver: CallbackReceiver) -> Iterator[StartAgency]:
    """Start an agency (settings overrides as keywords); all are stopped after the test."""
    with ExitStack() as stack:

        def start(agency: AgencyName = AgencyName.CUSTOMS, **overrides: Any) -> httpx.Client:
            settings = fast_settings(agency, tmp_path, receiver.url, **overrides)
            server = stack.enter_context(ThreadedServer(create_app(settings)))
            return stack.enter_context(httpx.Client(base_url=server.url, timeout=10))

        yield start


# --- filings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "prefix"),
    [
        (AgencyName.CUSTOMS, "CUS"),
        (AgencyName.INSPECTION, "CIQ"),
        (AgencyName.TAX, "TAX"),
        (AgencyName.FOREX, "SAFE"),
    ],
)
def test_a_filing_keeps_its_registration_number(
    start_agency: StartAgency, agency: AgencyName, prefix: str
) -> None:
    client = start_agency(agency)
    first = client.post(
        "/filings", json={"filings": [filing("3301960001", ["platform"]), filing("3101960003", [])]}
    )
    assert first.status_code == 200
    numbers = [r["registrationNo"] for r in first.json()["registrations"]]
    assert all(n.startswith(prefix) and n[len(prefix) :].isdigit() for n in numbers)
    assert len(numbers[0]) == len(prefix) + 10
    assert len(set(numbers)) == 2

    again = client.post(
        "/filings", json={"filings": [filing("3101960003", ["payment"], "advanced")]}
    )
    assert again.json()["registrations"] == [
        {"customsCode": "3101960003", "registrationNo": numbers[1]}
    ]
    assert stats(client)["filings"] == 2


# --- intake and deduplication -----------------------------------------------------------


def test_a_declaration_makes_one_record_whatever_key_or_batch_repeats_it(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    ids = list(itertools.islice(plain_ids(), 4))
    batch = [message(i, documents(seed=n)) for n, i in enumerate(ids[:3])]

    first = send(client, *batch, key="batch-1")
    assert first.status_code == 202
    assert first.json() == {
        "results": [{"declarationId": i, "accepted": True, "error": None} for i in ids[:3]]
    }
    assert send(client, *batch, key="batch-1").json() == first.json()  # replayed
    assert send(client, *batch, key="batch-2").json() == first.json()  # known ids
    mixed = send(client, batch[1], message(ids[3]), message(ids[3]))
    assert [r["accepted"] for r in mixed.json()["results"]] == [True, True, True]

    counts = stats(client)
    assert (counts["declarations"], counts["itemsReceived"]) == (4, 3 + 3 + 3 + 3)
    receiver.wait_for(lambda: stats(client)["receiptsPending"] == 0)
    time.sleep(0.1)
    assert sorted((r.declarationId, r.sequence) for r in receiver.receipts()) == [
        (i, sequence) for i in ids for sequence in (1, 2)
    ]


def test_a_key_reused_for_another_batch_is_handled_item_by_item(
    start_agency: StartAgency,
) -> None:
    """A sender may regroup a retried batch under the same key; nothing happens twice."""
    client = start_agency(AgencyName.TAX)
    assert send(client, message("D-1"), key="k").status_code == 202
    regrouped = send(client, message("D-1"), message("D-2"), key="k")
    assert regrouped.status_code == 202
    assert [r["declarationId"] for r in regrouped.json()["results"]] == ["D-1", "D-2"]
    assert send(client, message("D-1"), message("D-2"), key="k").json() == regrouped.json()
    assert stats(client)["declarations"] == 2


def test_a_filing_announced_again_under_the_same_key_is_updated(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.FOREX)
    pending = {"filings": [filing(PAYMENT_COMPANY, ["payment"], status="pending")]}
    active = {"filings": [filing(PAYMENT_COMPANY, ["payment"])]}
    first = client.post("/filings", json=pending, headers={"Idempotency-Key": "f"})
    again = client.post("/filings", json=active, headers={"Idempotency-Key": "f"})
    assert again.json() == first.json()  # the same registration number
    send(client, message("FX-2"))
    _, decided = receiver.wait_for_receipts("FX-2", 2)
    assert decided.status is ReceiptStatus.RECORDED


def test_documents_an_agency_cannot_read_are_not_accepted(start_agency: StartAgency) -> None:
    client = start_agency(AgencyName.INSPECTION)
    broken = documents()
    broken["order"]["items"][0]["gcode"] = "3304"
    del broken["payment"]["payCode"]
    unreadable = message("BAD-2") | {"documents": {"x": 1}}
    answer = send(client, message("OK-1"), message("BAD-1", broken), unreadable)
    assert answer.status_code == 202
    results = answer.json()["results"]
    assert [r["accepted"] for r in results] == [True, False, False]
    assert "order/items/0/gcode" in results[1]["error"]
    assert "payment/payCode" in results[1]["error"]
    assert client.get("/declarations/BAD-1").status_code == 404
    assert stats(client)["declarations"] == 1


# --- decisions and callbacks ------------------------------------------------------------


def assert_signed_by(agency: AgencyName, receiver: CallbackReceiver) -> None:
    secret = f"dev-{agency}-secret"
    for call in receiver.callbacks():
        assert call.agency == agency
        assert verify(secret, call.headers, call.body).startswith("msg_")


@pytest.mark.parametrize(
    ("agency", "final"),
    [
        (AgencyName.CUSTOMS, ReceiptStatus.RELEASED),
        (AgencyName.INSPECTION, ReceiptStatus.PASSED),
        (AgencyName.TAX, ReceiptStatus.ASSESSED),
        (AgencyName.FOREX, ReceiptStatus.RECORDED),
    ],
)
def test_each_agency_acknowledges_then_decides_by_signed_callback(
    start_agency: StartAgency,
    receiver: CallbackReceiver,
    agency: AgencyName,
    final: ReceiptStatus,
) -> None:
    client = start_agency(agency)
    client.post("/filings", json={"filings": [filing(PAYMENT_COMPANY, ["payment"])]})
    declaration_id = next(plain_ids())
    body = documents(seed=3)
    started = time.monotonic()
    assert send(client, message(declaration_id, body)).status_code == 202

    acknowledged, decided = receiver.wait_for_receipts(declaration_id, 2)
    assert time.monotonic() - started >= 0.05  # the decision delay
    assert (acknowledged.status, acknowledged.sequence) == (ReceiptStatus.ACKNOWLEDGED, 1)
    assert (decided.status, decided.sequence, decided.reasons) == (final, 2, [])
    assert decided.decidedAt > acknowledged.decidedAt
    assert {acknowledged.agency, decided.agency} == {agency}
    if agency is AgencyName.TAX:
        assert decided.tax == assess_documents(read_documents(body))
    assert_signed_by(agency, receiver)

    status = client.get(f"/declarations/{declaration_id}")
    assert status.status_code == 200
    assert Receipt.model_validate_json(status.content) == decided
    unknown = client.get("/declarations/NOPE")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "declaration_unknown"


def test_the_status_query_shows_a_decision_only_once_it_is_due(start_agency: StartAgency) -> None:
    client = start_agency(AgencyName.FOREX, decision_delay_ms=60_000)
    assert send(client, message("SLOW-1")).status_code == 202
    assert client.get("/declarations/SLOW-1").json()["status"] == "acknowledged"


@pytest.mark.parametrize("detained", [False, True])
def test_customs_inspection_comes_between_acknowledgement_and_decision(
    start_agency: StartAgency, receiver: CallbackReceiver, detained: bool
) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    declaration_id = next(
        ids_where(lambda i: customs.sampled(i, "discredited") and customs.detained(i) == detained)
    )
    send(client, message(declaration_id, credit_grade="discredited"))
    receipts = receiver.wait_for_receipts(declaration_id, 3)
    final = ReceiptStatus.DETAINED if detained else ReceiptStatus.RELEASED
    assert [(r.status, r.sequence) for r in receipts] == [
        (ReceiptStatus.ACKNOWLEDGED, 1),
        (ReceiptStatus.INSPECTION, 2),
        (final, 3),
    ]
    assert [reason.code for reason in receipts[1].reasons] == ["risk_sampled"]


def test_customs_refuses_with_every_reason(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    body = documents(lines=[(SHOES, 6)])
    body["order"]["items"][0]["gcode"] = "0101210010"  # a live horse
    send(client, message("REFUSED-1", body))
    _, refused = receiver.wait_for_receipts("REFUSED-1", 2)
    assert refused.status is ReceiptStatus.REJECTED
    assert [r.code for r in refused.reasons] == ["not_on_positive_list", "single_limit_exceeded"]


def test_customs_counts_the_buyers_year_over_its_own_records(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    buyer = demo.make_buyer(random.Random(9))
    handbag_and_shoes = [(demo.PRODUCTS[7], 1), (SHOES, 1)]  # 4,179.00 + 10.00 freight
    ids = list(itertools.islice(plain_ids(), 7))
    bodies = [documents(seed=n, lines=handbag_and_shoes, buyer=buyer) for n in range(7)]
    # Six make 25,134.00 of the 26,000 a year; the seventh would go over.
    send(client, *(message(i, body) for i, body in zip(ids, bodies, strict=True)))
    receiver.wait_for(lambda: len(receiver.receipts()) == 14)
    finals = {r.declarationId: r for r in receiver.receipts() if r.sequence == 2}
    assert [finals[i].status for i in ids] == [ReceiptStatus.RELEASED] * 6 + [
        ReceiptStatus.REJECTED
    ]
    assert [r.code for r in finals[ids[6]].reasons] == ["annual_limit_exceeded"]


def test_tax_rejects_an_underdeclared_tax_but_still_tells_the_amount(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.TAX)
    body = documents(lines=[(demo.PRODUCTS[0], 2)], tax_total=Decimal("154.02"))
    send(client, message("UNDER-1", body))
    _, decided = receiver.wait_for_receipts("UNDER-1", 2)
    assert decided.status is ReceiptStatus.REJECTED
    assert [r.code for r in decided.reasons] == ["tax_underdeclared"]
    assert decided.tax == TaxAssessment(
        customsTax=Decimal("0.00"),
        valueAddedTax=Decimal("71.52"),
        consumptionTax=Decimal("82.52"),
        total=Decimal("154.04"),
    )


@pytest.mark.parametrize(
    "registration",
    [
        None,
        filing(PAYMENT_COMPANY, ["logistics"]),
        filing(PAYMENT_COMPANY, ["payment"], status="suspended"),
    ],
    ids=["not filed", "other role", "suspended"],
)
def test_forex_rejects_a_payment_company_it_does_not_know_as_active(
    start_agency: StartAgency, receiver: CallbackReceiver, registration: Body | None
) -> None:
    client = start_agency(AgencyName.FOREX)
    if registration:
        client.post("/filings", json={"filings": [registration]})
    send(client, message("FX-1"))
    _, decided = receiver.wait_for_receipts("FX-1", 2)
    assert decided.status is ReceiptStatus.REJECTED
    assert [r.code for r in decided.reasons] == ["payment_company_not_registered"]


def test_quarantine_refuses_meat(start_agency: StartAgency, receiver: CallbackReceiver) -> None:
    client = start_agency(AgencyName.INSPECTION)
    body = documents()
    body["order"]["items"][0]["gcode"] = "0203291000"  # frozen pork
    send(client, message("MEAT-1", body))
    _, decided = receiver.wait_for_receipts("MEAT-1", 2)
    assert decided.status is ReceiptStatus.REJECTED
    assert decided.reasons[0].code == "prohibited_goods"


# --- callback delivery ------------------------------------------------------------------


def test_a_failed_callback_is_retried_until_it_is_delivered(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    receiver.answer_next(503, 500, 429)
    client = start_agency(AgencyName.FOREX)
    send(client, message("RETRY-1"))
    receiver.wait_for(lambda: stats(client)["receiptsPending"] == 0)
    assert len(receiver.callbacks()) >= 4  # refused three times, then delivered
    assert {r.sequence for r in receiver.receipts("RETRY-1")} == {1, 2}


def test_a_callback_refused_with_4xx_is_dropped(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    receiver.answer_next(400, 400)
    client = start_agency(AgencyName.FOREX, decision_delay_ms=0)
    send(client, message("DROP-1"))
    receiver.wait_for(lambda: stats(client)["receiptsPending"] == 0)
    attempts = len(receiver.callbacks())
    time.sleep(0.1)
    assert attempts <= 2
    assert len(receiver.callbacks()) == attempts  # never sent again


# --- fault knobs ------------------------------------------------------------------------


def test_a_down_agency_answers_503_until_it_is_back(start_agency: StartAgency) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    assert client.put("/admin/faults", json={"down": True}).json()["down"] is True
    assert send(client, message("DOWN-1")).status_code == 503
    assert client.get("/declarations/DOWN-1").status_code == 503
    assert client.get("/admin/stats").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert stats(client)["itemsReceived"] == 0

    faults = client.put("/admin/faults", json={"down": False}).json()
    assert faults["down"] is False
    assert faults["decisionDelayMs"] == 50  # the other knobs stay as they were
    assert send(client, message("DOWN-1")).status_code == 202


def test_errors_latency_and_hangs_are_injected(start_agency: StartAgency) -> None:
    client = start_agency(AgencyName.TAX, timeout_hang_seconds=0.3)
    client.put("/admin/faults", json={"errorRate": 1})
    assert send(client, message("E-1")).status_code == 503

    client.put("/admin/faults", json={"errorRate": 0, "latencyMs": 150})
    started = time.monotonic()
    assert send(client, message("E-1")).status_code == 202
    assert time.monotonic() - started >= 0.15

    client.put("/admin/faults", json={"latencyMs": 0, "timeoutRate": 1})
    with pytest.raises(httpx.ReadTimeout):
        send(client, message("E-2"), timeout=0.1)
    assert client.get("/admin/stats").json()["declarations"] == 2  # it took effect all the same
    started = time.monotonic()
    assert send(client, message("E-2")).status_code == 202
    assert time.monotonic() - started >= 0.3
    assert client.put("/admin/faults", json={"errorRate": 2}).status_code == 422
    assert client.put("/admin/faults", json={"loud": True}).status_code == 422


def test_duplicate_callbacks_send_every_batch_twice(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.INSPECTION, duplicate_callbacks=1.0)
    assert client.get("/admin/faults").json()["duplicateCallbacks"] == 1.0
    declaration_id = next(plain_ids())
    send(client, message(declaration_id, documents(lines=[(SHOES, 1)])))
    receipts = receiver.wait_for_receipts(declaration_id, 4)
    assert sorted(r.sequence for r in receipts) == [1, 1, 2, 2]
    calls = receiver.callbacks()
    assert calls[0].body == calls[1].body
    assert calls[0].headers["webhook-id"] == calls[1].headers["webhook-id"]


def test_out_of_order_callbacks_send_the_final_receipt_first(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    client.put("/admin/faults", json={"outOfOrderCallbacks": True})
    declaration_id = next(ids_where(lambda i: customs.sampled(i, "discredited")))
    send(client, message(declaration_id, credit_grade="discredited"))
    receipts = receiver.wait_for_receipts(declaration_id, 3)
    assert receipts[0].sequence == 3
    assert sorted(r.sequence for r in receipts[1:]) == [1, 2]


# --- persistence ------------------------------------------------------------------------


def test_a_restarted_agency_knows_its_records_and_sends_what_was_pending(
    tmp_path: Path, receiver: CallbackReceiver
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # callbacks fail: nothing listens there
    first = fast_settings(AgencyName.FOREX, tmp_path, nobody)
    kept = message("KEPT-1")
    with ThreadedServer(create_app(first)) as server, httpx.Client(base_url=server.url) as client:
        client.post("/filings", json={"filings": [filing(PAYMENT_COMPANY, ["payment"])]})
        send(client, kept, key="kept")
        time.sleep(0.2)  # the decision is due, and a few attempts to send it failed
        assert stats(client)["receiptsPending"] == 2

    again = fast_settings(AgencyName.FOREX, tmp_path, receiver.url)
    with ThreadedServer(create_app(again)) as server, httpx.Client(base_url=server.url) as client:
        receipts = receiver.wait_for_receipts("KEPT-1", 2)
        assert [(r.status, r.sequence) for r in receipts] == [
            (ReceiptStatus.ACKNOWLEDGED, 1),
            (ReceiptStatus.RECORDED, 2),
        ]
        assert client.get("/declarations/KEPT-1").json()["status"] == "recorded"
        assert send(client, kept, key="kept").status_code == 202
        assert stats(client) == {
            "declarations": 1,
            "filings": 1,
            "itemsReceived": 2,
            "receiptsPending": 0,
        }


# --- settings and processes -------------------------------------------------------------


def test_settings_come_from_agency_wide_and_per_agency_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENCY_DECISION_DELAY_MS", "250")
    monkeypatch.setenv("AGENCY_SECRET", "shared-secret")
    monkeypatch.setenv("AGENCY_TAX_SECRET", "tax-secret")
    monkeypatch.setenv("AGENCY_TAX_DOWN", "true")
    tax, forex = settings_for(AgencyName.TAX), settings_for(AgencyName.FOREX, port=9000)
    assert (tax.secret, tax.decision_delay_ms, tax.down, tax.port) == (
        "tax-secret",
        250,
        True,
        8103,
    )
    assert (forex.secret, forex.down, forex.port) == ("shared-secret", False, 9000)
    monkeypatch.delenv("AGENCY_SECRET")
    assert settings_for(AgencyName.CUSTOMS).secret == "dev-customs-secret"
    assert (
        settings_for(AgencyName.CUSTOMS).callback_url == "http://127.0.0.1:8000/v1/receipts/customs"
    )


def test_the_four_agencies_run_as_processes_and_stop_together(tmp_path: Path) -> None:
    ports = {agency: free_port() for agency in AgencyName}
    with AgencyProcesses(ports=ports, data_dir=tmp_path) as agencies:
        processes = dict(agencies.processes)
        for agency, url in agencies.urls.items():
            health = httpx.get(f"{url}/healthz").json()
            assert health == {"status": "ok", "agency": agency, "pid": processes[agency].pid}
    assert all(process.poll() is not None for process in processes.values())
    assert sorted(path.name for path in tmp_path.glob("*.db")) == [
        "customs.db",
        "forex.db",
        "inspection.db",
        "tax.db",
    ]


def test_an_agency_whose_port_another_one_answers_on_is_not_taken_for_ours(
    tmp_path: Path, receiver: CallbackReceiver
) -> None:
    other = fast_settings(AgencyName.TAX, tmp_path / "other", receiver.url)
    with ThreadedServer(create_app(other)) as squatter:
        ports = {AgencyName.TAX: squatter.port}
        with pytest.raises(AgencyProcessError, match="tax exited"):
            AgencyProcesses(ports=ports, data_dir=tmp_path).start()
