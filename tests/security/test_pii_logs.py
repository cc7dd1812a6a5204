"""No buyer's or payer's ID number, telephone, name or address in any log line: not on the
way in, not when a declaration is refused or a duplicate, not when the database fails
a statement whose parameters (and, on PostgreSQL, whose error details) carry them."""

import dataclasses
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from app import demo
from app.agencies.client import RefusedError, check_status
from app.intake import pipeline
from app.main import create_app
from app.store import intake as intake_store
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

# Recognisable values, each found nowhere else in the service. The ID number is a real
# one's shape: born 1962, of Zhuozhou (130681, a county since 1994).
BUYER = demo.Buyer(
    name="欧阳测试",
    id_number="130681196203150015",
    telephone="13987650123",
    address="河北省涿州市范阳路测试巷77号",
)
PAYER_TELEPHONE = "13512340987"
PERSONAL = (BUYER.name, BUYER.id_number, BUYER.telephone, BUYER.address, PAYER_TELEPHONE)


def _body(declarations: Declarations) -> dict[str, Any]:
    body = declarations.valid(buyer=BUYER)
    body["payment"]["telephone"] = PAYER_TELEPHONE
    return body


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record any logger writes, at DEBUG: the service's own and SQLAlchemy's
    included, whatever an earlier test (or the migrations' logging setup) set them to."""
    app_logger = logging.getLogger("app")
    propagate = app_logger.propagate
    app_logger.propagate = True
    caplog.set_level(logging.DEBUG)
    for name in ("app", "sqlalchemy"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.NOTSET, logger="sqlalchemy.engine")
    try:
        yield caplog
    finally:
        app_logger.propagate = propagate


def _text(record: logging.LogRecord) -> str:
    parts = [str(record.msg), repr(record.args), record.getMessage()]
    if record.exc_info is not None:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        parts.append(record.exc_text)
    return "\n".join(parts)


def assert_no_personal_data(records: list[logging.LogRecord]) -> None:
    assert records, "nothing was logged"
    for record in records:
        text = _text(record)
        leaked = [value for value in PERSONAL if value in text]
        assert not leaked, f"{record.name} logged {leaked}: {text[:500]}"


@pytest.fixture
def platform(database_url: str, declarations: Declarations) -> Iterator[TestClient]:
    """The service on SQLite (and PostgreSQL), its parties filed, called by the platform."""
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        keys = {}
        for body in declarations.filings():
            answer = client.post("/v1/enterprises", json=body)
            assert answer.status_code == 201
            keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
        register_everywhere(client.app.state.engine, list(keys))  # type: ignore[attr-defined]
        key = keys[demo.DEMO_PARTIES.platform.customs_code]
        client.headers["Authorization"] = f"Bearer {key}"
        yield client


def test_intake_logs_no_personal_data(
    platform: TestClient, declarations: Declarations, logged: pytest.LogCaptureFixture
) -> None:
    body = _body(declarations)
    assert platform.post("/v1/declarations/validate", json=body).json()["valid"] is True
    assert platform.post("/v1/declarations", json=body).status_code == 202
    again = platform.post("/v1/declarations", json=body, headers={"Idempotency-Key": "again"})
    assert again.status_code == 409
    refused = _body(declarations)
    refused["payment"]["payerName"] = "某某"
    assert platform.post("/v1/declarations", json=refused).status_code == 422
    unreadable = _body(declarations)
    unreadable["order"]["buyerTelephone"] = [BUYER.telephone]
    assert platform.post("/v1/declarations", json=unreadable).status_code == 422
    batch = platform.post(
        "/v1/declarations/batch", json={"declarations": [_body(declarations), body, refused]}
    )
    assert [r["outcome"] for r in batch.json()["results"]] == [
        "accepted",
        "duplicate_order",
        "declaration_refused",
    ]
    listed = platform.get("/v1/declarations", params={"limit": 1}).json()["items"]
    assert platform.get(f"/v1/declarations/{listed[0]['id']}").status_code == 200

    assert_no_personal_data(logged.records)


def _failing(platform: TestClient, body: dict[str, Any]) -> None:
    """Declares ``body`` singly and in a batch: the service answers 500 and logs why (the
    test client raises what was logged)."""
    with pytest.raises(IntegrityError):
        platform.post("/v1/declarations", json=body)
    with pytest.raises(IntegrityError):
        platform.post("/v1/declarations/batch", json={"declarations": [body]})


def _assert_failures_logged(records: list[logging.LogRecord]) -> None:
    errors = [r for r in records if r.exc_info and isinstance(r.exc_info[1], IntegrityError)]
    assert errors, "the database error was not logged"
    assert any("lost a race" in r.getMessage() for r in records)
    assert_no_personal_data(records)


def test_a_unique_constraint_logs_no_personal_data(
    platform: TestClient,
    declarations: Declarations,
    logged: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A duplicate the facts did not show (as a concurrent transaction would leave it)
    reaches the database's unique constraint with the documents as the parameters."""
    body = _body(declarations)
    assert platform.post("/v1/declarations", json=body).status_code == 202
    read_facts = intake_store.read_facts

    def without_orders(*args: Any, **kwargs: Any) -> intake_store.Read:
        read = read_facts(*args, **kwargs)
        facts = dataclasses.replace(read.facts, orders={})
        return intake_store.Read(facts, read.ended_keys)

    monkeypatch.setattr(intake_store, "read_facts", without_orders)
    _failing(platform, dict(body, logistics=dict(body["logistics"], logisticsNo="SF-OTHER-1")))
    _assert_failures_logged(logged.records)


def test_a_failing_row_logs_no_personal_data(
    platform: TestClient,
    declarations: Declarations,
    logged: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A row the database refuses: PostgreSQL's error quotes the whole failing row."""
    made = pipeline.new_declaration

    def without_status(*args: Any, **kwargs: Any) -> intake_store.NewDeclaration:
        return dataclasses.replace(made(*args, **kwargs), status=None)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "new_declaration", without_status)
    _failing(platform, _body(declarations))
    _assert_failures_logged(logged.records)


def test_an_agencys_refusal_is_kept_without_what_it_quotes() -> None:
    """An agency's validation error quotes the documents back; the reason the dispatcher
    logs and keeps with the dead letter says where and why, not the values."""
    echoed = {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["body", "declarations", 0, "order", "buyerName"],
                "msg": "String should have at most 60 characters",
                "input": {"buyerName": BUYER.name, "buyerIdNumber": BUYER.id_number},
            }
        ]
    }
    with pytest.raises(RefusedError) as refused:
        check_status(httpx.Response(422, json=echoed))
    reason = str(refused.value)
    assert "HTTP 422" in reason
    assert "order/buyerName: String should have at most 60 characters" in reason
    assert not [value for value in PERSONAL if value in reason]
