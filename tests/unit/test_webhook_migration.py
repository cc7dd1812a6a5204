"""Pushes queued in the outbox before the event log existed are carried over to it, for
their endpoint alone, in order: nothing queued before the upgrade is lost."""

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from app.store.db import make_engine, upgrade


def test_queued_pushes_become_their_endpoint_s_events(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0006")
    engine = make_engine(url)
    now = datetime(2026, 12, 1, 8, 0, 0)
    try:
        with engine.begin() as connection:
            for endpoint in ("e1", "e2"):
                connection.execute(
                    text(
                        "INSERT INTO webhook_endpoints (id, url, events, secret, owner,"
                        " created_at) VALUES (:id, 'https://hooks.example.com/', :events,"
                        " 'whsec_x', 'admin', :now)"
                    ),
                    {
                        "id": endpoint,
                        "events": json.dumps(["declaration.status_changed"]),
                        "now": now,
                    },
                )
            rows = [
                ("webhook:e1", "pending", "evt_a"),
                ("webhook:e2", "delivered", "evt_b"),
                ("webhook:e1", "pending", "evt_c"),
                ("customs", "pending", "sub-1"),
            ]
            for destination, status, key in rows:
                connection.execute(
                    text(
                        "INSERT INTO outbox_messages (destination, kind, subject_id, payload,"
                        " idempotency_key, status, attempts, next_attempt_at, created_at)"
                        " VALUES (:d, 'declaration.status_changed', 's', :payload, :key,"
                        " :status, 1, :now, :now)"
                    ),
                    {
                        "d": destination,
                        "payload": json.dumps({"id": key, "data": {"status": "cleared"}}),
                        "key": key,
                        "status": status,
                        "now": now,
                    },
                )
        upgrade(url)
        with engine.connect() as connection:
            events = connection.execute(
                text("SELECT endpoint_id, payload FROM webhook_events ORDER BY id")
            ).all()
            left = connection.execute(text("SELECT destination FROM outbox_messages")).scalars()
            cursors = connection.execute(text("SELECT cursor FROM webhook_endpoints")).scalars()
            assert [(e, json.loads(p)["id"]) for e, p in events] == [
                ("e1", "evt_a"),
                ("e1", "evt_c"),
            ]
            assert list(left) == ["customs"]
            assert set(cursors) == {0}
    finally:
        engine.dispose()
