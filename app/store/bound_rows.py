"""Statements whose rows are bound for the driver before the writer's turn.

SQLAlchemy turns each row's values into what the driver takes (JSON text, timestamps,
numbers) as it executes a statement, that is inside the transaction: on SQLite, while
the database's one writer is held. For the rows intake and receipts write by the
thousand, ``Prepared`` does that work with the same type processors but beforehand, or at
least without SQLAlchemy's per-row bookkeeping, so that the turn mostly hands the driver
its parameters (profiled: binding was about a third of an intake transaction)."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.sql.dml import UpdateBase

DriverRow = tuple[Any, ...] | dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: bool
    order: tuple[str, ...]  # the parameters in the statement's order (positional)
    processors: tuple[tuple[str, Callable[[Any], Any] | None], ...]


class Prepared:
    """An INSERT, UPDATE or DELETE executed for many rows, compiled once per dialect;
    every row gives a value for each of ``keys`` (its bound parameters)."""

    def __init__(self, statement: UpdateBase, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = tuple(keys)
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is not None:
            return compiled
        statement = self.statement.compile(dialect=dialect, column_keys=list(self.keys))
        if set(statement.binds) != set(self.keys):
            raise ValueError(f"the statement binds {sorted(statement.binds)}, not {self.keys}")
        compiled = _Compiled(
            sql=statement.string,
            positional=statement.positional,
            order=tuple(statement.positiontup or ()),
            processors=tuple(
                (key, statement.binds[key].type.dialect_impl(dialect).bind_processor(dialect))
                for key in self.keys
            ),
        )
        self._compiled[dialect.name] = compiled
        return compiled

    def bind(self, dialect: Dialect, rows: Iterable[Mapping[str, Any]]) -> list[DriverRow]:
        """The driver's parameters for ``rows``."""
        c = self._for(dialect)
        bound: list[DriverRow] = []
        for row in rows:
            values = {
                key: row[key] if process is None else process(row[key])
                for key, process in c.processors
            }
            bound.append(tuple([values[key] for key in c.order]) if c.positional else values)
        return bound

    def execute(self, connection: Connection, bound: Sequence[DriverRow]) -> int:
        """Run the statement for rows bound for this connection's dialect; answers how
        many rows it wrote (for an upsert, those whose condition held)."""
        if not bound:
            return 0
        result = connection.exec_driver_sql(self._for(connection.dialect).sql, list(bound))
        return int(result.rowcount)


def insert_into(table: Table, columns: Sequence[str]) -> Prepared:
    """``INSERT INTO table (columns…) VALUES (…)``, a row per set of values."""
    missing = [name for name in columns if name not in table.c]
    if missing:
        raise ValueError(f"{table.name} has no column(s) {missing}")
    return Prepared(insert(table), columns)
