from app.dispatch.pacing import Pacing


def test_the_worker_runs_while_declarations_arrive_slower_than_the_threshold() -> None:
    pacing = Pacing(yield_above=800, max_defer=120)
    assert not pacing.defer(arrived=700, seconds=1.0, now=10.0)
    assert pacing.rate == 700


def test_a_peak_defers_rounds_for_at_most_max_defer_then_one_round_a_second() -> None:
    pacing = Pacing(yield_above=800, max_defer=5)
    assert pacing.defer(arrived=140, seconds=0.1, now=100.0)  # 1,400/s
    assert pacing.defer(arrived=1400, seconds=1.0, now=104.9)
    # Deferring ran out: one round, then none until a second has passed.
    assert not pacing.defer(arrived=1400, seconds=1.0, now=105.0)
    assert pacing.defer(arrived=700, seconds=0.5, now=105.5)
    assert not pacing.defer(arrived=700, seconds=0.5, now=106.0)


def test_rounds_resume_once_arrivals_stayed_below_the_threshold_for_the_calm_period() -> None:
    pacing = Pacing(yield_above=800, max_defer=120, calm=5)
    assert pacing.defer(arrived=1400, seconds=1.0, now=1.0)
    # A dip (intake slowed for a moment) does not end the peak.
    assert pacing.defer(arrived=10, seconds=1.0, now=2.0)
    assert pacing.defer(arrived=10, seconds=1.0, now=5.9)
    assert not pacing.defer(arrived=10, seconds=1.0, now=6.0)
    # A new peak starts a new stretch of deferring.
    assert pacing.defer(arrived=1400, seconds=1.0, now=7.0)


def test_no_time_elapsed_keeps_the_last_rate() -> None:
    pacing = Pacing(yield_above=800, max_defer=120)
    pacing.defer(arrived=1000, seconds=1.0, now=1.0)
    assert pacing.defer(arrived=0, seconds=0.0, now=1.0)
    assert pacing.rate == 1000
