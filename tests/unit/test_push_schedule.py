"""A failing webhook endpoint's retry schedule: doubling with jitter up to the cap,
parked after so many failures in a row, events given up on at the horizon."""

from datetime import timedelta

from app.dispatch.pusher import Schedule
from app.store.models.types import utcnow
from app.store.webhooks import Event

SCHEDULE = Schedule(base=5, cap=3600, park_after=5, horizon=timedelta(hours=24))


def lowest(low: float, _: float) -> float:
    return low


def highest(_: float, high: float) -> float:
    return high


def test_the_delay_doubles_up_to_the_cap_with_jitter() -> None:
    assert [SCHEDULE.delay(n, highest) for n in range(1, 6)] == [5, 10, 20, 40, 80]
    assert [SCHEDULE.delay(n, lowest) for n in range(1, 4)] == [2.5, 5, 10]
    assert SCHEDULE.delay(11, highest) == 3600
    assert SCHEDULE.delay(10_000, highest) == 3600  # no overflow however long it fails


def test_a_day_of_failures_keeps_trying_until_the_horizon() -> None:
    """Even at the longest delays, an endpoint down for a day is tried about every hour
    to the end of the horizon, not given up on after the first hour or so."""
    elapsed, tries = 0.0, 0
    while elapsed < SCHEDULE.horizon.total_seconds():
        tries += 1
        elapsed += SCHEDULE.delay(tries, highest)
    assert 24 < tries < 40


def test_parked_after_five_failures_in_a_row() -> None:
    assert [SCHEDULE.parks(n) for n in range(7)] == [False] * 5 + [True] * 2


def test_an_event_is_given_up_on_only_past_the_horizon() -> None:
    now = utcnow()

    def event(age: timedelta) -> Event:
        return Event(1, "declaration.status_changed", (), None, {"id": "evt_1"}, now - age)

    assert not SCHEDULE.expired(event(timedelta(hours=23, minutes=59)), now)
    assert SCHEDULE.expired(event(timedelta(hours=24, seconds=1)), now)
