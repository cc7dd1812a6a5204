"""The CEB311 scenario: single-record CEB311 messages (``POST /v1/ceb/messages``, one
order each, sent by the platform) measured as the JSON single-set intake is — back to
back with the same callers, and open loop at given rates with the same sustained test —
and set beside the JSON numbers. The target (issue 19): CEB311 intake at least 0.8 × the
JSON single-set rate at the same p99.

Each CEB311 is filed as the platform's own order document: it waits for its payment,
waybill and inventory, so it reaches no agency and there is no end to end to wait for.
A record the window refuses still answers ``200`` (its receipt's ``returnStatus`` is
negative), so the step's orders are counted in the database afterwards, as the batches'
items are: an answered order missing there was refused."""

import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import col

from app.store.models import PartyDocument
from bench.load import Outcome, closed_loop, open_loop, run
from bench.resources import ResourceUsage
from bench.steps import (
    SUSTAINED_ERROR_SHARE,
    SUSTAINED_SHARE,
    RateStep,
    StepContext,
    monotonic_window,
)
from bench.summary import LoadSummary, summarize

ENDPOINT = "POST /v1/ceb/messages (CEB311, 1 order)"
TARGET_SHARE = 0.8
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Ceb311Step:
    """One CEB311 load: open loop at ``offered_rate``, or closed loop (``offered_rate``
    None) with ``concurrency`` callers."""

    endpoint: str
    offered_rate: float | None
    concurrency: int | None
    load: LoadSummary
    resources: ResourceUsage
    accepted: int  # orders of the step filed in the database afterwards
    refused: int  # orders answered 200 whose record was refused (missing from the database)
    sustained: bool | None  # open loop: as a JSON rate, and no more than 1 % refused


@dataclass(frozen=True)
class Comparison:
    """CEB311 beside JSON single sets on the same server. ``rate_ratio``: the highest
    CEB311 rate sustained over the highest JSON rate sustained, both within the same p99
    bound (``slo_p99_ms``); ``saturation_ratio``: back to back, answers per second."""

    target_share: float
    slo_p99_ms: float
    json_sustained_rate: float | None
    json_p99_ms: float | None  # at that rate
    ceb311_sustained_rate: float | None
    ceb311_p99_ms: float | None  # at that rate
    rate_ratio: float | None
    rate_meets_target: bool | None  # None: not measured (no JSON rate sustained, or none run)
    json_saturation_rps: float | None
    json_saturation_p99_ms: float | None
    ceb311_saturation_rps: float | None
    ceb311_saturation_p99_ms: float | None
    saturation_ratio: float | None
    saturation_meets_target: bool | None


@dataclass
class Ceb311Result:
    saturation: Ceb311Step | None = None
    rates: list[Ceb311Step] = field(default_factory=list)
    not_run_rates: list[float] = field(default_factory=list)
    comparison: Comparison | None = None


def ceb311_rates(context: StepContext, json_rates: list[RateStep]) -> list[float]:
    """``--ceb311-rates`` when given; else 0.8 × and 1 × the highest JSON rate sustained
    (the target, then whether CEB311 keeps up with JSON itself); else, with no JSON rate
    sustained or run, the ``--rates`` ladder."""
    settings = context.settings
    if settings.ceb311_rates:
        return list(settings.ceb311_rates)
    best = max((s.offered_rate for s in json_rates if s.sustained), default=None)
    if best is None:
        return list(settings.rates)
    return [round(TARGET_SHARE * best, 1), best]


def measure_rate(context: StepContext, index: int, rate: float) -> Ceb311Step:
    settings = context.settings
    step = f"C{index:02d}"
    count = round(rate * (settings.warmup + settings.duration))
    requests = context.declarations.ceb311(step, count)
    window = (settings.warmup, settings.warmup + settings.duration)
    with context.sampler() as sampler:
        record = run(open_loop(context.target(200, settings.connections), requests, rate))
        accepted = _wait_until_filed(context, step)
    load = summarize(record, 200, window)
    refused = _refused(record.outcomes, accepted)
    return Ceb311Step(
        endpoint=ENDPOINT,
        offered_rate=rate,
        concurrency=None,
        load=load,
        resources=sampler.usage(monotonic_window(record, window)),
        accepted=accepted,
        refused=refused,
        sustained=load.achieved_rps >= SUSTAINED_SHARE * rate
        and load.error_share <= SUSTAINED_ERROR_SHARE
        and refused <= SUSTAINED_ERROR_SHARE * max(len(record.outcomes), 1)
        and load.latency_ms is not None
        and load.latency_ms.p99 <= settings.slo_p99_ms,
    )


def measure_saturation(context: StepContext, expected_rps: float) -> Ceb311Step:
    """Back to back with ``--concurrency`` callers for ``--saturation-seconds``, as the
    JSON saturation; messages built beforehand (``expected_rps``: the best JSON rate seen,
    with room to spare)."""
    settings = context.settings
    step = "CSAT"
    count = round(max(3 * expected_rps, 300) * settings.saturation_seconds)
    requests = context.declarations.ceb311(step, count)
    target = context.target(200, settings.concurrency)
    with context.sampler() as sampler:
        record = run(
            closed_loop(target, iter(requests), settings.concurrency, settings.saturation_seconds)
        )
        accepted = _wait_until_filed(context, step)
    window = (0.0, settings.saturation_seconds)
    if len(record.outcomes) == count:  # ran out before the time was up
        window = (0.0, record.outcomes[-1].sent)
    return Ceb311Step(
        endpoint=ENDPOINT,
        offered_rate=None,
        concurrency=settings.concurrency,
        load=summarize(record, 200, window),
        resources=sampler.usage(monotonic_window(record, window)),
        accepted=accepted,
        refused=_refused(record.outcomes, accepted),
        sustained=None,
    )


def compare(
    settings_slo_p99_ms: float,
    json_rates: list[RateStep],
    json_saturation: LoadSummary | None,
    result: Ceb311Result,
) -> Comparison:
    json_best = max(
        (s for s in json_rates if s.sustained), key=lambda s: s.offered_rate, default=None
    )
    ceb_best = max(
        (s for s in result.rates if s.sustained),
        key=lambda s: s.offered_rate or 0.0,
        default=None,
    )
    json_rate = json_best.offered_rate if json_best else None
    ceb_rate = ceb_best.offered_rate if ceb_best else None
    rate_ratio = None
    rate_meets: bool | None = None
    if json_rate and result.rates:
        rate_ratio = round((ceb_rate or 0.0) / json_rate, 3)
        rate_meets = rate_ratio >= TARGET_SHARE
    ceb_saturation = result.saturation.load if result.saturation else None
    saturation_ratio = None
    if json_saturation and ceb_saturation and json_saturation.achieved_rps:
        saturation_ratio = round(ceb_saturation.achieved_rps / json_saturation.achieved_rps, 3)
    return Comparison(
        target_share=TARGET_SHARE,
        slo_p99_ms=settings_slo_p99_ms,
        json_sustained_rate=json_rate,
        json_p99_ms=_p99(json_best.load if json_best else None),
        ceb311_sustained_rate=ceb_rate,
        ceb311_p99_ms=_p99(ceb_best.load if ceb_best else None),
        rate_ratio=rate_ratio,
        rate_meets_target=rate_meets,
        json_saturation_rps=json_saturation.achieved_rps if json_saturation else None,
        json_saturation_p99_ms=_p99(json_saturation),
        ceb311_saturation_rps=ceb_saturation.achieved_rps if ceb_saturation else None,
        ceb311_saturation_p99_ms=_p99(ceb_saturation),
        saturation_ratio=saturation_ratio,
        saturation_meets_target=None
        if saturation_ratio is None
        else saturation_ratio >= TARGET_SHARE,
    )


def _p99(load: LoadSummary | None) -> float | None:
    return load.latency_ms.p99 if load and load.latency_ms else None


def _refused(outcomes: list[Outcome], accepted: int) -> int:
    answered = sum(1 for o in outcomes if o.status == 200)
    return max(answered - accepted, 0)


def _filed(context: StepContext, step: str) -> int:
    prefix = context.declarations.order_prefix(step)
    query = select(func.count()).where(
        col(PartyDocument.order_no).startswith(prefix, autoescape=True),
        col(PartyDocument.kind) == "order",
    )
    with context.watch.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _wait_until_filed(context: StepContext, step: str) -> int:
    """The step's orders in the database, once their number stops growing (requests the
    generator gave up on may still be processed by the server)."""
    started = time.monotonic()
    last = -1
    while True:
        filed = _filed(context, step)
        if filed == last or time.monotonic() - started > context.settings.drain_timeout:
            return filed
        last = filed
        time.sleep(POLL_SECONDS)
