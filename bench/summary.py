"""What one load run says: throughput, latency, errors, and whether the generator itself
kept to its schedule."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from bench.load import LoadRecord, Outcome
from bench.stats import LatencySummary, percentile, summarize_ms

# The generator is behind schedule when its p99 send is later than this: then the
# offered load was burstier than asked (latencies still count from the schedule).
BEHIND_SCHEDULE_MS = 10.0


@dataclass(frozen=True)
class GeneratorHealth:
    send_rate: float  # requests sent per second inside the window
    lag_p50_ms: float
    lag_p99_ms: float
    lag_max_ms: float
    cpu_percent: float  # of one core, over the whole load
    # Waiting for a CPU while runnable, per second of load: late sends with low CPU and a
    # high wait mean other processes starved the generator, not that it could not keep up.
    runqueue_wait_ms_per_s: float
    connections_opened: int
    behind_schedule: bool


@dataclass(frozen=True)
class Second:
    """Requests scheduled in one second of the load (warm-up included): a queue that grows
    shows as latency climbing second after second."""

    at: int  # seconds since the load started
    requests: int
    ok: int
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class LoadSummary:
    seconds: float  # the measured window
    requests: int  # scheduled inside the window
    ok: int  # of those, answered with the expected status
    achieved_rps: float  # expected answers that arrived inside the window, per second
    latency_ms: LatencySummary | None  # from the scheduled time; timeouts at the timeout
    errors: dict[str, int]
    error_examples: dict[str, str]
    generator: GeneratorHealth
    timeline: list[Second]

    @property
    def error_share(self) -> float:
        return sum(self.errors.values()) / self.requests if self.requests else 0.0


def summarize(record: LoadRecord, expected_status: int, window: tuple[float, float]) -> LoadSummary:
    """``window``: the measured part, in seconds since the load started (warm-up before)."""
    start, end = window
    measured = [o for o in record.outcomes if start <= o.scheduled < end]
    arrived = sum(
        1 for o in record.outcomes if o.status == expected_status and start <= o.done < end
    )
    lags = sorted((o.sent - o.scheduled) * 1000 for o in measured)
    sends = [o.sent for o in measured]
    send_span = (max(sends) - min(sends)) if len(sends) > 1 else 0.0
    lag_p99 = percentile(lags, 0.99) if lags else 0.0
    return LoadSummary(
        seconds=round(end - start, 3),
        requests=len(measured),
        ok=sum(1 for o in measured if o.status == expected_status),
        achieved_rps=round(arrived / (end - start), 1),
        latency_ms=summarize_ms(o.done - o.scheduled for o in measured),
        errors=dict(Counter(o.error for o in measured if o.error is not None)),
        error_examples=record.examples,
        generator=GeneratorHealth(
            send_rate=round((len(sends) - 1) / send_span, 1) if send_span else 0.0,
            lag_p50_ms=round(percentile(lags, 0.5), 2) if lags else 0.0,
            lag_p99_ms=round(lag_p99, 2),
            lag_max_ms=round(lags[-1], 2) if lags else 0.0,
            cpu_percent=round(100 * record.generator_cpu_seconds / record.wall_seconds, 1),
            runqueue_wait_ms_per_s=round(
                1000 * record.generator_runqueue_wait_seconds / record.wall_seconds, 1
            ),
            connections_opened=record.connections_opened,
            behind_schedule=lag_p99 > BEHIND_SCHEDULE_MS,
        ),
        timeline=timeline(record, expected_status),
    )


def timeline(record: LoadRecord, expected_status: int) -> list[Second]:
    by_second: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in record.outcomes:
        by_second[math.floor(outcome.scheduled)].append(outcome)
    seconds = []
    for at, outcomes in sorted(by_second.items()):
        latencies = sorted((o.done - o.scheduled) * 1000 for o in outcomes)
        seconds.append(
            Second(
                at=at,
                requests=len(outcomes),
                ok=sum(1 for o in outcomes if o.status == expected_status),
                p50_ms=round(percentile(latencies, 0.5), 1),
                p99_ms=round(percentile(latencies, 0.99), 1),
                max_ms=round(latencies[-1], 1),
            )
        )
    return seconds
