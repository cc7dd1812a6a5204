"""The outbox retries a failing message with exponential backoff and full jitter until it
is 24 hours old, not about 97 minutes (what 200 attempts at most a minute apart gave):
its last attempt is made at the horizon, and only a failure then makes a dead letter."""

import dataclasses
import itertools
import random
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlmodel import select

from app.config import Settings
from app.store import outbox
from app.store.db import read_session, write_session
from app.store.models import OutboxMessage
from app.store.models.types import utcnow
from app.store.outbox import RetryPolicy

HORIZON = timedelta(hours=24)
FIRST_HOUR = timedelta(hours=1)


def policy() -> RetryPolicy:
    """The policy as the dispatcher builds it from the default settings."""
    settings = Settings()
    return RetryPolicy(
        base_seconds=settings.retry_base_seconds,
        cap_seconds=settings.retry_cap_seconds,
        max_attempts=settings.dead_letter_attempts,
        max_age=timedelta(seconds=settings.dead_letter_age_seconds),
    )


def schedule(policy: RetryPolicy, draws: Iterator[float]) -> list[tuple[timedelta, float]]:
    """Every attempt of a message that always fails, sent the moment it is due: when
    (its age) and the ceiling its wait was drawn under; pure, no clock."""
    attempts: list[tuple[timedelta, float]] = []
    age = timedelta(0)
    while True:
        count = len(attempts) + 1
        ceiling = policy.ceiling(count, age)
        attempts.append((age, ceiling))
        wait = policy.next_wait(count, age, next(draws))
        if wait is None:
            return attempts
        assert timedelta(0) <= wait <= timedelta(seconds=ceiling)
        age += wait


def constant(value: float) -> Iterator[float]:
    while True:
        yield value


def seeded(seed: int) -> Iterator[float]:
    rng = random.Random(seed)
    while True:
        yield rng.random()


DRAWS: dict[str, Callable[[], Iterator[float]]] = {
    "longest waits": lambda: constant(1.0),
    "middle": lambda: constant(0.5),
    "short waits": lambda: constant(0.05),
    "random 1": lambda: seeded(1),
    "random 2": lambda: seeded(2),
}


@pytest.mark.parametrize("draws", DRAWS.values(), ids=DRAWS.keys())
def test_the_last_attempt_is_made_at_24_hours_and_none_before_gives_up(
    draws: Callable[[], Iterator[float]],
) -> None:
    attempts = schedule(policy(), draws())
    ages = [age for age, _ in attempts]
    assert ages == sorted(ages)
    assert ages[-1] == HORIZON  # the last attempt, exactly at the horizon
    assert ages[-2] < HORIZON  # ... and every one before it earlier
    # Nothing gave up before: the message was tried all day long.
    gaps = [later - earlier for earlier, later in itertools.pairwise(ages)]
    assert max(gaps) <= timedelta(minutes=15)
    for age, ceiling in attempts:
        assert ceiling <= (60 if age < FIRST_HOUR else 15 * 60)


def test_the_waits_grow_from_half_a_second_to_a_minute_then_to_15_minutes() -> None:
    longest = schedule(policy(), constant(1.0))
    ceilings = [ceiling for _, ceiling in longest]
    assert ceilings[:8] == [0.5, 1, 2, 4, 8, 16, 32, 60]
    first_hour = [c for age, c in longest if age < FIRST_HOUR]
    assert set(first_hour[7:]) == {60}
    assert {c for age, c in longest if age >= FIRST_HOUR} == {15 * 60}
    # Always waiting the longest: 8 ramping attempts, about 60 a minute apart in the
    # first hour, then 92 a quarter of an hour apart: some 160 attempts in all.
    assert 150 <= len(longest) <= 170


def test_full_jitter_spreads_a_wait_over_the_whole_range_below_its_ceiling() -> None:
    late = policy()
    waits = [late.next_wait(300, timedelta(hours=5)) for _ in range(2000)]
    seconds = [w.total_seconds() for w in waits if w is not None]
    assert len(seconds) == 2000
    assert min(seconds) >= 0
    assert max(seconds) <= 15 * 60
    # Full jitter: from about nothing to about the cap.
    assert min(seconds) < 60
    assert max(seconds) > 14 * 60


def test_an_attempt_bound_ends_it_sooner_only_when_set() -> None:
    bounded = RetryPolicy(0.5, 60, 10, HORIZON)
    assert bounded.next_wait(9, timedelta(minutes=1), 0.5) is not None
    assert bounded.next_wait(10, timedelta(minutes=1), 0.5) is None
    assert policy().next_wait(100_000, HORIZON - timedelta(seconds=1), 0.5) is not None


def test_failures_before_the_horizon_are_retried_and_at_it_are_dead(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    now = utcnow()
    ages = {"young": timedelta(minutes=5), "old": timedelta(hours=23.9), "due": HORIZON}
    with write_session(engine) as session:
        for subject, age in ages.items():
            message = outbox.Message("customs", "declaration.submit", subject, subject)
            outbox.enqueue_many(session, [message], now - age)
        session.commit()
    claimed = outbox.claim(engine, "customs", 10, timedelta(seconds=30))
    # Thousands of attempts are no reason to give up before the horizon.
    tried = [dataclasses.replace(m, attempts=5000) for m in claimed]
    gone, _ = outbox.mark_failed(engine, tried, "HTTP 503", policy())
    assert [m.subject_id for m in gone] == ["due"]
    with read_session(engine) as session:
        rows = {m.subject_id: m for m in session.scalars(select(OutboxMessage))}
    assert {s: m.status for s, m in rows.items()} == {
        "young": "pending",
        "old": "pending",
        "due": "dead",
    }
    # The old one is tried again no later than its 24th hour.
    old = rows["old"]
    assert old.next_attempt_at <= old.created_at + HORIZON
    engine.dispose()
