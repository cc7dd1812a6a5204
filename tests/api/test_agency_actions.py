"""Amendments and actions at the agency services over real HTTP: a newer version's
receipts go out in place of the older one's, a withdrawal stops the receipts still to
come, the single window's own client takes the signed answers to actions, and customs'
refusal scenario is turned on at run time."""

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import demo
from app.agencies.client import HttpAgency, UntrustedAnswer
from app.agencies.wire import (
    ActionBatch,
    ActionBatchResult,
    ActionStatus,
    AgencyName,
    Receipt,
    ReceiptStatus,
)
from mock_agencies.documents import read_documents
from mock_agencies.rules.tax import assess_documents
from mock_agencies.service import create_app
from tests.support.agencies import (
    Body,
    CallbackReceiver,
    documents,
    fast_settings,
    message,
    plain_ids,
    send,
    stats,
)
from tests.support.service import ThreadedServer

StartAgency = Callable[..., httpx.Client]
SHOES = demo.PRODUCTS[4]
# Long enough for a second message to arrive before the first one's decision is due.
DECISION_DELAY_MS = 300
# A few of the sender's 10 ms ticks: what it had to send by now, it has sent.
SENDER_TICKS = 0.1


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as running:
        yield running


@pytest.fixture
def start_agency(tmp_path: Path, receiver: CallbackReceiver) -> Iterator[StartAgency]:
    with ExitStack() as stack:

        def start(agency: AgencyName = AgencyName.CUSTOMS, **overrides: Any) -> httpx.Client:
            settings = fast_settings(agency, tmp_path, receiver.url, **overrides)
            server = stack.enter_context(ThreadedServer(create_app(settings)))
            return stack.enter_context(httpx.Client(base_url=server.url, timeout=10))

        yield start


def action(kind: str, declaration_id: str, body: Body, action_id: str, **more: Any) -> Body:
    return {
        "actionId": action_id,
        "kind": kind,
        "declarationId": declaration_id,
        "version": 1,
        "reason": "ordered by mistake",
        "documents": body,
        **more,
    }


def test_a_newer_versions_receipts_go_out_in_place_of_the_older_ones(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.CUSTOMS, decision_delay_ms=DECISION_DELAY_MS)
    declaration_id = next(plain_ids())
    send(client, message(declaration_id, documents(seed=1, lines=[(SHOES, 1)])))
    receiver.wait_for_receipts(declaration_id, 1)
    amended = message(declaration_id, documents(seed=2, lines=[(SHOES, 2)])) | {"version": 2}
    assert send(client, amended).json()["results"][0]["accepted"] is True

    receiver.wait_for_receipts(declaration_id, 3)
    time.sleep(SENDER_TICKS)  # the first version's decision was due before the second's
    receipts = receiver.receipts(declaration_id)
    assert [(r.sequence, r.version, r.status) for r in receipts] == [
        (1, 1, ReceiptStatus.ACKNOWLEDGED),
        (3, 2, ReceiptStatus.ACKNOWLEDGED),
        (4, 2, ReceiptStatus.RELEASED),
    ]
    latest = Receipt.model_validate_json(client.get(f"/declarations/{declaration_id}").content)
    assert latest == receipts[-1]
    assert stats(client)["declarations"] == 1


def test_a_withdrawn_declarations_decision_is_never_sent(
    start_agency: StartAgency, receiver: CallbackReceiver
) -> None:
    client = start_agency(AgencyName.TAX, decision_delay_ms=DECISION_DELAY_MS)
    declaration_id = next(plain_ids())
    body = documents(seed=3)
    send(client, message(declaration_id, body))
    receiver.wait_for_receipts(declaration_id, 1)
    answer = client.post(
        "/actions", json={"actions": [action("withdrawal", declaration_id, body, "W-1")]}
    )
    assert ActionBatchResult.model_validate_json(answer.content).answers[0].status is (
        ActionStatus.WITHDRAWN
    )
    assert stats(client)["receiptsPending"] == 0
    time.sleep(DECISION_DELAY_MS / 1000 + SENDER_TICKS)
    assert [r.status for r in receiver.receipts(declaration_id)] == [ReceiptStatus.ACKNOWLEDGED]


def test_the_windows_client_takes_the_signed_answers_to_actions(
    start_agency: StartAgency,
) -> None:
    client = start_agency(AgencyName.TAX)
    declaration_id = next(plain_ids())
    body = documents(seed=4, lines=[(demo.PRODUCTS[0], 2), (SHOES, 1)])
    send(client, message(declaration_id, body))
    batch = ActionBatch.model_validate(
        {
            "actions": [
                action("return", declaration_id, body, "R-1", lines=[{"gnum": 1, "qty": "1"}]),
                action("cancellation", declaration_id, body, "C-1"),
            ]
        }
    )

    async def post(secret: str) -> ActionBatchResult:
        async with httpx.AsyncClient(base_url=str(client.base_url)) as http:
            return await HttpAgency(AgencyName.TAX, http, secret).post_actions(batch, "k-1")

    first = asyncio.run(post("dev-tax-secret"))
    returned, cancelled = first.answers
    assert (returned.status, cancelled.status) == (ActionStatus.REFUNDED, ActionStatus.REFUNDED)
    assert cancelled.refund == assess_documents(read_documents(body))
    assert asyncio.run(post("dev-tax-secret")) == first  # asked again: the same answers
    with pytest.raises(UntrustedAnswer, match="not signed"):
        asyncio.run(post("another-secret"))


def test_customs_refusal_scenario_is_turned_on_at_run_time(start_agency: StartAgency) -> None:
    client = start_agency(AgencyName.CUSTOMS)
    declaration_id = next(plain_ids())
    body = documents(seed=5, lines=[(SHOES, 1)])
    send(client, message(declaration_id, body))
    assert client.get("/admin/faults").json()["refuseAfterRelease"] is False
    faults = client.put("/admin/faults", json={"refuseAfterRelease": True}).json()
    assert faults["refuseAfterRelease"] is True
    answer = client.post(
        "/actions", json={"actions": [action("cancellation", declaration_id, body, "C-1")]}
    )
    (refused,) = ActionBatchResult.model_validate_json(answer.content).answers
    assert refused.status is ActionStatus.REFUSED
    assert [reason.code for reason in refused.reasons] == ["customs_refused"]
