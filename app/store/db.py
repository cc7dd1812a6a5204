"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydantic_core
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Connection execution option that makes a SQLite transaction take the write lock at
# BEGIN. Without it, two writers that both read first deadlock on the lock upgrade and
# one gets "database is locked" instead of waiting its turn.
_SQLITE_WRITE = "sw_sqlite_write"


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _json_text(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


# JSON columns are written and read by pydantic-core's encoder and parser: the stdlib's
# encoder was a tenth of the time an intake transaction held SQLite's writer (profiled).
_JSON = {"json_serializer": _json_text, "json_deserializer": pydantic_core.from_json}


def make_engine(url: str) -> Engine:
    if not is_sqlite(url):
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, **_JSON)

    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **_JSON)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_SQLITE_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


class _WriterTurn:
    """SQLite has one writer at a time. Writers queue on a lock of ours, in turn, rather
    than in SQLite's busy handler, which sleeps in steps of up to 100 ms: a thread lock
    for this process's writers, then an ``flock`` on a file beside the database for the
    other processes' (API workers, outbox workers), which the kernel hands over at once.

    In this process, a writer that a caller is waiting on (intake) goes before the ones
    that work in the background (receipts, outbox)."""

    def __init__(self, database: str | None) -> None:
        self.threads = threading.Condition()
        self.busy = False
        self.urgent = 0  # urgent writers waiting
        self.fd: int | None = None
        if database and database != ":memory:" and not database.startswith("file:"):
            self.fd = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def __call__(self, *, urgent: bool = False) -> Iterator[None]:
        with self.threads:
            self.urgent += urgent
            try:
                while self.busy or (self.urgent and not urgent):
                    self.threads.wait()
            finally:
                self.urgent -= urgent
            self.busy = True
        try:
            if self.fd is None:
                yield
                return
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            with self.threads:
                self.busy = False
                self.threads.notify_all()

    def __del__(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


_SQLITE_WRITERS: "weakref.WeakKeyDictionary[Engine, _WriterTurn]" = weakref.WeakKeyDictionary()


@contextmanager
def write_session(engine: Engine, *, urgent: bool = False) -> Iterator[Session]:
    """A session for one unit of work that writes. The caller commits explicitly.
    ``urgent``: a caller is waiting for it; on SQLite it takes the writer's turn before
    the background work of this process."""
    if engine.dialect.name != "sqlite":
        with Session(engine, expire_on_commit=False) as session:
            yield session
        return
    turn = _SQLITE_WRITERS.get(engine)
    if turn is None:
        turn = _SQLITE_WRITERS.setdefault(engine, _WriterTurn(engine.url.database))
    # Every transaction of the session takes SQLite's write lock up front (other processes
    # may write too), including one begun after a rollback.
    writing = engine.execution_options(**{_SQLITE_WRITE: True})
    with turn(urgent=urgent), Session(writing, expire_on_commit=False) as session:
        session.connection()
        yield session


def holds_write_lock(connection: Connection) -> bool:
    """Whether a SQLite connection's transaction began by taking the write lock."""
    return bool(connection.get_execution_options().get(_SQLITE_WRITE, False))


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # ConfigParser interpolation treats % specially.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def dialect_insert(session: Session, table: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` support for the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
