"""One database's run: a fresh database, the service on it, the parties filed; then the
ceiling, each arrival rate and the intake's saturation; the service stopped whatever
happens."""

import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from app.store.models import OutboxMessage
from bench import ceb311
from bench.ceb311 import Ceb311Result
from bench.clearance import ClearanceWatch
from bench.postgres import PostgresUnavailable, fresh_database
from bench.service import Service
from bench.settings import BenchSettings
from bench.steps import (
    BatchStep,
    ClosedLoopStep,
    RateStep,
    StepContext,
    measure_batches,
    measure_ceiling,
    measure_rate,
    measure_saturation,
)
from bench.workload import Declarations, file_parties

Say = Callable[[str], None]
LOG_EXAMPLES = 5


@dataclass
class ServerLog:
    lines: int = 0
    warnings: int = 0
    errors: int = 0  # ERROR lines and tracebacks
    examples: list[str] = field(default_factory=list)


@dataclass
class DatabaseResult:
    """Filled in step by step, so that an interrupted run still reports what it measured."""

    database: str
    skipped: str | None = None
    failure: str | None = None
    ceiling: ClosedLoopStep | None = None
    rates: list[RateStep] = field(default_factory=list)
    not_run_rates: list[float] = field(default_factory=list)
    saturation: ClosedLoopStep | None = None
    batches: BatchStep | None = None
    ceb311: Ceb311Result | None = None
    outbox: dict[str, int] = field(default_factory=dict)
    server_log: ServerLog | None = None


def run_database(
    settings: BenchSettings, database: str, run_id: str, result: DatabaseResult, say: Say
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"sw-bench-{database}-"))
    try:
        if database == "postgres":
            try:
                with fresh_database(settings.postgres_url) as url:
                    _run_on(settings, url, workdir, run_id, result, say)
            except PostgresUnavailable as unavailable:
                result.skipped = f"{unavailable} (set BENCH_POSTGRES_URL or --postgres-url)"
                say(f"[{database}] skipped: {result.skipped}")
            except SQLAlchemyError as error:  # dropping the database afterwards failed
                result.failure = f"{type(error).__name__}: {error}"
                say(f"[{database}] {result.failure}")
        else:
            url = f"sqlite:///{workdir / 'singlewindow.db'}"
            _run_on(settings, url, workdir, run_id, result, say)
    finally:
        if settings.keep_workdir:
            say(f"[{database}] kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _run_on(
    settings: BenchSettings,
    url: str,
    workdir: Path,
    run_id: str,
    result: DatabaseResult,
    say: Say,
) -> None:
    name = result.database
    service = Service(
        database_url=url,
        workdir=workdir,
        host=settings.host,
        port=settings.port,
        log_level=settings.server_log_level,
    )
    say(f"[{name}] starting the service and the four agencies ({workdir})")
    watch = ClearanceWatch(url)
    try:
        with service:
            rng = random.Random(settings.seed)
            platform_key = file_parties(service.base_url, rng, service.admin_key)
            declarations = Declarations(
                host=f"{settings.host}:{settings.port}",
                run_id=run_id,
                seed=settings.seed,
                idempotency_keys=settings.idempotency_keys,
                api_key=platform_key,
            )
            context = StepContext(
                settings, service, watch, declarations, postgres=name == "postgres"
            )
            _measure(context, result, say)
            result.outbox = _outbox_counts(watch)
    except Exception as failure:
        result.failure = f"{type(failure).__name__}: {failure}"
        say(f"[{name}] FAILED: {result.failure}")
        if service.log_path.exists():
            say(f"[{name}] the end of the service's log:\n{service.log_tail()}")
    finally:
        watch.close()
        result.server_log = read_server_log(service.log_path)


def _measure(context: StepContext, result: DatabaseResult, say: Say) -> None:
    name, settings = result.database, context.settings
    say(
        f"[{name}] ceiling: GET /healthz, {settings.concurrency} callers, "
        f"{settings.ceiling_seconds:g} s"
    )
    result.ceiling = measure_ceiling(context)
    context.service.check()
    say(f"[{name}]   {result.ceiling.load.achieved_rps:,.0f} answers/s")
    if "json" in settings.scenarios:
        _measure_rates(context, result, say)
        if settings.saturation_seconds > 0:
            best = max((s.load.achieved_rps for s in result.rates), default=0.0)
            say(
                f"[{name}] saturation: declarations, {settings.concurrency} callers, "
                f"{settings.saturation_seconds:g} s"
            )
            result.saturation = measure_saturation(context, best, say)
            say(f"[{name}]   {result.saturation.load.achieved_rps:,.1f} accepted/s")
    if "ceb311" in settings.scenarios:
        # Before the batches, as the JSON saturation: each measured on a server that the
        # other scenarios' backlog does not share.
        _measure_ceb311(context, result, say)
    if "json" in settings.scenarios and settings.batch_seconds > 0:
        best = max(
            [s.load.achieved_rps for s in result.rates]
            + ([result.saturation.load.achieved_rps] if result.saturation else []),
            default=0.0,
        )
        say(
            f"[{name}] batches: POST /v1/declarations/batch, 100 each, "
            f"{settings.batch_callers} callers, {settings.batch_seconds:g} s"
        )
        result.batches = measure_batches(context, best, say)
        batches = result.batches
        say(
            f"[{name}]   {batches.declarations_per_s:,.0f} declarations/s "
            f"({batches.accepted:,} accepted, {batches.refused_items} refused)"
        )


def _measure_rates(context: StepContext, result: DatabaseResult, say: Say) -> None:
    name, settings = result.database, context.settings
    for index, rate in enumerate(settings.rates):
        say(f"[{name}] {rate:g}/s: {settings.warmup:g} s warm-up + {settings.duration:g} s")
        step = measure_rate(context, index, rate, result.ceiling)
        result.rates.append(step)
        context.service.check()
        latency, generator = step.load.latency_ms, step.load.generator
        say(
            f"[{name}]   achieved {step.load.achieved_rps:,.1f}/s, "
            f"p99 {latency.p99 if latency else float('nan'):,.1f} ms, "
            f"errors {sum(step.load.errors.values())}, "
            f"finished end to end {step.end_to_end.finished_per_s:,.1f}/s; generator: "
            f"lag p99 {generator.lag_p99_ms:,.1f} ms, CPU {generator.cpu_percent:.0f} %, "
            f"waited for a CPU {generator.runqueue_wait_ms_per_s:.0f} ms/s"
        )
        if not step.sustained and settings.stop_at_saturation:
            result.not_run_rates = [r for r in settings.rates if r > rate]
            if result.not_run_rates:
                say(
                    f"[{name}]   not sustained: skipping {result.not_run_rates} "
                    "(--no-stop-at-saturation runs them)"
                )
            break


def _measure_ceb311(context: StepContext, result: DatabaseResult, say: Say) -> None:
    """Single-order CEB311 messages, back to back then open loop, set beside JSON."""
    name, settings = result.database, context.settings
    ceb = result.ceb311 = Ceb311Result()
    if settings.saturation_seconds > 0:
        best = max(
            [s.load.achieved_rps for s in result.rates]
            + ([result.saturation.load.achieved_rps] if result.saturation else []),
            default=0.0,
        )
        say(
            f"[{name}] CEB311 saturation: one order a message, {settings.concurrency} "
            f"callers, {settings.saturation_seconds:g} s"
        )
        ceb.saturation = ceb311.measure_saturation(context, best)
        context.service.check()
        say(
            f"[{name}]   {ceb.saturation.load.achieved_rps:,.1f} answers/s "
            f"({ceb.saturation.accepted:,} orders filed, {ceb.saturation.refused} refused)"
        )
    rates = ceb311.ceb311_rates(context, result.rates)
    for index, rate in enumerate(rates):
        say(f"[{name}] CEB311 {rate:g}/s: {settings.warmup:g} s warm-up + {settings.duration:g} s")
        step = ceb311.measure_rate(context, index, rate)
        ceb.rates.append(step)
        context.service.check()
        latency = step.load.latency_ms
        say(
            f"[{name}]   achieved {step.load.achieved_rps:,.1f}/s, "
            f"p99 {latency.p99 if latency else float('nan'):,.1f} ms, "
            f"errors {sum(step.load.errors.values())}, refused {step.refused}"
        )
        if not step.sustained and settings.stop_at_saturation:
            ceb.not_run_rates = rates[index + 1 :]
            break
    ceb.comparison = ceb311.compare(
        settings.slo_p99_ms,
        result.rates,
        result.saturation.load if result.saturation else None,
        ceb,
    )


def _outbox_counts(watch: ClearanceWatch) -> dict[str, int]:
    query = select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status))
    with watch.engine.connect() as connection:
        return {status: int(n) for status, n in connection.execute(query).all()}


def read_server_log(path: Path) -> ServerLog:
    log = ServerLog()
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return log
    for line in text.splitlines():
        log.lines += 1
        if " WARNING " in line:
            log.warnings += 1
        elif " ERROR " in line or line.startswith("Traceback"):
            log.errors += 1
            if len(log.examples) < LOG_EXAMPLES:
                log.examples.append(line[:300])
    return log
