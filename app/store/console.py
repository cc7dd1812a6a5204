"""What the web console shows that the regulators' API does not already compute: the
hour-of-day profile, inspections by credit grade, each agency's answer times and the
state of its queue, dead letters, parked webhook endpoints, the declarations search, and
the monthly published index (综合指数).

Like ``app.store.stats``, every figure is aggregated by the database, on SQLite as on
PostgreSQL, and amounts are summed exactly with the same helper."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import (
    Engine,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.engine import Dialect
from sqlmodel import col
from sqlmodel import select as model_select

from app.domain.afterlife import ActionKind, ActionState
from app.domain.clearance import AgencyStatus, ClearanceStatus
from app.schemas.enterprise import CreditGrade
from app.store import declarations, outbox
from app.store.db import read_session
from app.store.models import (
    Declaration,
    DeclarationAction,
    DeclarationAgency,
    DeclarationEvent,
    Enterprise,
    OutboxMessage,
    Refusal,
    WebhookEndpoint,
)
from app.store.pagination import page
from app.store.stats import amount_sum

# A declaration counts as cleared once all four agencies let the goods in, whatever
# happened after (a return); as decided once the agencies have had their final say.
# Withdrawn (cancelled) declarations and those still before the agencies count in
# neither, so the rate is cleared ÷ decided.
CLEARED = frozenset(
    {ClearanceStatus.CLEARED, ClearanceStatus.PARTIALLY_RETURNED, ClearanceStatus.RETURNED}
)
DECIDED = CLEARED | {ClearanceStatus.REJECTED, ClearanceStatus.DETAINED}
# Agency answers that are not final yet: no answer time to measure.
_UNANSWERED = (AgencyStatus.PENDING, AgencyStatus.ACKNOWLEDGED, AgencyStatus.INSPECTION)
UNKNOWN_GRADE = "unknown"
_ZERO = Decimal(0).scaleb(-5)


@dataclass(frozen=True, slots=True)
class ClearanceRate:
    cleared: int
    decided: int

    @property
    def percent(self) -> Decimal | None:
        if self.decided == 0:
            return None
        return (Decimal(100 * self.cleared) / self.decided).quantize(Decimal("0.1"))


def clearance_rate(by_status: dict[str, int]) -> ClearanceRate:
    return ClearanceRate(
        cleared=sum(by_status.get(s.value, 0) for s in CLEARED),
        decided=sum(by_status.get(s.value, 0) for s in DECIDED),
    )


def _in_range(column: Any, created_from: datetime, created_to: datetime) -> Any:
    return and_(column >= created_from, column < created_to)


def by_hour(engine: Engine, created_from: datetime, created_to: datetime) -> list[int]:
    """Declarations created in [from, to) by the UTC hour of the day they came in
    (24 counts): when the platforms declare, and so when the agencies are busiest."""
    d = Declaration.__table__.c  # type: ignore[attr-defined]
    counts = [0] * 24
    with engine.connect() as connection:
        hour = _utc_hour(connection.dialect, d.created_at)
        for at, n in connection.execute(
            select(hour, func.count())
            .where(_in_range(d.created_at, created_from, created_to))
            .group_by(hour)
        ):
            counts[int(at)] = n
    return counts


def _utc_hour(dialect: Dialect, column: Any) -> Any:
    if dialect.name == "sqlite":
        # SQLite keeps UTC times as ISO text ('YYYY-MM-DD HH:MM:SS.ffffff').
        return cast(func.substr(column, literal_column("12"), literal_column("2")), Integer)
    # Constants, not bound parameters: PostgreSQL matches GROUP BY to SELECT by text.
    return cast(
        func.date_part(literal_column("'hour'"), func.timezone(literal_column("'UTC'"), column)),
        Integer,
    )


@dataclass(frozen=True, slots=True)
class GradeInspections:
    """Declarations by the current credit grade of their e-commerce company (whose grade
    sets customs' sampling rate), and how many of them went through an inspection."""

    grade: str
    declarations: int
    inspected: int

    @property
    def percent(self) -> Decimal | None:
        if self.declarations == 0:
            return None
        return (Decimal(100 * self.inspected) / self.declarations).quantize(Decimal("0.1"))


def inspections_by_grade(
    engine: Engine, created_from: datetime, created_to: datetime
) -> list[GradeInspections]:
    declarations_table = Declaration.__table__  # type: ignore[attr-defined]
    enterprises_table = Enterprise.__table__  # type: ignore[attr-defined]
    d, e = declarations_table.c, enterprises_table.c
    ev = DeclarationEvent.__table__.c  # type: ignore[attr-defined]
    inspected = exists().where(
        ev.declaration_id == d.id, ev.status == ClearanceStatus.INSPECTION.value
    )
    grade = func.coalesce(e.credit_grade, literal_column(f"'{UNKNOWN_GRADE}'"))
    found: dict[str, tuple[int, int]] = {}
    with engine.connect() as connection:
        for key, n, seen in connection.execute(
            select(grade, func.count(), func.sum(case((inspected, 1), else_=0)))
            .select_from(
                declarations_table.outerjoin(enterprises_table, e.customs_code == d.ebc_code)
            )
            .where(_in_range(d.created_at, created_from, created_to))
            .group_by(grade)
        ):
            found[key] = (int(n), int(seen or 0))
    order = [g.value for g in CreditGrade] + [UNKNOWN_GRADE]
    return [
        GradeInspections(grade, *found.get(grade, (0, 0)))
        for grade in order
        if grade != UNKNOWN_GRADE or grade in found
    ]


@dataclass(frozen=True, slots=True)
class AgencyTimes:
    """Seconds from a declaration's acceptance to an agency's final answer."""

    agency: str
    answered: int
    mean_seconds: float | None
    max_seconds: float | None


def agency_times(
    engine: Engine, created_from: datetime, created_to: datetime
) -> dict[str, AgencyTimes]:
    a = DeclarationAgency.__table__.c  # type: ignore[attr-defined]
    times: dict[str, AgencyTimes] = {}
    with engine.connect() as connection:
        seconds = _seconds(connection.dialect, a.created_at, a.updated_at)
        for agency, n, mean, longest in connection.execute(
            select(a.agency, func.count(), func.avg(seconds), func.max(seconds))
            .where(
                _in_range(a.created_at, created_from, created_to),
                a.status.not_in([s.value for s in _UNANSWERED]),
            )
            .group_by(a.agency)
        ):
            times[agency] = AgencyTimes(
                agency,
                n,
                None if mean is None else round(float(mean), 3),
                None if longest is None else round(float(longest), 3),
            )
    return times


def _seconds(dialect: Dialect, start: Any, end: Any) -> Any:
    if dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return type_coerce(func.date_part(literal_column("'epoch'"), end - start), Float)


@dataclass(frozen=True, slots=True)
class Queue:
    """One destination's part of the outbox: messages waiting (and how many of them
    have failed at least once, the newest such failure), overdue, and dead."""

    destination: str
    pending: int = 0
    retrying: int = 0
    overdue: int = 0
    dead: int = 0
    oldest_pending: datetime | None = None
    last_error: str | None = None


def queues(engine: Engine, due_before: datetime) -> dict[str, Queue]:
    """The outbox by destination, messages not yet delivered only: the delivered ones
    are most of the table and say nothing about a backlog."""
    o = OutboxMessage.__table__.c  # type: ignore[attr-defined]
    found: dict[str, dict[str, Any]] = {}
    with engine.connect() as connection:
        for destination, status, n, retrying, oldest in connection.execute(
            select(
                o.destination,
                o.status,
                func.count(),
                func.sum(case((o.attempts > 0, 1), else_=0)),
                func.min(o.created_at),
            )
            .where(o.status.in_((outbox.PENDING, outbox.DEAD)))
            .group_by(o.destination, o.status)
        ):
            entry = found.setdefault(destination, {})
            if status == outbox.PENDING:
                entry |= {"pending": n, "retrying": int(retrying or 0), "oldest_pending": oldest}
            else:
                entry["dead"] = n
        for destination, entry in found.items():
            if entry.get("retrying"):
                entry["last_error"] = connection.scalar(
                    select(o.last_error)
                    .where(
                        o.destination == destination,
                        o.status == outbox.PENDING,
                        o.attempts > 0,
                    )
                    .order_by(o.next_attempt_at.desc())
                    .limit(1)
                )
    for destination, n in outbox.overdue(engine, due_before).items():
        found.setdefault(destination, {})["overdue"] = n
    return {
        destination: Queue(destination, **entry) for destination, entry in sorted(found.items())
    }


def dead_letters(engine: Engine, limit: int = 20) -> list[OutboxMessage]:
    """The oldest dead letters, as ``singlewindow outbox`` lists them."""
    return outbox.dead_letters(engine, limit)


@dataclass(frozen=True, slots=True)
class ParkedEndpoint:
    id: str
    owner: str
    # Without the query and fragment, which may carry a token of the receiver's.
    url: str
    consecutive_failures: int
    last_failure_at: datetime | None
    last_failure_reason: str | None
    next_attempt_at: datetime | None


@dataclass(frozen=True, slots=True)
class Webhooks:
    endpoints: int
    parked_count: int = 0
    # The most recently failed of them.
    parked: list[ParkedEndpoint] = field(default_factory=list)


def parked_webhooks(engine: Engine, limit: int = 50) -> Webhooks:
    with read_session(engine) as session:
        total = session.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0
        parked = (
            session.scalar(
                select(func.count()).select_from(WebhookEndpoint).where(col(WebhookEndpoint.parked))
            )
            or 0
        )
        rows = session.scalars(
            model_select(WebhookEndpoint)
            .where(col(WebhookEndpoint.parked))
            .order_by(col(WebhookEndpoint.last_failure_at).desc(), col(WebhookEndpoint.id))
            .limit(limit)
        ).all()
    return Webhooks(
        endpoints=total,
        parked_count=parked,
        parked=[
            ParkedEndpoint(
                id=w.id,
                owner=w.owner,
                url=_without_query(w.url),
                consecutive_failures=w.consecutive_failures,
                last_failure_at=w.last_failure_at,
                last_failure_reason=w.last_failure_reason,
                next_attempt_at=w.next_attempt_at,
            )
            for w in rows
        ],
    )


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


@dataclass(frozen=True, slots=True)
class DeclarationSearch:
    """What a console user searches declarations by; every given field must match."""

    order_no: str | None = None
    logistics_no: str | None = None
    # Any party: the platform, the e-commerce company, the payment or logistics company.
    party_code: str | None = None
    status: ClearanceStatus | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    # An enterprise's console: only the declarations it is a party to.
    only_party: str | None = None


def search_declarations(
    engine: Engine, where: DeclarationSearch, cursor: str | None, limit: int
) -> tuple[Sequence[Declaration], str | None]:
    """Newest first, paged as the API's lists are."""
    query = model_select(Declaration)
    if where.order_no is not None:
        query = query.where(col(Declaration.order_no) == where.order_no)
    if where.logistics_no is not None:
        query = query.where(col(Declaration.logistics_no) == where.logistics_no)
    if where.party_code is not None:
        query = query.where(declarations.party_condition(where.party_code.upper()))
    if where.only_party is not None:
        query = query.where(declarations.party_condition(where.only_party))
    if where.status is not None:
        query = query.where(col(Declaration.status) == where.status.value)
    if where.created_from is not None:
        query = query.where(col(Declaration.created_at) >= where.created_from)
    if where.created_to is not None:
        query = query.where(col(Declaration.created_at) < where.created_to)
    with read_session(engine) as session:
        return page(session, query, declarations.NEWEST_DECLARATIONS, cursor, limit)


@dataclass(slots=True)
class MonthFigures:
    """One month of the published index: declarations created in the month, refused
    submissions in it, and the cancellations and returns completed in it (as the
    statistics count them, by when they finished)."""

    month: str  # YYYY-MM, UTC
    declarations: int = 0
    declared_value: Decimal = _ZERO
    tax_total: Decimal = _ZERO
    cleared: int = 0
    decided: int = 0
    refusals: int = 0
    cancellations: int = 0
    returns: int = 0
    refund_total: Decimal = _ZERO

    @property
    def clearance(self) -> ClearanceRate:
        return ClearanceRate(self.cleared, self.decided)


def monthly_index(engine: Engine, first: datetime, end: datetime) -> list[MonthFigures]:
    """Every month from the one holding ``first`` to the one before ``end`` (UTC; ``end``
    is the first instant not counted), oldest first, months without anything included."""
    months = {month: MonthFigures(month) for month in _months(first, end)}
    d = Declaration.__table__.c  # type: ignore[attr-defined]
    r = Refusal.__table__.c  # type: ignore[attr-defined]
    c = DeclarationAction.__table__.c  # type: ignore[attr-defined]
    with engine.connect() as connection:
        dialect = connection.dialect
        month = _utc_month(dialect, d.created_at)
        for key, status, n, value, tax in connection.execute(
            select(
                month,
                d.status,
                func.count(),
                amount_sum(dialect, d.dutiable_value),
                amount_sum(dialect, d.tax_total),
            )
            .where(_in_range(d.created_at, first, end))
            .group_by(month, d.status)
        ):
            figures = months[key]
            figures.declarations += n
            figures.declared_value += value
            figures.tax_total += tax
            figures.cleared += n if status in CLEARED else 0
            figures.decided += n if status in DECIDED else 0
        month = _utc_month(dialect, r.created_at)
        for key, n in connection.execute(
            select(month, func.count()).where(_in_range(r.created_at, first, end)).group_by(month)
        ):
            months[key].refusals = n
        month = _utc_month(dialect, c.completed_at)
        for key, kind, n, refund in connection.execute(
            select(month, c.kind, func.count(), amount_sum(dialect, c.refund_total))
            .where(
                _in_range(c.completed_at, first, end),
                c.status == ActionState.COMPLETED.value,
            )
            .group_by(month, c.kind)
        ):
            figures = months[key]
            if kind == ActionKind.CANCELLATION:
                figures.cancellations += n
            else:
                figures.returns += n
            figures.refund_total += refund
    return list(months.values())


def _months(first: datetime, end: datetime) -> list[str]:
    year, month = first.astimezone(UTC).year, first.astimezone(UTC).month
    found = []
    while datetime(year, month, 1, tzinfo=UTC) < end:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _utc_month(dialect: Dialect, column: Any) -> Any:
    """'YYYY-MM' of a UTC time."""
    if dialect.name == "sqlite":
        return type_coerce(func.substr(column, literal_column("1"), literal_column("7")), String)
    return func.to_char(func.timezone(literal_column("'UTC'"), column), literal_column("'YYYY-MM'"))
