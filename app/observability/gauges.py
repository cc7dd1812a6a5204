"""The figures a scrape reads from the database: declarations by status, the outbox's
backlog and dead letters, parked webhook endpoints.

They are what every process shares, so they are read once per scrape by the process
scraped, with one grouped count per table, and kept for ``SW_METRICS_CACHE_SECONDS`` so
that several Prometheus servers (or a dashboard's refreshes) cost one read. A database
that does not answer makes ``singlewindow_database_up`` 0 and leaves out its figures,
rather than failing the whole scrape: the process's own metrics still come."""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from app.domain.clearance import Agency, ClearanceStatus
from app.store.models import Declaration, OutboxMessage, WebhookEndpoint

log = logging.getLogger("app.observability")

PENDING, DEAD = "pending", "dead"


@dataclass(frozen=True, slots=True)
class Reading:
    """One read of the database's figures."""

    declarations: dict[str, int] = field(default_factory=dict)
    finalized: int = 0
    pending: dict[str, int] = field(default_factory=dict)
    oldest_pending: dict[str, datetime] = field(default_factory=dict)
    dead: dict[str, int] = field(default_factory=dict)
    parked_endpoints: int = 0
    failing_endpoints: int = 0
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0


def read(engine: Engine) -> Reading:
    started = time.perf_counter()
    declarations: dict[str, int] = {}
    finalized = 0
    pending: dict[str, int] = {}
    oldest: dict[str, datetime] = {}
    dead: dict[str, int] = {}
    with engine.connect() as connection:
        status = col(Declaration.status)
        by_status = select(status, func.count(), func.count(col(Declaration.finalized_at)))
        for name, count, final in connection.execute(by_status.group_by(status)):
            declarations[name] = count
            finalized += final
        destination, state = col(OutboxMessage.destination), col(OutboxMessage.status)
        outbox = (
            select(destination, state, func.count(), func.min(col(OutboxMessage.created_at)))
            .where(state.in_((PENDING, DEAD)))
            .group_by(destination, state)
        )
        for where, kind, count, first in connection.execute(outbox):
            if kind == PENDING:
                pending[where] = count
                if first is not None:
                    oldest[where] = first
            else:
                dead[where] = count
        endpoints = select(
            func.count().filter(col(WebhookEndpoint.parked)),
            func.count().filter(col(WebhookEndpoint.consecutive_failures) > 0),
        )
        parked, failing = connection.execute(endpoints).one()
    return Reading(
        declarations=declarations,
        finalized=finalized,
        pending=pending,
        oldest_pending=oldest,
        dead=dead,
        parked_endpoints=parked or 0,
        failing_endpoints=failing or 0,
        seconds=time.perf_counter() - started,
    )


class DatabaseFigures(Collector):
    """The collector a scrape's registry holds (``app.observability.metrics``)."""

    def __init__(
        self,
        engine: Engine,
        keep_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._kept: tuple[float, Reading | None] | None = None

    def reading(self) -> Reading | None:
        """The last reading if it is recent enough, else a new one (None: the database
        did not answer). One scrape reads at a time; those arriving meanwhile wait for
        its reading."""
        with self._lock:
            now = self.clock()
            kept = self._kept
            if kept is not None and now - kept[0] < self.keep_seconds:
                return kept[1]
            try:
                found: Reading | None = read(self.engine)
            except SQLAlchemyError as error:
                log.warning("metrics: the database did not answer: %s", type(error).__name__)
                found = None
            self._kept = (now, found)
            return found

    def collect(self) -> Iterable[Metric]:
        found = self.reading()
        up = GaugeMetricFamily(
            "singlewindow_database_up", "Whether the database answered the last read (1) or not."
        )
        up.add_metric([], 0 if found is None else 1)
        yield up
        if found is None:
            return
        took = GaugeMetricFamily(
            "singlewindow_database_read_seconds",
            "How long the last read of these figures from the database took.",
        )
        took.add_metric([], found.seconds)
        yield took
        yield _by(
            GaugeMetricFamily(
                "singlewindow_declarations",
                "Declarations by their clearance status now.",
                labels=["status"],
            ),
            {s.value: 0 for s in ClearanceStatus} | found.declarations,
        )
        final = CounterMetricFamily(
            "singlewindow_declarations_finalized",
            "Declarations that reached a final status (cleared, rejected, detained); its "
            "rate is the clearance rate.",
        )
        final.add_metric([], found.finalized)
        yield final
        agencies = {a.value: 0 for a in Agency}
        yield _by(
            GaugeMetricFamily(
                "singlewindow_outbox_pending",
                "Messages waiting to be delivered, by destination (the backlog).",
                labels=["destination"],
            ),
            agencies | found.pending,
        )
        age = GaugeMetricFamily(
            "singlewindow_outbox_oldest_pending_age_seconds",
            "Age of the oldest message still waiting, by destination (0: none waits).",
            labels=["destination"],
        )
        for destination in sorted(agencies | found.pending):
            first = found.oldest_pending.get(destination)
            seconds = 0.0 if first is None else max(0.0, (found.at - _aware(first)).total_seconds())
            age.add_metric([destination], seconds)
        yield age
        yield _by(
            GaugeMetricFamily(
                "singlewindow_outbox_dead_letters",
                "Messages given up on, by destination, until redriven "
                "(`singlewindow outbox redrive`).",
                labels=["destination"],
            ),
            agencies | found.dead,
        )
        parked = GaugeMetricFamily(
            "singlewindow_webhook_endpoints_parked",
            "Webhook endpoints parked after failing again and again (only a probe goes out).",
        )
        parked.add_metric([], found.parked_endpoints)
        yield parked
        failing = GaugeMetricFamily(
            "singlewindow_webhook_endpoints_failing",
            "Webhook endpoints whose last push failed, parked or not.",
        )
        failing.add_metric([], found.failing_endpoints)
        yield failing


def _by(family: GaugeMetricFamily, values: dict[str, int]) -> GaugeMetricFamily:
    for label, value in sorted(values.items()):
        family.add_metric([label], value)
    return family


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
