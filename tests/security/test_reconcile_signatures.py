"""The reconciler asks an agency about a declaration it has been quiet on; the answer
changes a clearance status, so it is applied only when that agency signed it, and only
to that agency's result on that declaration."""

import asyncio
import json
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.agencies.client import HttpAgency, UntrustedAnswer
from app.agencies.signing import sign, signed_headers, verify
from app.agencies.wire import AgencyName, Receipt, ReceiptStatus
from app.dispatch.dispatcher import Dispatcher
from app.store import receipts
from app.store.models.types import utcnow
from mock_agencies.service import create_app as create_agency
from tests.support.agencies import fast_settings, message, plain_ids, send
from tests.support.factories import Declarations
from tests.support.service import ThreadedServer, settle

CUSTOMS_SECRET = "dev-customs-secret"
Answer = Callable[[str, str], httpx.Response]


def _engine(client: TestClient) -> Any:
    return client.app.state.engine  # type: ignore[attr-defined]


def _acknowledged(client: TestClient, declarations: Declarations) -> str:
    """A declaration customs acknowledged long ago and has said nothing on since."""
    declaration_id: str = client.post("/v1/declarations", json=declarations.valid()).json()["id"]
    settle(client)
    engine = _engine(client)
    ack = Receipt(
        declarationId=declaration_id,
        agency=AgencyName.CUSTOMS,
        status=ReceiptStatus.ACKNOWLEDGED,
        sequence=0,
        decidedAt=utcnow(),
    )
    receipts.apply_receipts(engine, [ack])
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE declaration_agencies SET updated_at = :then WHERE declaration_id = :id"),
            {"then": utcnow() - timedelta(hours=1), "id": declaration_id},
        )
    return declaration_id


def _decision(declaration_id: str, agency: str = "customs", status: str = "released") -> bytes:
    return json.dumps(
        {
            "declarationId": declaration_id,
            "agency": agency,
            "status": status,
            "sequence": 2,
            "reasons": [],
            "decidedAt": "2026-11-27T10:30:00Z",
        }
    ).encode()


def _reconcile(client: TestClient, answer: Answer) -> list[str]:
    """Run one reconcile pass against a customs stand-in; answers the ids it was asked."""
    app = client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        declaration_id = request.url.path.removeprefix("/declarations/")
        asked.append(declaration_id)
        return answer(declaration_id, request.url.path)

    async def run() -> None:
        transport = httpx.MockTransport(handle)
        async with httpx.AsyncClient(base_url="http://customs.test", transport=transport) as http:
            adapter = HttpAgency("customs", http, settings.customs_secret)
            await Dispatcher(engine, settings, {"customs": adapter}).reconcile()

    asyncio.run(run())
    return asked


def _parts(client: TestClient, declaration_id: str) -> dict[str, str]:
    parts = client.get(f"/v1/declarations/{declaration_id}").json()["agencies"]
    return {p["agency"]: p["status"] for p in parts}


def _signed(body: bytes, secret: str = CUSTOMS_SECRET) -> httpx.Response:
    return httpx.Response(200, content=body, headers=signed_headers(secret, body))


def _unsigned(declaration_id: str, _: str) -> httpx.Response:
    return httpx.Response(200, content=_decision(declaration_id))


def _signed_by_another_agency(declaration_id: str, _: str) -> httpx.Response:
    return _signed(_decision(declaration_id), "dev-inspection-secret")


def _naming_another_agency(declaration_id: str, _: str) -> httpx.Response:
    return _signed(_decision(declaration_id, agency="inspection", status="passed"))


def _forged_signature(declaration_id: str, _: str) -> httpx.Response:
    body = _decision(declaration_id)
    headers = signed_headers(CUSTOMS_SECRET, body)
    headers["webhook-signature"] = sign(CUSTOMS_SECRET, "msg_other", 1, body)
    return httpx.Response(200, content=body, headers=headers)


def _signed_long_ago(declaration_id: str, _: str) -> httpx.Response:
    body = _decision(declaration_id)
    then = int(time.time()) - 3600
    headers = {
        "webhook-id": "msg_old",
        "webhook-timestamp": str(then),
        "webhook-signature": sign(CUSTOMS_SECRET, "msg_old", then, body),
    }
    return httpx.Response(200, content=body, headers=headers)


@pytest.mark.parametrize(
    "answer",
    [
        _unsigned,
        _signed_by_another_agency,
        _naming_another_agency,
        _forged_signature,
        _signed_long_ago,
    ],
)
def test_an_answer_the_agency_did_not_sign_for_itself_is_not_applied(
    filed_client: TestClient,
    declarations: Declarations,
    answer: Answer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    declaration_id = _acknowledged(filed_client, declarations)
    assert _reconcile(filed_client, answer) == [declaration_id]
    parts = _parts(filed_client, declaration_id)
    assert parts["customs"] == "acknowledged"
    assert parts["inspection"] == "pending"  # nor anyone else's result
    assert f"not reconciled {declaration_id} at customs" in caplog.text


def test_an_answer_about_another_declaration_is_not_applied(
    filed_client: TestClient, declarations: Declarations
) -> None:
    first = _acknowledged(filed_client, declarations)
    second = _acknowledged(filed_client, declarations)

    def answer(asked: str, _: str) -> httpx.Response:
        # Asked about the second, the stand-in answers the first's decision, signed.
        if asked == second:
            return _signed(_decision(first))
        return httpx.Response(404, json={"code": "declaration_unknown"})

    assert sorted(_reconcile(filed_client, answer)) == sorted([first, second])
    assert _parts(filed_client, first)["customs"] == "acknowledged"
    assert _parts(filed_client, second)["customs"] == "acknowledged"


def test_a_signed_answer_of_the_agency_asked_is_applied(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration_id = _acknowledged(filed_client, declarations)
    _reconcile(filed_client, lambda asked, _: _signed(_decision(asked)))
    assert _parts(filed_client, declaration_id)["customs"] == "released"


def test_the_client_refuses_what_the_agency_did_not_sign() -> None:
    async def fetch(answer: Answer) -> Receipt | None:
        transport = httpx.MockTransport(lambda r: answer(r.url.path.rsplit("/", 1)[-1], ""))
        async with httpx.AsyncClient(base_url="http://customs.test", transport=transport) as http:
            return await HttpAgency("customs", http, CUSTOMS_SECRET).fetch_receipt("D-1")

    for refused in (_unsigned, _signed_by_another_agency, _naming_another_agency):
        with pytest.raises(UntrustedAnswer):
            asyncio.run(fetch(refused))
    receipt = asyncio.run(fetch(lambda asked, _: _signed(_decision(asked))))
    assert receipt is not None
    assert (receipt.declarationId, receipt.agency) == ("D-1", AgencyName.CUSTOMS)


def test_the_simulated_agencies_sign_the_receipts_they_are_asked_for(tmp_path: Path) -> None:
    settings = fast_settings(AgencyName.FOREX, tmp_path, "http://127.0.0.1:9")
    with (
        ThreadedServer(create_agency(settings)) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        declaration_id = next(plain_ids())
        assert send(client, message(declaration_id)).status_code == 202
        answer = client.get(f"/declarations/{declaration_id}")
        assert answer.status_code == 200
        verify(settings.secret, dict(answer.headers), answer.content)
        assert Receipt.model_validate_json(answer.content).declarationId == declaration_id
