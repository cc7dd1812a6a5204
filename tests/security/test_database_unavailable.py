"""A database that cannot be reached answers 503 problem+json ``database_unavailable``
with ``Retry-After`` (a condition to retry), not 500 (a bug of the service); other
database errors stay 500."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

import app.store.keys as stored_keys
from app.main import create_app
from app.problems import database_unavailable
from tests.support.factories import Declarations
from tests.support.service import ADMIN, quiet_settings

PROBLEM = "application/problem+json"
# Nothing listens on port 1: every connection is refused at once.
CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:1/singlewindow"


def assert_unavailable(answer: Any) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "database_unavailable"
    assert int(answer.headers["retry-after"]) >= 1
    assert answer.json()["requestId"] == answer.headers["x-request-id"]


@pytest.fixture
def unreachable() -> Iterator[TestClient]:
    app = create_app(quiet_settings(CLOSED_PORT))
    with TestClient(app, headers=ADMIN, raise_server_exceptions=False) as client:
        yield client


def test_reads_and_writes_answer_503_when_postgresql_is_down(
    unreachable: TestClient, declarations: Declarations
) -> None:
    assert_unavailable(unreachable.get("/v1/declarations"))
    assert_unavailable(unreachable.get("/v1/enterprises"))
    assert_unavailable(unreachable.post("/v1/declarations", json=declarations.valid()))
    assert_unavailable(
        unreachable.post(
            "/v1/keys",
            json={"kind": "regulator", "agency": "tax"},
            headers={"Idempotency-Key": "a-retry-is-welcome"},
        )
    )


def test_a_key_that_cannot_be_looked_up_is_503_not_401(unreachable: TestClient) -> None:
    """The database's outage is not the caller's failed authentication: not 401, and not
    counted against the address (SW_AUTH_FAILURE_LIMIT is 20 a minute)."""
    key = {"Authorization": "Bearer sw_e_a-key-the-database-would-know-0123456789"}
    for _ in range(25):
        assert_unavailable(unreachable.get("/v1/declarations", headers=key))


def _driver_error(kind: type[DBAPIError], **options: Any) -> DBAPIError:
    return kind("SELECT 1", None, Exception("driver"), **options)


def test_only_errors_that_pass_are_unavailability() -> None:
    """Refused or lost connections, an exhausted pool, SQLite's "unable to open database
    file" and "database is locked" (all OperationalError) pass; a broken constraint is a
    bug of the service's."""
    assert database_unavailable(_driver_error(OperationalError))
    assert database_unavailable(PoolTimeout("QueuePool limit reached"))
    assert database_unavailable(_driver_error(DBAPIError, connection_invalidated=True))
    assert not database_unavailable(_driver_error(IntegrityError))
    assert not database_unavailable(_driver_error(DBAPIError))
    assert not database_unavailable(ValueError("not the database"))


def test_a_database_error_that_is_a_bug_stays_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> None:
        raise _driver_error(IntegrityError)

    monkeypatch.setattr(stored_keys, "list_keys", broken)
    answer = TestClient(client.app, headers=ADMIN, raise_server_exceptions=False).get("/v1/keys")
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"
