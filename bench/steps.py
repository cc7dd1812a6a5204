"""One measurement each: the ceiling (closed-loop ``GET /healthz``), one arrival rate of
declarations (open loop, then the agencies' end to end), the intake's own saturation
(closed-loop declarations)."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.clearance import ClearanceWatch, EndToEnd
from bench.http1 import build_request
from bench.load import LoadRecord, Target, closed_loop, open_loop, run
from bench.resources import ResourceSampler, ResourceUsage
from bench.service import Service
from bench.settings import BenchSettings
from bench.summary import LoadSummary, summarize
from bench.workload import BATCH_SIZE, Declarations

# A rate is sustained when nearly all of it is answered, without errors, and in time
# (p99 within the SLO): a queue that grows shows in latency before it shows in throughput.
SUSTAINED_SHARE = 0.95
SUSTAINED_ERROR_SHARE = 0.01


@dataclass(frozen=True)
class ClosedLoopStep:
    endpoint: str
    concurrency: int
    load: LoadSummary
    resources: ResourceUsage
    end_to_end: EndToEnd | None = None


@dataclass(frozen=True)
class BatchStep:
    """Closed-loop batches: ``load`` counts requests (each of ``batch_size``
    declarations); ``declarations_per_s`` is what the intake took."""

    endpoint: str
    callers: int
    batch_size: int
    load: LoadSummary
    resources: ResourceUsage
    declarations_per_s: float
    accepted: int  # declarations of the step in the database afterwards
    refused_items: int  # items of 200 answers that were not accepted


@dataclass(frozen=True)
class RateStep:
    offered_rate: float
    load: LoadSummary
    resources: ResourceUsage
    end_to_end: EndToEnd
    ratio_to_ceiling: float | None
    sustained: bool  # the intake kept up
    end_to_end_sustained: bool  # the agencies' answers kept up too


@dataclass
class StepContext:
    """What the steps of one database's run share."""

    settings: BenchSettings
    service: Service
    watch: ClearanceWatch
    declarations: Declarations
    postgres: bool

    def target(self, expected_status: int, connections: int) -> Target:
        return Target(
            host=self.settings.host,
            port=self.settings.port,
            expected_status=expected_status,
            timeout=self.settings.timeout,
            connections=connections,
        )

    def sampler(self) -> ResourceSampler:
        return ResourceSampler(self.service.pid, postgres=self.postgres)


def _wall(record: LoadRecord, offset: float) -> datetime:
    return datetime.fromtimestamp(record.started_wall + offset, UTC)


def monotonic_window(record: LoadRecord, window: tuple[float, float]) -> tuple[float, float]:
    return record.started_monotonic + window[0], record.started_monotonic + window[1]


def measure_ceiling(context: StepContext) -> ClosedLoopStep:
    """The most ``GET /healthz`` the same server answers: the stack's own ceiling."""
    settings = context.settings
    request = build_request("GET", "/healthz", host=f"{settings.host}:{settings.port}")
    target = context.target(200, settings.concurrency)
    with context.sampler() as sampler:
        record = run(
            closed_loop(
                target, itertools.repeat(request), settings.concurrency, settings.ceiling_seconds
            )
        )
    window = (0.0, settings.ceiling_seconds)
    return ClosedLoopStep(
        endpoint="GET /healthz",
        concurrency=settings.concurrency,
        load=summarize(record, 200, window),
        resources=sampler.usage(monotonic_window(record, window)),
    )


def measure_rate(
    context: StepContext, index: int, rate: float, ceiling: ClosedLoopStep | None
) -> RateStep:
    settings = context.settings
    step = f"R{index:02d}"
    count = round(rate * (settings.warmup + settings.duration))
    requests = context.declarations.batch(step, count)
    # Seconds since the first scheduled send: the warm-up, then the measured window.
    window = (settings.warmup, settings.warmup + settings.duration)
    with context.sampler() as sampler:
        record = run(open_loop(context.target(202, settings.connections), requests, rate))
        drained = context.watch.wait_until_done(
            context.declarations.order_prefix(step), settings.drain_timeout
        )
    load = summarize(record, 202, window)
    end_to_end = context.watch.measure(
        context.declarations.order_prefix(step),
        (_wall(record, window[0]), _wall(record, window[1])),
        drained,
    )
    ceiling_rps = ceiling.load.achieved_rps if ceiling else 0.0
    return RateStep(
        offered_rate=rate,
        load=load,
        resources=sampler.usage(monotonic_window(record, window)),
        end_to_end=end_to_end,
        ratio_to_ceiling=round(load.achieved_rps / ceiling_rps, 3) if ceiling_rps else None,
        sustained=load.achieved_rps >= SUSTAINED_SHARE * rate
        and load.error_share <= SUSTAINED_ERROR_SHARE
        and load.latency_ms is not None
        and load.latency_ms.p99 <= settings.slo_p99_ms,
        end_to_end_sustained=end_to_end.finished_per_s >= SUSTAINED_SHARE * rate
        and end_to_end.drained_after_s is not None,
    )


def measure_saturation(
    context: StepContext, expected_rps: float, say: Callable[[str], None]
) -> ClosedLoopStep:
    """The most declarations the intake accepts with ``concurrency`` callers. Built
    beforehand (``expected_rps``: the best rate seen, with room to spare), since building
    them while sending would take the generator's CPU from the server's."""
    settings = context.settings
    step = "SAT"
    target = context.target(202, settings.concurrency)
    count = round(max(3 * expected_rps, 300) * settings.saturation_seconds)
    requests = context.declarations.batch(step, count)
    with context.sampler() as sampler:
        record = run(
            closed_loop(target, iter(requests), settings.concurrency, settings.saturation_seconds)
        )
        drained = context.watch.wait_until_done(
            context.declarations.order_prefix(step), settings.drain_timeout
        )
    window = (0.0, settings.saturation_seconds)
    if len(record.outcomes) == count:  # ran out before the time was up
        window = (0.0, record.outcomes[-1].sent)
        say(f"  note: all {count} prepared declarations went in {window[1]:.1f} s")
    return ClosedLoopStep(
        endpoint="POST /v1/declarations",
        concurrency=settings.concurrency,
        load=summarize(record, 202, window),
        resources=sampler.usage(monotonic_window(record, window)),
        end_to_end=context.watch.measure(
            context.declarations.order_prefix(step),
            (_wall(record, window[0]), _wall(record, window[1])),
            drained,
        ),
    )


def measure_batches(
    context: StepContext, expected_rps: float, say: Callable[[str], None]
) -> BatchStep:
    """The most declarations the intake takes in batches of 100, ``batch_callers`` callers
    back to back. Every item is valid, so each should be accepted: the database is counted
    afterwards, and items missing from it are reported as refused."""
    settings = context.settings
    step = "BAT"
    count = max(round(max(3 * expected_rps, 2000) * settings.batch_seconds / BATCH_SIZE), 1)
    requests = context.declarations.batches(step, count)
    target = context.target(200, settings.batch_callers)
    with context.sampler() as sampler:
        record = run(
            closed_loop(target, iter(requests), settings.batch_callers, settings.batch_seconds)
        )
    window = (0.0, settings.batch_seconds)
    if len(record.outcomes) == count:
        window = (0.0, record.outcomes[-1].sent)
        say(f"  note: all {count} prepared batches went in {window[1]:.1f} s")
    load = summarize(record, 200, window)
    answered = sum(1 for o in record.outcomes if o.status == 200) * BATCH_SIZE
    accepted = context.watch.count(context.declarations.order_prefix(step))
    return BatchStep(
        endpoint="POST /v1/declarations/batch",
        callers=settings.batch_callers,
        batch_size=BATCH_SIZE,
        load=load,
        resources=sampler.usage(monotonic_window(record, window)),
        declarations_per_s=round(load.achieved_rps * BATCH_SIZE, 1),
        accepted=accepted,
        refused_items=max(answered - accepted, 0),
    )
