"""Rows bound before the writer's turn are stored exactly as SQLAlchemy's own statements
store them, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    select,
    update,
)

from app.store import bound_rows
from app.store.db import make_engine
from app.store.models.types import JSONDocument, UTCDateTime


def _table(name: str, metadata: MetaData) -> Table:
    return Table(
        name,
        metadata,
        Column("id", String(36), primary_key=True),
        Column("amount", Numeric(19, 5)),
        Column("count", BigInteger),
        Column("document", JSONDocument),
        Column("plain_json", JSON),
        Column("at", UTCDateTime),
        Column("note", String(100)),
    )


ROWS: list[dict[str, Any]] = [
    {
        "id": "a",
        "amount": Decimal("1234.56789"),
        "count": 3,
        "document": {"order": {"orderNo": "订单-1", "items": [{"gnum": 1, "price": "9.90"}]}},
        "plain_json": [1, "二", None],
        "at": datetime(2026, 6, 18, 23, 59, 59, 123456, tzinfo=UTC),
        "note": "first",
    },
    {
        "id": "b",
        "amount": Decimal("0.00001"),
        "count": 0,
        "document": None,
        "plain_json": None,
        "at": datetime(2026, 6, 19, 8, 0, tzinfo=timezone(timedelta(hours=8))),
        "note": None,
    },
]


def test_bound_rows_store_what_sqlalchemy_stores(database_url: str) -> None:
    engine = make_engine(database_url)
    metadata = MetaData()
    ours, theirs = _table("bound_ours", metadata), _table("bound_theirs", metadata)
    metadata.create_all(engine)
    try:
        prepared = bound_rows.insert_into(ours, list(ROWS[0]))
        bound = prepared.bind(engine.dialect, ROWS)
        with engine.begin() as connection:
            prepared.execute(connection, bound)
            connection.execute(insert(theirs), ROWS)
        change = bound_rows.Prepared(
            update(ours)
            .where(ours.c.id == bindparam("b_id"))
            .values(note=bindparam("b_note"), at=bindparam("b_at")),
            ("b_id", "b_note", "b_at"),
        )
        later = datetime(2026, 11, 11, tzinfo=UTC)
        with engine.begin() as connection:
            change.execute(
                connection,
                change.bind(engine.dialect, [{"b_id": "b", "b_note": "x", "b_at": later}]),
            )
            connection.execute(theirs.update().where(theirs.c.id == "b").values(note="x", at=later))
        with engine.connect() as connection:
            # Compared as stored (raw text on SQLite) and as read back through the types.
            raw = [
                connection.exec_driver_sql(f"SELECT * FROM {t.name} ORDER BY id").all()
                for t in (ours, theirs)
            ]
            typed = [connection.execute(select(t).order_by(t.c.id)).all() for t in (ours, theirs)]
        assert raw[0] == raw[1]
        assert typed[0] == typed[1]
        assert typed[0][0].document == ROWS[0]["document"]
        assert typed[0][1].at == later
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def test_a_statement_must_bind_exactly_the_keys_given() -> None:
    metadata = MetaData()
    table = _table("t", metadata)
    engine = create_engine("sqlite://")
    with pytest.raises(ValueError, match="no column"):
        bound_rows.insert_into(table, ["id", "missing"])
    wrong = bound_rows.Prepared(
        update(table).where(table.c.id == bindparam("b_id")).values(note=bindparam("b_note")),
        ("b_id",),
    )
    with pytest.raises(ValueError, match="binds"):
        wrong.bind(engine.dialect, [{"b_id": "a"}])
