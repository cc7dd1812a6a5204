"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

import asyncio
import fcntl
import logging
import os
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pydantic_core
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.log import InstanceLogger
from sqlalchemy.orm import Session

PROJECT_ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("app.db")

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


class _NoRows(logging.Filter):
    """Drops what SQLAlchemy logs at DEBUG, the rows a statement returned, whatever level
    its logger is set to."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_NO_ROWS = _NoRows()


def _without_personal_data(engine: Engine) -> Engine:
    """Statements' parameters and rows carry buyers' and payers' ID numbers, telephones,
    names and addresses (the documents, the quota's buyer): the engine is made with
    ``hide_parameters`` (no parameters in the errors it raises or the statements it
    logs), and here its rows and the database's details of an error are kept out of
    the log too."""
    logger = engine.logger
    if isinstance(logger, InstanceLogger):  # echo on: it wraps the logger
        logger = logger.logger
    if _NO_ROWS not in logger.filters:
        logger.addFilter(_NO_ROWS)
    event.listen(engine, "handle_error", _terse_driver_error)
    return engine


def _terse_driver_error(context: ExceptionContext) -> None:
    """Cuts a PostgreSQL error down to its primary message. The server adds a DETAIL that
    quotes the values at fault (``Key (…)=(…) already exists``, ``Failing row contains
    (…)``, the whole row with its documents); the code, the constraint and the detail
    itself stay on the error's ``diag`` for whoever handles it."""
    original = context.original_exception
    primary = getattr(getattr(original, "diag", None), "message_primary", None)
    if not isinstance(primary, str):
        return  # SQLite's messages name columns and constraints, never values
    original.args = (primary,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:
        kind = type(original)
        wrapped.args = (f"({kind.__module__}.{kind.__name__}) {primary}",)


def make_engine(url: str, *, background_checkpoints: bool = False) -> Engine:
    """An engine for ``url``. ``background_checkpoints`` (SQLite): this process runs a
    ``Checkpointer``, so its connections leave checkpoints to it."""
    if not is_sqlite(url):
        return _without_personal_data(
            create_engine(
                url,
                pool_size=10,
                max_overflow=20,
                pool_pre_ping=True,
                hide_parameters=True,
                **_JSON,
            )
        )

    engine = _without_personal_data(
        create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            hide_parameters=True,
            **_JSON,
        )
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        if background_checkpoints:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_SQLITE_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# What the log is cut back to when it starts over after a checkpoint.
WAL_SIZE_LIMIT = 64 * 1024 * 1024
CHECKPOINT_INTERVAL_SECONDS = 0.5
# A log this long (pages of 4 KiB) is copied in full and started over.
RESTART_LOG_PAGES = 4096
# Passes beside the writers before the rest is copied in the writer's turn, and what
# may be left for that turn (a few milliseconds' copying).
CATCH_UP_PASSES = 8
CATCH_UP_PAGES = 256


class Checkpointer:
    """Copies SQLite's write-ahead log back into the database from a thread of its own.

    By default the commit that fills the log past 1,000 pages runs the checkpoint: it
    copies the pages and syncs the database to disk while it holds the one writer, and at
    peak every request of the next groups waited behind it (profiled: a third of commit
    time, and the slowest commits). Here the connections of the process leave that to
    this thread (``make_engine(..., background_checkpoints=True)``), which checkpoints
    every ``interval`` seconds without blocking writers (PASSIVE); whichever process's
    checkpointer runs first does the work, the others find nothing to do."""

    def __init__(self, engine: Engine, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Checkpointer":
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (
            None,
            "",
            ":memory:",
        ):
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.checkpoint()  # what the last interval wrote

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint()
            except Exception:  # the next round tries again; commits never depend on it
                log.exception("checkpointing the write-ahead log failed")

    def checkpoint(self) -> None:
        if self.engine.dialect.name != "sqlite":
            return
        # While writers go on: the log is copied and synced, then what they wrote
        # meanwhile, until nothing is left (the next writer then starts the log over) or
        # only a little.
        _, logged, copied = self._passive()
        for _ in range(CATCH_UP_PASSES):
            if logged == copied or logged - copied <= CATCH_UP_PAGES:
                break
            _, logged, copied = self._passive()
        if logged == copied or logged < RESTART_LOG_PAGES:
            return
        # A long log with a little left: that little between two writers' turns, so that
        # the log is copied in full and the next writer starts it over instead of making
        # it longer.
        with _writer_turn(self.engine)():
            self._passive()

    def _passive(self) -> tuple[int, int, int]:
        """``(busy, pages in the log, pages copied)``; outside any transaction."""
        with self.engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            assert driver is not None
            busy, logged, copied = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return busy, logged, copied


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

    def take(self, *, urgent: bool = False) -> None:
        """Wait for the turn (blocking: not on an event loop)."""
        with self.threads:
            self.urgent += urgent
            try:
                while self.busy or (self.urgent and not urgent):
                    self.threads.wait()
            finally:
                self.urgent -= urgent
            self.busy = True
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except BaseException:
                self._leave()
                raise

    def try_take(self) -> bool:
        """Take the turn if it is free now, in this process and in the others."""
        with self.threads:
            if self.busy or self.urgent:
                return False
            self.busy = True
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._leave()
                return False
        return True

    def give_back(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self._leave()

    def _leave(self) -> None:
        with self.threads:
            self.busy = False
            self.threads.notify_all()

    @contextmanager
    def __call__(self, *, urgent: bool = False) -> Iterator[None]:
        self.take(urgent=urgent)
        try:
            yield
        finally:
            self.give_back()

    def __del__(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


_SQLITE_WRITERS: "weakref.WeakKeyDictionary[Engine, _WriterTurn]" = weakref.WeakKeyDictionary()


def _writer_turn(engine: Engine) -> _WriterTurn:
    turn = _SQLITE_WRITERS.get(engine)
    if turn is None:
        turn = _SQLITE_WRITERS.setdefault(engine, _WriterTurn(engine.url.database))
    return turn


@contextmanager
def write_session(engine: Engine, *, urgent: bool = False) -> Iterator[Session]:
    """A session for one unit of work that writes. The caller commits explicitly.
    ``urgent``: a caller is waiting for it; on SQLite it takes the writer's turn before
    the background work of this process."""
    if engine.dialect.name != "sqlite":
        with Session(engine, expire_on_commit=False) as session:
            yield session
        return
    with _writer_turn(engine)(urgent=urgent), _session_in_turn(engine) as session:
        yield session


@contextmanager
def _session_in_turn(engine: Engine) -> Iterator[Session]:
    # Every transaction of the session takes SQLite's write lock up front (other processes
    # may write too), including one begun after a rollback.
    writing = engine.execution_options(**{_SQLITE_WRITE: True})
    with Session(writing, expire_on_commit=False) as session:
        session.connection()
        yield session


SessionFactory = Callable[[], AbstractContextManager[Session]]


@asynccontextmanager
async def sqlite_writer_turn(engine: Engine) -> AsyncIterator[SessionFactory]:
    """For an event loop that writes to SQLite itself: waits for the writer's turn off
    the loop (at once when it is free), and gives the sessions to write in it. The work
    in the turn then runs on the loop, where no other thread of the process takes the
    interpreter from it between statements (in a thread, each statement gave it up and
    waited to get it back, and the turn, which is the whole database's, was held about
    twice as long at peak)."""
    assert engine.dialect.name == "sqlite"
    turn = _writer_turn(engine)
    if not turn.try_take():
        taking = asyncio.ensure_future(asyncio.to_thread(turn.take, urgent=True))
        try:
            await asyncio.shield(taking)
        except asyncio.CancelledError:
            # The thread takes the turn all the same: give it back once it has.
            taking.add_done_callback(partial(_give_back_once_taken, turn))
            raise
    try:
        yield partial(_session_in_turn, engine)
    finally:
        turn.give_back()


def _give_back_once_taken(turn: _WriterTurn, taking: "asyncio.Future[None]") -> None:
    if not taking.cancelled() and taking.exception() is None:
        turn.give_back()


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
