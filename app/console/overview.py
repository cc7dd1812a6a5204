"""The regulators' overview of a date range: the statistics the API computes
(``/v1/regulator/stats``), and what an operator watches: each agency's answers, answer
times and queue, the backlog, dead letters and parked webhook endpoints."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request, Response
from markupsafe import Markup
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.console.access import HeavyRegulatorDep
from app.console.charts import Point, columns, rows
from app.console.i18n import Translator, choose
from app.console.queries import DayRange, day_range
from app.console.rendering import Formats, render
from app.console.routing import page_router
from app.domain.clearance import Agency
from app.store import console, stats
from app.store.models import OutboxMessage

router = page_router()

# A message still waiting this long after it fell due is overdue: the worker takes due
# messages within a second or two when all is well.
OVERDUE_AFTER = timedelta(seconds=60)
DEAD_LETTERS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Figures:
    stats: stats.Stats
    by_hour: list[int]
    inspections: list[console.GradeInspections]
    times: dict[str, console.AgencyTimes]
    queues: dict[str, console.Queue]
    dead_letters: list[OutboxMessage]
    webhooks: console.Webhooks


def gather(engine: Engine, days: DayRange, now: datetime) -> Figures:
    """Every figure of the page, read one after another in one worker thread."""
    start, end = days.start, days.end
    return Figures(
        stats=stats.compute(engine, start, end),
        by_hour=console.by_hour(engine, start, end),
        inspections=console.inspections_by_grade(engine, start, end),
        times=console.agency_times(engine, start, end),
        queues=console.queues(engine, now - OVERDUE_AFTER),
        dead_letters=console.dead_letters(engine, DEAD_LETTERS_SHOWN),
        webhooks=console.parked_webhooks(engine),
    )


def health(queue: console.Queue | None) -> str:
    """One word for an agency's queue, the gravest that applies: sends failing now,
    messages overdue, dead letters from earlier, or healthy."""
    if queue is None:
        return "healthy"
    if queue.retrying:
        return "retrying"
    if queue.overdue:
        return "overdue"
    if queue.dead:
        return "dead"
    return "healthy"


@router.get("/overview")
async def overview(request: Request, viewer: HeavyRegulatorDep) -> Response:
    now = datetime.now(UTC)
    days = day_range(request, now.date())
    engine: Engine = request.app.state.engine
    figures = await run_in_threadpool(gather, engine, days, now)
    t = Translator(choose(request))
    f = Formats(t.language)
    return render(
        request,
        "overview.html",
        viewer=viewer,
        days=days,
        s=figures.stats,
        rate=console.clearance_rate(figures.stats.by_status),
        charts=_charts(figures, days, t, f),
        agencies=_agencies(figures),
        inspections=figures.inspections,
        backlog=_backlog(figures.queues),
        dead_letters=figures.dead_letters,
        dead_total=sum(q.dead for q in figures.queues.values()),
        webhooks=figures.webhooks,
    )


def _charts(figures: Figures, days: DayRange, t: Translator, f: Formats) -> dict[str, Any]:
    s = figures.stats
    per_day = {d.day: d.declarations for d in s.by_day}
    refusals = sorted(s.refusals_by_code.items(), key=lambda item: (-item[1], item[0]))
    return {
        "by_day": _chart(
            t("overview.by_day"),
            [
                Point(
                    d.isoformat(),
                    per_day.get(d, 0),
                    f.count(per_day.get(d, 0)),
                    d.strftime("%m-%d"),
                )
                for d in days.days()
            ],
            columns,
        ),
        "by_hour": _chart(
            t("overview.by_hour"),
            [Point(f"{h:02d}", n, f.count(n)) for h, n in enumerate(figures.by_hour)],
            columns,
        ),
        "by_status": _chart(
            t("overview.by_status"),
            [Point(t.value("status", k), n, f.count(n)) for k, n in s.by_status.items()],
            rows,
        ),
        "refusals": _chart(
            t("overview.refusals"),
            [Point(code, n, f.count(n)) for code, n in refusals],
            rows,
        ),
        "chapters": _chart(
            t("overview.top_chapters"),
            [Point(r.key, r.lines, f.count(r.lines)) for r in s.top_hs_chapters_by_lines],
            rows,
        ),
        "inspections": _chart(
            t("overview.inspections"),
            [
                Point(t.value("grade", g.grade), g.percent or 0, f.percent(g.percent))
                for g in figures.inspections
            ],
            rows,
        ),
    }


def _chart(
    title: str, points: list[Point], draw: Callable[[Sequence[Point], str], Markup]
) -> dict[str, Any]:
    return {"title": title, "points": points, "svg": draw(points, title)}


@dataclass(frozen=True, slots=True)
class AgencyLine:
    agency: str
    answers: list[tuple[str, int]]
    times: console.AgencyTimes | None
    queue: console.Queue | None
    health: str


def _agencies(figures: Figures) -> list[AgencyLine]:
    by_agency = figures.stats.by_agency
    return [
        AgencyLine(
            agency=agency.value,
            answers=sorted(by_agency.get(agency.value, {}).items()),
            times=figures.times.get(agency.value),
            queue=figures.queues.get(agency.value),
            health=health(figures.queues.get(agency.value)),
        )
        for agency in Agency
    ]


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    retrying: int
    overdue: int
    oldest: datetime | None


def _backlog(queues: dict[str, console.Queue]) -> Backlog:
    oldest = [q.oldest_pending for q in queues.values() if q.oldest_pending is not None]
    return Backlog(
        pending=sum(q.pending for q in queues.values()),
        retrying=sum(q.retrying for q in queues.values()),
        overdue=sum(q.overdue for q in queues.values()),
        oldest=min(oldest) if oldest else None,
    )
