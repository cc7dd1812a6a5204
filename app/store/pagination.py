"""The one keyset paginator: rows in a fixed order, each page starting after the last row
of the page before (never ``OFFSET``), and opaque cursors that carry that row's key.

Every listing says what it is ordered by with a ``Keyset``: the public lists page with
``page`` and its cursors, the export and the audit chain walk with ``Keyset.after``."""

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import tuple_
from sqlalchemy.orm import Session

from app.errors import InvalidCursor

Kind = type[int] | type[str] | type[datetime]

# What a cursor of ours looks like: unpadded URL-safe base64, well under this length.
MAX_CURSOR_LENGTH = 512
CURSOR_ALPHABET = r"^[A-Za-z0-9_\-]*$"
_CURSOR_TEXT = re.compile(CURSOR_ALPHABET)
# Key numbers are database integers: a larger one could only be forged, and the database
# driver would fail on it rather than find no row.
_SMALLEST, _LARGEST = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True)
class Keyset:
    """The columns a listing is ordered by (together unique, the last one usually the
    primary key), which way, and the kind of value each takes in a cursor."""

    columns: tuple[Any, ...]
    kinds: tuple[Kind, ...]
    descending: bool = False

    def ordered(self, query: Any) -> Any:
        return query.order_by(*(c.desc() if self.descending else c for c in self.columns))

    def after(self, values: Sequence[Any]) -> Any:
        """The condition for the rows that come after the row with these key values."""
        if len(self.columns) == 1:
            key, last = self.columns[0], values[0]
        else:
            key, last = tuple_(*self.columns), tuple_(*values)
        return key < last if self.descending else key > last

    def cursor(self, row: Any) -> str:
        values = (getattr(row, column.key) for column in self.columns)
        return encode_cursor(*(v.isoformat() if isinstance(v, datetime) else v for v in values))

    def read(self, cursor: str) -> list[Any]:
        """The key values a cursor of this listing carries; ``InvalidCursor`` for any
        other text."""
        kinds = [str if kind is datetime else kind for kind in self.kinds]
        values = decode_cursor(cursor, *kinds)
        return [
            _instant(v) if kind is datetime else v
            for v, kind in zip(values, self.kinds, strict=True)
        ]


def page(
    session: Session, query: Any, keyset: Keyset, cursor: str | None, limit: int
) -> tuple[Sequence[Any], str | None]:
    """One page of at most ``limit`` rows (entities), and the cursor of the next page
    (``None`` on the last)."""
    if cursor is not None:
        query = query.where(keyset.after(keyset.read(cursor)))
    rows = session.scalars(keyset.ordered(query).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, keyset.cursor(rows[-1])


def encode_cursor(*values: Any) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> list[Any]:
    """The values ``encode_cursor`` was given, checked against the expected types.
    ``InvalidCursor`` for any text it could not have written."""
    # Checked before decoding: base64 decoding skips characters outside its alphabet.
    if len(cursor) > MAX_CURSOR_LENGTH or not _CURSOR_TEXT.fullmatch(cursor):
        raise invalid_cursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, RecursionError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(_is_key(v, t) for v, t in zip(values, types, strict=True))
    ):
        raise invalid_cursor()
    return values


def _is_key(value: Any, kind: type) -> bool:
    """Whether ``value`` is a key value of this kind that a row could hold."""
    if kind is int:
        # ``type`` rather than ``isinstance``: JSON's true and false are ints to Python.
        return type(value) is int and _SMALLEST <= value <= _LARGEST
    if kind is str:
        return isinstance(value, str) and _storable(value)
    return isinstance(value, kind)


def _storable(text: str) -> bool:
    """No NUL (PostgreSQL refuses it in text) and no unpaired surrogate (no encoding
    takes it)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _instant(text: str) -> datetime:
    """A cursor's time, in UTC: the one it carries may name any offset, and only a forged
    one would fall outside the years a datetime holds once moved to UTC."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(text)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise invalid_cursor() from None


def invalid_cursor() -> InvalidCursor:
    return InvalidCursor(
        "The cursor was not issued by this service; start again without one.",
        "该游标不是本服务签发的；请不带游标重新开始。",
    )
