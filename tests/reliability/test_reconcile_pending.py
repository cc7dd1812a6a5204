"""The reconcile pass covers work still pending long after it was due, not only the
agencies' silence: declarations accepted and never derived are derived, and outbox
messages due and not delivered (a dead worker's, once its lease is over) are counted in
the log and taken again."""

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.dispatch.dispatcher import Dispatcher
from app.store import outbox
from app.store.models.types import utcnow
from tests.support.factories import Declarations
from tests.support.service import settle


def _state(client: TestClient) -> tuple[Any, Any]:
    app = client.app
    return app.state.engine, app.state.settings  # type: ignore[attr-defined]


def _reconcile(client: TestClient) -> None:
    engine, settings = _state(client)
    asyncio.run(Dispatcher(engine, settings, {}).reconcile())


def _age(client: TestClient, table: str, column: str, hours: float) -> None:
    engine, _ = _state(client)
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET {column} = :then"),
            {"then": utcnow() - timedelta(hours=hours)},
        )


def test_declarations_accepted_and_never_derived_are_derived_and_reported(
    filed_client: TestClient, declarations: Declarations, caplog: pytest.LogCaptureFixture
) -> None:
    ids = [
        filed_client.post("/v1/declarations", json=declarations.valid()).json()["id"]
        for _ in range(3)
    ]
    _age(filed_client, "declarations", "created_at", 1)
    with caplog.at_level(logging.WARNING, logger="app.dispatch"):
        _reconcile(filed_client)
    assert "3 declarations accepted before" in caplog.text
    engine, _ = _state(filed_client)
    with engine.connect() as connection:
        underived = connection.execute(
            text("SELECT count(*) FROM declarations WHERE NOT derived")
        ).scalar()
        queued = connection.execute(
            text("SELECT count(*) FROM outbox_messages WHERE kind = 'declaration.submit'")
        ).scalar()
    assert underived == 0
    assert queued == 4 * len(ids)
    for declaration_id in ids:
        parts = filed_client.get(f"/v1/declarations/{declaration_id}").json()["agencies"]
        assert {p["status"] for p in parts} == {"pending"}


def test_a_fresh_declaration_is_left_to_the_rounds(
    filed_client: TestClient, declarations: Declarations, caplog: pytest.LogCaptureFixture
) -> None:
    filed_client.post("/v1/declarations", json=declarations.valid())
    with caplog.at_level(logging.WARNING, logger="app.dispatch"):
        _reconcile(filed_client)
    assert "not derived" not in caplog.text


def test_a_dead_workers_messages_are_taken_again_once_its_lease_is_over_and_reported(
    filed_client: TestClient, declarations: Declarations, caplog: pytest.LogCaptureFixture
) -> None:
    filed_client.post("/v1/declarations", json=declarations.valid())
    settle(filed_client)
    engine, _ = _state(filed_client)
    lease = timedelta(seconds=30)
    # A worker claims customs' message and dies before it answers.
    (taken,) = [m for m in outbox.claim(engine, "customs", 100, lease) if m.kind.startswith("decl")]
    assert [m.id for m in outbox.claim(engine, "customs", 100, lease)] == []  # leased
    with caplog.at_level(logging.WARNING, logger="app.dispatch"):
        _reconcile(filed_client)
    assert "customs" not in caplog.text  # within its lease, it is not overdue
    # The lease ran out long ago: the message is due again, said, and taken again.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE outbox_messages SET next_attempt_at = :then WHERE id = :id"),
            {"then": utcnow() - timedelta(hours=1), "id": taken.id},
        )
    with caplog.at_level(logging.WARNING, logger="app.dispatch"):
        _reconcile(filed_client)
    assert "customs 1" in caplog.text
    (again,) = outbox.claim(engine, "customs", 100, lease)
    assert (again.id, again.attempts) == (taken.id, 2)
