"""Statistics for regulators over the declarations created in [from, to).

Every figure is aggregated by the database, on SQLite as on PostgreSQL; Python only
shapes the few result rows. Amounts are summed exactly: PostgreSQL sums ``numeric``;
SQLite keeps ``Numeric`` as floating point, so there they are summed as integers of
1/100000 CNY (CEB amounts have five decimals)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from sqlalchemy import (
    Date,
    Engine,
    Float,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import TypeDecorator

from app.domain.afterlife import ActionState
from app.domain.clearance import ClearanceStatus
from app.schemas.money import Money
from app.store.models import (
    Declaration,
    DeclarationAction,
    DeclarationAgency,
    DeclarationLine,
    OriginCertificate,
    RefusalCode,
)

PERCENTILES = (0.50, 0.90, 0.99)
TOP = 10
_AMOUNT_SCALE = 5


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class DayCount(_Model):
    day: date  # UTC
    declarations: int


class ClearanceTimes(_Model):
    """Seconds from acceptance to release, over the cleared declarations; continuous
    percentiles (interpolated between neighbouring values, as ``percentile_cont``)."""

    cleared: int
    p50: float | None
    p90: float | None
    p99: float | None


class Ranked(_Model):
    key: str
    lines: int
    value: Money


class AfterRelease(_Model):
    """Cancellations and returns finished in the period (by when they finished, not when
    their declarations were created), what they refunded and gave back to buyers'
    annual quotas."""

    cancellations: int
    returns: int
    refused: int  # by customs, cancellations and returns together
    refund_total: Money
    quota_given_back: Money


class OriginMonth(_Model):
    """Certificates of origin applied for under one free trade agreement in one month
    (China time), and the value of their goods."""

    fta: str
    month: str  # YYYY-MM
    applications: int
    value: Money


class Stats(_Model):
    created_from: datetime
    created_to: datetime
    declarations: int
    by_status: dict[str, int]
    by_day: list[DayCount]
    # agency → its status → declarations
    by_agency: dict[str, dict[str, int]]
    refusals_by_code: dict[str, int]
    clearance_seconds: ClearanceTimes
    declared_value: Money
    tax_total: Money
    top_hs_chapters_by_lines: list[Ranked]
    top_hs_chapters_by_value: list[Ranked]
    top_countries_by_lines: list[Ranked]
    top_countries_by_value: list[Ranked]
    after_release: AfterRelease
    # Applied for in [from, to), by agreement and month (the plan publishes them yearly).
    certificates_of_origin: list[OriginMonth]


def compute(engine: Engine, created_from: datetime, created_to: datetime) -> Stats:
    d = Declaration.__table__.c  # type: ignore[attr-defined]
    in_range = and_(d.created_at >= created_from, d.created_at < created_to)
    with engine.connect() as connection:
        dialect = connection.dialect
        if dialect.name == "postgresql":
            # Room to group by day in memory: the planner cannot tell how few days there
            # are and would otherwise sort the range on disk.
            connection.execute(text("SET LOCAL work_mem = '64MB'"))
        # Every query below groups by the leading column of an index that then holds the
        # creation time and the figures it adds up (see migration 0004): read from the
        # index alone, key by key.
        by_status: dict[str, int] = {}
        count, value, tax = 0, Decimal(0).scaleb(-_AMOUNT_SCALE), Decimal(0).scaleb(-_AMOUNT_SCALE)
        for status, n, status_value, status_tax in connection.execute(
            select(
                d.status,
                func.count(),
                amount_sum(dialect, d.dutiable_value),
                amount_sum(dialect, d.tax_total),
            )
            .where(in_range)
            .group_by(d.status)
            .order_by(d.status)
        ):
            by_status[status] = n
            count, value, tax = count + n, value + status_value, tax + status_tax
        day = _utc_day(dialect, d.created_at)
        by_day = connection.execute(
            select(day, func.count()).where(in_range).group_by(day).order_by(day)
        ).all()
        by_agency: dict[str, dict[str, int]] = {}
        a = DeclarationAgency.__table__.c  # type: ignore[attr-defined]
        for agency, status, n in connection.execute(
            select(a.agency, a.status, func.count())
            .where(a.created_at >= created_from, a.created_at < created_to)
            .group_by(a.agency, a.status)
            .order_by(a.agency, a.status)
        ):
            by_agency.setdefault(agency, {})[status] = n
        r = RefusalCode.__table__.c  # type: ignore[attr-defined]
        refusals = connection.execute(
            select(r.code, func.count())
            .where(r.created_at >= created_from, r.created_at < created_to)
            .group_by(r.code)
            .order_by(r.code)
        ).all()
        clearance = _clearance_times(connection, created_from, created_to)
        lines = DeclarationLine.__table__.c  # type: ignore[attr-defined]
        chapters = _ranked(connection, lines.hs_chapter, created_from, created_to)
        countries = _ranked(connection, lines.country, created_from, created_to)
        after_release = _after_release(connection, created_from, created_to)
        origin = _certificates_of_origin(connection, created_from, created_to)
    return Stats(
        created_from=created_from,
        created_to=created_to,
        declarations=count,
        by_status=by_status,
        by_day=[DayCount(day=_as_date(day), declarations=n) for day, n in by_day],
        by_agency=by_agency,
        refusals_by_code={code: n for code, n in refusals},
        clearance_seconds=clearance,
        declared_value=value,
        tax_total=tax,
        top_hs_chapters_by_lines=chapters[0],
        top_hs_chapters_by_value=chapters[1],
        top_countries_by_lines=countries[0],
        top_countries_by_value=countries[1],
        after_release=after_release,
        certificates_of_origin=origin,
    )


def _certificates_of_origin(
    connection: Connection, created_from: datetime, created_to: datetime
) -> list[OriginMonth]:
    c = OriginCertificate.__table__.c  # type: ignore[attr-defined]
    # Constants, not bound parameters: PostgreSQL matches GROUP BY to SELECT by text.
    if connection.dialect.name == "postgresql":
        month = func.to_char(
            func.timezone(literal_column("'Asia/Shanghai'"), c.applied_at),
            literal_column("'YYYY-MM'"),
        )
    else:
        month = func.strftime(literal_column("'%Y-%m'"), c.applied_at, literal_column("'+8 hours'"))
    rows = connection.execute(
        select(c.fta, month, func.count(), amount_sum(connection.dialect, c.value))
        .where(c.applied_at >= created_from, c.applied_at < created_to)
        .group_by(c.fta, month)
        .order_by(month, c.fta)
    )
    return [
        OriginMonth(fta=fta, month=str(m), applications=n, value=value) for fta, m, n, value in rows
    ]


def _after_release(
    connection: Connection, created_from: datetime, created_to: datetime
) -> AfterRelease:
    c = DeclarationAction.__table__.c  # type: ignore[attr-defined]
    counts = {"cancellation": 0, "return": 0}
    refused = 0
    refunds = given = Decimal(0).scaleb(-_AMOUNT_SCALE)
    for kind, status, n, refund, units in connection.execute(
        select(
            c.kind,
            c.status,
            func.count(),
            amount_sum(connection.dialect, c.refund_total),
            func.sum(c.quota_given_back),
        )
        .where(
            c.completed_at >= created_from,
            c.completed_at < created_to,
            c.status.in_((ActionState.COMPLETED.value, ActionState.REFUSED.value)),
        )
        .group_by(c.kind, c.status)
    ):
        if status == ActionState.REFUSED.value:
            refused += n
            continue
        counts[kind] = counts.get(kind, 0) + n
        refunds += refund
        given += Decimal(int(units or 0)).scaleb(-_AMOUNT_SCALE)
    return AfterRelease(
        cancellations=counts["cancellation"],
        returns=counts["return"],
        refused=refused,
        refund_total=refunds,
        quota_given_back=given,
    )


class _AmountUnits(TypeDecorator[Decimal]):
    """An integer count of 1/100000 CNY, read back as a Decimal amount."""

    impl = Integer
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal:
        return Decimal(int(value or 0)).scaleb(-_AMOUNT_SCALE)


class _Amount(TypeDecorator[Decimal]):
    """A numeric sum, 0 rather than NULL when there was nothing to add."""

    impl = Numeric(38, _AMOUNT_SCALE)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal:
        if value is None:
            return Decimal(0).scaleb(-_AMOUNT_SCALE)
        return Decimal(value)


def amount_sum(dialect: Dialect, column: Any) -> Any:
    """SUM of an amount column, exact on both backends, 0 when there is nothing."""
    if dialect.name == "sqlite":
        units = cast(func.round(column * 10**_AMOUNT_SCALE), Integer)
        return type_coerce(func.sum(units), _AmountUnits())
    return type_coerce(func.sum(column), _Amount())


def _utc_day(dialect: Dialect, column: Any) -> Any:
    """The UTC calendar date: 'YYYY-MM-DD' text on SQLite, a date on PostgreSQL."""
    if dialect.name == "sqlite":
        # SQLite keeps UTC times as ISO text ('YYYY-MM-DD HH:MM:SS.ffffff').
        return type_coerce(func.substr(column, literal_column("1"), literal_column("10")), String)
    # Constants, not bound parameters: PostgreSQL matches GROUP BY to SELECT by text.
    # A cast to date costs far less per row than formatting text with to_char.
    return cast(func.timezone(literal_column("'UTC'"), column), Date)


def _as_date(day: date | str) -> date:
    return day if isinstance(day, date) else date.fromisoformat(day)


def _seconds(dialect: Dialect, start: Any, end: Any) -> Any:
    if dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    # date_part is double precision; EXTRACT is numeric, far slower to sort.
    return type_coerce(func.date_part(literal_column("'epoch'"), end - start), Float)


def _clearance_times(
    connection: Connection, created_from: datetime, created_to: datetime
) -> ClearanceTimes:
    d = Declaration.__table__.c  # type: ignore[attr-defined]
    cleared = and_(
        d.created_at >= created_from,
        d.created_at < created_to,
        d.status == ClearanceStatus.CLEARED.value,
        d.finalized_at.is_not(None),
    )
    seconds = _seconds(connection.dialect, d.created_at, d.finalized_at)
    if connection.dialect.name == "postgresql":
        n, *values = connection.execute(
            select(
                func.count(),
                *(func.percentile_cont(p).within_group(seconds) for p in PERCENTILES),
            ).where(cleared)
        ).one()
        return _times(n, values)
    # SQLite has no percentile function: number the sorted times once and interpolate
    # between the two ranks around each percentile, as percentile_cont does.
    n = connection.scalar(select(func.count()).where(cleared)) or 0
    if n == 0:
        return _times(0, [None] * len(PERCENTILES))
    numbered = (
        select(
            seconds.label("seconds"),
            (func.row_number().over(order_by=seconds) - 1).label("rank"),
        )
        .where(cleared)
        .subquery()
    )

    def at(rank: int) -> Any:
        return func.max(case((numbered.c["rank"] == rank, numbered.c.seconds)))

    columns = []
    ranks: set[int] = set()
    for p in PERCENTILES:
        position = p * (n - 1)
        low = int(position)
        high = min(low + 1, n - 1)
        ranks |= {low, high}
        columns.append(at(low) + literal(position - low) * (at(high) - at(low)))
    found = connection.execute(select(*columns).where(numbered.c["rank"].in_(sorted(ranks)))).one()
    return _times(n, list(found))


def _times(n: int, values: list[Any]) -> ClearanceTimes:
    p50, p90, p99 = (None if v is None else round(float(v), 3) for v in values)
    return ClearanceTimes(cleared=n, p50=p50, p90=p90, p99=p99)


def _ranked(
    connection: Connection, key: Any, created_from: datetime, created_to: datetime
) -> tuple[list[Ranked], list[Ranked]]:
    """The top keys of the goods lines by line count and by value, from one scan: the
    keys (HS chapters, countries) are few, so both rankings are taken over the groups."""
    c = DeclarationLine.__table__.c  # type: ignore[attr-defined]
    groups = (
        select(
            key.label("key"),
            func.count().label("lines"),
            amount_sum(connection.dialect, c.total_price).label("value"),
        )
        .where(c.created_at >= created_from, c.created_at < created_to)
        .group_by(key)
        .subquery()
    )
    # Ties go to the other measure, then to the key, so the answer is stable.
    by_lines = func.row_number().over(
        order_by=(groups.c.lines.desc(), groups.c.value.desc(), groups.c.key)
    )
    by_value = func.row_number().over(
        order_by=(groups.c.value.desc(), groups.c.lines.desc(), groups.c.key)
    )
    ranked = select(
        groups.c.key,
        groups.c.lines,
        groups.c.value,
        by_lines.label("by_lines"),
        by_value.label("by_value"),
    ).subquery()
    rows = connection.execute(
        select(ranked).where((ranked.c.by_lines <= TOP) | (ranked.c.by_value <= TOP))
    ).all()
    top_lines = sorted((row for row in rows if row.by_lines <= TOP), key=lambda row: row.by_lines)
    top_value = sorted((row for row in rows if row.by_value <= TOP), key=lambda row: row.by_value)
    return (
        [Ranked(key=row.key, lines=row.lines, value=row.value) for row in top_lines],
        [Ranked(key=row.key, lines=row.lines, value=row.value) for row in top_value],
    )
