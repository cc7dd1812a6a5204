"""Several processes writing one SQLite database take turns without "database is locked"."""

import multiprocessing
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from app.store import idempotency
from app.store.db import make_engine, write_session

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


def test_an_urgent_writer_goes_before_the_background_ones(sqlite_url: str) -> None:
    """Intake, which a caller waits on, takes the writer's turn before the receipts and
    outbox work queued in the same process."""
    engine = make_engine(sqlite_url)
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with write_session(engine):
            holding.set()
            release.wait(10)

    def writer(name: str, urgent: bool) -> None:
        with write_session(engine, urgent=urgent):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert holding.wait(10)
    for name, urgent in (("background-1", False), ("background-2", False), ("urgent", True)):
        thread = threading.Thread(target=writer, args=(name, urgent))
        thread.start()
        threads.append(thread)
        time.sleep(0.1)  # queued in this order behind the first writer
    release.set()
    for thread in threads:
        thread.join(10)
    engine.dispose()
    assert order[0] == "urgent"
    assert sorted(order[1:]) == ["background-1", "background-2"]
