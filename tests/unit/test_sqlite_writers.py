"""Several processes writing one SQLite database take turns without "database is locked"."""

import multiprocessing
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from app.db import make_engine
from app.services import idempotency

WRITES = 100
POLICY = idempotency.KeyPolicy(ttl=timedelta(hours=24), in_flight_timeout=timedelta(minutes=1))


def write_many(url: str, scope: str) -> None:
    engine = make_engine(url)
    for n in range(WRITES):
        assert idempotency.claim(engine, scope, f"key-{n}", "print", POLICY) is None
    engine.dispose()


def test_processes_take_turns_writing(sqlite_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=write_many, args=(sqlite_url, f"process-{i}")) for i in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM idempotency_keys")).scalar()
    engine.dispose()
    assert count == 3 * WRITES
    database = sqlite_url.removeprefix("sqlite:///")
    assert Path(f"{database}-writer.lock").exists()
