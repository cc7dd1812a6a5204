"""Reading the console's query strings: forgiving where the API is strict. A page asked
with something it cannot use shows what it can, and says so, rather than answering
with an error (the API's parameters answer 422)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from fastapi import Request

DEFAULT_DAYS = 30
# Ten years of days is more than any chart here draws usefully.
MAX_DAYS = 3660
_MAX_TEXT = 60
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class DayRange:
    """Whole UTC days, ``first`` to ``last`` both included: [start, end) in time."""

    first: date
    last: date
    # Whether the dates given (if any) were used as given.
    understood: bool = True

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def day_range(request: Request, today: date) -> DayRange:
    """``createdFrom`` and ``createdTo`` (dates, both included), by default the last 30
    days; dates that cannot be used give the default, marked as not understood."""
    given_from = request.query_params.get("createdFrom") or None
    given_to = request.query_params.get("createdTo") or None
    first, last = _day(given_from), _day(given_to)
    understood = (given_from is None or first is not None) and (
        given_to is None or last is not None
    )
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if not understood or first > last or (last - first).days >= MAX_DAYS:
        return DayRange(today - timedelta(days=DEFAULT_DAYS - 1), today, understood=False)
    return DayRange(first, last)


def optional_day_range(request: Request, today: date) -> DayRange | None:
    """As ``day_range``, but no range at all when neither date is given (a search)."""
    if not request.query_params.get("createdFrom") and not request.query_params.get("createdTo"):
        return None
    return day_range(request, today)


def text(request: Request, name: str, max_length: int = _MAX_TEXT) -> str | None:
    """A search field, trimmed; None when empty, too long or holding a NUL."""
    value = (request.query_params.get(name) or "").strip()
    if not value or len(value) > max_length or "\x00" in value:
        return None
    return value


def choice(request: Request, name: str, kind: type[E]) -> E | None:
    value = request.query_params.get(name)
    try:
        return kind(value) if value else None
    except ValueError:
        return None
