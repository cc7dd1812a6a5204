"""The worker's hot queries read the indexes made for them (on SQLite a partial index is
used only for a condition worded as the index's own)."""

from datetime import timedelta

from sqlalchemy import create_engine, text

from app.store import derived
from app.store.models.types import utcnow


def _plan(url: str, statement: object) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            compiled = statement.compile(  # type: ignore[attr-defined]
                dialect=connection.dialect, compile_kwargs={"literal_binds": True}
            )
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    finally:
        engine.dispose()
    return " / ".join(str(row[-1]) for row in rows)


def test_the_declarations_to_derive_are_read_from_their_partial_index(sqlite_url: str) -> None:
    plan = _plan(sqlite_url, derived.pending_query(40))
    assert "USING INDEX ix_declarations_underived" in plan, plan


def test_the_arrival_rate_is_read_from_the_index_by_time(sqlite_url: str) -> None:
    now = utcnow()
    plan = _plan(sqlite_url, derived.arrivals_query(now - timedelta(seconds=1), now))
    assert "ix_declarations_created" in plan, plan
