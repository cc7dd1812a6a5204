"""The published index (综合指数): the monthly statistics regulators publish, as a page
and as CSV."""

from datetime import UTC, datetime

from fastapi import Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.console.access import HeavyRegulatorDep
from app.console.charts import Point, columns
from app.console.i18n import Translator, choose
from app.console.rendering import Formats, cents, render
from app.console.routing import page_router
from app.store import console
from app.store.export import csv_lines

router = page_router()

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
CSV_FIELDS = (
    "month",
    "declarations",
    "declaredValue",
    "taxTotal",
    "cleared",
    "decided",
    "clearanceRatePercent",
    "refusedSubmissions",
    "cancellations",
    "returns",
    "taxRefunded",
)


def months_asked(request: Request) -> int:
    given = request.query_params.get("months", "")
    if given.isdigit() and 1 <= int(given) <= MAX_MONTHS:
        return int(given)
    return DEFAULT_MONTHS


def _span(months: int, now: datetime) -> tuple[datetime, datetime]:
    """The last ``months`` months, this one included (up to its end, so that a month's
    figures grow as it goes)."""
    year, month = now.year, now.month
    end = (
        datetime(year + 1, 1, 1, tzinfo=UTC)
        if month == 12
        else datetime(year, month + 1, 1, tzinfo=UTC)
    )
    index = year * 12 + (month - 1) - (months - 1)
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC), end


async def _index(request: Request, months: int) -> list[console.MonthFigures]:
    engine: Engine = request.app.state.engine
    first, end = _span(months, datetime.now(UTC))
    return await run_in_threadpool(console.monthly_index, engine, first, end)


@router.get("/index")
async def index_page(request: Request, viewer: HeavyRegulatorDep) -> Response:
    months = months_asked(request)
    figures = await _index(request, months)
    t = Translator(choose(request))
    f = Formats(t.language)
    points = [Point(m.month, m.declarations, f.count(m.declarations)) for m in figures]
    return render(
        request,
        "index.html",
        viewer=viewer,
        months=months,
        figures=figures,
        chart={
            "title": t("index.chart"),
            "points": points,
            "svg": columns(points, t("index.chart")),
        },
    )


@router.get("/index.csv")
async def index_csv(request: Request, viewer: HeavyRegulatorDep) -> Response:
    """The same figures for spreadsheets: stable English column names, amounts with two
    decimals, and cells neutralised as the regulators' export neutralises them."""
    months = months_asked(request)
    figures = await _index(request, months)
    lines: list[list[str | int | None]] = [list(CSV_FIELDS)]
    for m in figures:
        rate = m.clearance.percent
        lines.append(
            [
                m.month,
                m.declarations,
                cents(m.declared_value),
                cents(m.tax_total),
                m.cleared,
                m.decided,
                "" if rate is None else str(rate),
                m.refusals,
                m.cancellations,
                m.returns,
                cents(m.refund_total),
            ]
        )
    name = f"index-{figures[0].month}-{figures[-1].month}.csv" if figures else "index.csv"
    return Response(
        csv_lines(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
