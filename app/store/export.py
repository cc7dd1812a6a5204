"""Declarations for regulators in bulk, as CSV or NDJSON, streamed.

Read in keyset pages on ``(created_at, id)``, oldest first, one short read per page,
so memory stays bounded and a long export holds no transaction open. Only the
declaration's head is exported: no documents, no buyer identity.

Regulators open the CSV in spreadsheets, which run a cell that starts like a formula; the
platforms choose some of its text (order and waybill numbers), so such a cell is written
with a leading ``'``, which spreadsheets take as "text" (OWASP, CSV injection)."""

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Engine, Row, select

from app.domain.money import amount_text
from app.store.models import Declaration
from app.store.pagination import Keyset

ExportFormat = Literal["csv", "ndjson"]
CHUNK = 1_000

# (exported name, column), in export order.
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id"),
    ("createdAt", "created_at"),
    ("status", "status"),
    ("cebStatus", "ceb_status"),
    ("ebpCode", "ebp_code"),
    ("ebcCode", "ebc_code"),
    ("payCode", "pay_code"),
    ("logisticsCode", "logistics_code"),
    ("orderNo", "order_no"),
    ("logisticsNo", "logistics_no"),
    ("dutiableValue", "dutiable_value"),
    ("taxTotal", "tax_total"),
    ("finalizedAt", "finalized_at"),
)
FIELDS = tuple(name for name, _ in _COLUMNS)
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
}


def iter_declarations(
    engine: Engine,
    created_from: datetime,
    created_to: datetime,
    fmt: ExportFormat,
    chunk: int = CHUNK,
) -> Iterator[bytes]:
    """The declarations created in [from, to), oldest first: one ``bytes`` per page,
    the CSV header first."""
    if fmt == "csv":
        yield csv_lines([FIELDS])
    for rows in _pages(engine, created_from, created_to, chunk):
        values = [tuple(_plain(v) for v in row) for row in rows]
        if fmt == "csv":
            yield csv_lines(values)
        else:
            yield "".join(
                json.dumps(dict(zip(FIELDS, v, strict=True)), ensure_ascii=False) + "\n"
                for v in values
            ).encode()


def _pages(
    engine: Engine, created_from: datetime, created_to: datetime, chunk: int
) -> Iterator[Sequence[Row[Any]]]:
    table = Declaration.__table__  # type: ignore[attr-defined]
    created, key = table.c.created_at, table.c.id
    oldest_first = Keyset((created, key), (datetime, str))
    query = oldest_first.ordered(
        select(*(table.c[column] for _, column in _COLUMNS))
        .where(created >= created_from, created < created_to)
        .limit(chunk)
    )
    after: tuple[datetime, str] | None = None
    while True:
        page = query if after is None else query.where(oldest_first.after(after))
        with engine.connect() as connection:
            rows = connection.execute(page).all()
        if rows:
            yield rows
        if len(rows) < chunk:
            return
        after = (rows[-1].created_at, rows[-1].id)


def _plain(value: Any) -> str | int | None:
    """Times in ISO 8601 UTC, amounts as decimal strings (never floats): two decimals,
    more only where the amount has them (an export is data: nothing is rounded away)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return amount_text(value)
    return value  # type: ignore[no-any-return]


# What makes a spreadsheet read a cell as a formula; some skip a leading tab or carriage
# return and read the formula after it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str | int | None) -> str | int | None:
    """The cell as a spreadsheet shows it but cannot run it. Amounts and times are text
    here too and go through the same rule: amounts are never negative and times start
    with the year, so none of them starts like a formula; were one to, a quote in front
    is safer than a formula."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def csv_lines(rows: Sequence[Sequence[str | int | None]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([_inert(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode()
