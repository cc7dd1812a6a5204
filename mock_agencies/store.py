"""One agency's records in its own SQLite file: filings, declarations, receipts waiting to
be sent, answers to actions, idempotency keys. A restarted agency picks up where it
stopped, and a file written before declarations had versions gets their columns added."""

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from app.agencies.wire import ActionAnswer, ActionKind, FilingMessage, Receipt, ReceiptStatus
from mock_agencies.rules.actions import Closed
from mock_agencies.rules.forex import Filing

SCHEMA = """
CREATE TABLE IF NOT EXISTS filings (
    id INTEGER PRIMARY KEY,
    customs_code TEXT NOT NULL UNIQUE,
    registration_no TEXT NOT NULL UNIQUE,
    uscc TEXT NOT NULL,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    credit_grade TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at REAL NOT NULL,
    -- On the credit negative list: 1, until listed_until (Unix time; NULL: no end).
    listed INTEGER NOT NULL DEFAULT 0,
    listed_until REAL
);
CREATE TABLE IF NOT EXISTS declarations (
    declaration_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    buyer_id TEXT NOT NULL,
    china_year INTEGER NOT NULL,
    dutiable_value TEXT NOT NULL,
    final_status TEXT NOT NULL,
    received_at REAL NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    given_back TEXT NOT NULL DEFAULT '0',
    ebc_code TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS declarations_counted ON declarations (buyer_id, china_year)
    WHERE final_status <> 'rejected';
CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY,
    declaration_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    body TEXT NOT NULL,
    decided_at REAL NOT NULL,
    send_after REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- pending, delivered, dropped (refused by the single window), or never to be sent:
    -- superseded (a newer version was decided), withdrawn (the declaration was).
    state TEXT NOT NULL DEFAULT 'pending',
    UNIQUE (declaration_id, sequence)
);
CREATE INDEX IF NOT EXISTS receipts_due ON receipts (next_attempt_at) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS idempotency_keys (
    endpoint TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (endpoint, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actions (
    action_id TEXT PRIMARY KEY,
    declaration_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    decided_at REAL NOT NULL
) WITHOUT ROWID;
-- 两证合一: the answer to each registration a filing applied for, kept as given (signed).
CREATE TABLE IF NOT EXISTS registration_reviews (
    customs_code TEXT NOT NULL,
    registration TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (customs_code, registration)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
"""
# Columns added since the first agency files were written: (table, column, definition).
ADDED_COLUMNS = (
    ("declarations", "version", "INTEGER NOT NULL DEFAULT 1"),
    ("declarations", "given_back", "TEXT NOT NULL DEFAULT '0'"),
    ("declarations", "ebc_code", "TEXT NOT NULL DEFAULT ''"),
    ("filings", "listed", "INTEGER NOT NULL DEFAULT 0"),
    ("filings", "listed_until", "REAL"),
)
# Indexes on added columns, made once the columns are there.
LATER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS declarations_ebc ON declarations (ebc_code, final_status)",
)
# Receipt states of receipts that will never be sent; the status query does not show them.
NEVER_SENT = ("superseded", Closed.WITHDRAWN.value, Closed.CANCELLED.value)
ITEMS_RECEIVED = "items_received"
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class AgencyStats(BaseModel):
    declarations: int
    filings: int
    itemsReceived: int
    receiptsPending: int


@dataclass(frozen=True, slots=True)
class DeclarationRecord:
    declaration_id: str
    message_id: str
    buyer_id: str
    china_year: int
    dutiable_value: Decimal
    final_status: ReceiptStatus
    received_at: float
    version: int = 1
    ebc_code: str = ""


@dataclass(frozen=True, slots=True)
class ScheduledReceipt:
    receipt: Receipt
    send_after: float  # Unix time; may be later than the decision (held back)


@dataclass(frozen=True, slots=True)
class RememberedResponse:
    request_hash: str
    response: str


@dataclass(frozen=True, slots=True)
class PendingReceipt:
    id: int
    body: str
    attempts: int


class AgencyStore:
    """Thread-safe: one connection, one writer at a time (SQLite allows no more)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode loses at most the last transactions on power loss, never
        # consistency; an agency simulation does not need to pay for FULL.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        self._add_missing_columns()
        self._db.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?",
            (time.time() - IDEMPOTENCY_TTL_SECONDS,),
        )

    def _add_missing_columns(self) -> None:
        """Agency files persist between runs: bring one written by an older version up to
        the current schema (a new column's default is what its rows meant then)."""
        for table, column, definition in ADDED_COLUMNS:
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        for index in LATER_INDEXES:
            self._db.execute(index)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator["StoreTransaction"]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield StoreTransaction(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def latest_receipt(self, declaration_id: str, now: float) -> str | None:
        """The receipt JSON with the highest sequence that has been decided by ``now``,
        among those the agency stands by: not those a newer version superseded or a
        withdrawal dropped, which are never sent either."""
        marks = ",".join("?" * len(NEVER_SENT))
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM receipts WHERE declaration_id = ? AND decided_at <= ? "
                f"AND state NOT IN ({marks}) ORDER BY sequence DESC LIMIT 1",
                (declaration_id, now, *NEVER_SENT),
            ).fetchone()
        return None if row is None else str(row[0])

    def stats(self) -> AgencyStats:
        with self._lock:
            row = self._db.execute(
                "SELECT (SELECT count(*) FROM declarations), (SELECT count(*) FROM filings), "
                "(SELECT coalesce(sum(value), 0) FROM counters WHERE name = ?), "
                "(SELECT count(*) FROM receipts WHERE state = 'pending')",
                (ITEMS_RECEIVED,),
            ).fetchone()
        return AgencyStats(
            declarations=row[0], filings=row[1], itemsReceived=row[2], receiptsPending=row[3]
        )

    # --- callbacks ---------------------------------------------------------------------

    def due_receipts(self, now: float, limit: int) -> list[PendingReceipt]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, body, attempts FROM receipts "
                "WHERE state = 'pending' AND next_attempt_at <= ? "
                "ORDER BY next_attempt_at, id LIMIT ?",
                (now, limit),
            ).fetchall()
        return [PendingReceipt(*row) for row in rows]

    def mark_sent(self, ids: Sequence[int]) -> None:
        self._update_receipts("state = 'delivered'", (), ids)

    def mark_dropped(self, ids: Sequence[int]) -> None:
        self._update_receipts("state = 'dropped'", (), ids)

    def postpone(self, ids: Sequence[int], until: float) -> None:
        self._update_receipts("attempts = attempts + 1, next_attempt_at = ?", (until,), ids)

    def restart_retries(self) -> None:
        """A new process retries at once what the previous one was backing off from: the
        receiver may have come back, or its address changed."""
        with self._lock:
            self._db.execute(
                "UPDATE receipts SET attempts = 0, next_attempt_at = send_after "
                "WHERE state = 'pending' AND next_attempt_at > send_after"
            )

    def _update_receipts(self, change: str, values: tuple[object, ...], ids: Sequence[int]) -> None:
        """One statement, so one transaction, for the receipts of one callback batch."""
        marks = ",".join("?" * len(ids))
        with self._lock:
            self._db.execute(f"UPDATE receipts SET {change} WHERE id IN ({marks})", (*values, *ids))


class StoreTransaction:
    """Reads and writes inside one transaction (one request's batch)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def remembered(self, endpoint: str, key: str) -> RememberedResponse | None:
        row = self._db.execute(
            "SELECT request_hash, response FROM idempotency_keys WHERE endpoint = ? AND key = ?",
            (endpoint, key),
        ).fetchone()
        return None if row is None else RememberedResponse(*row)

    def remember(self, endpoint: str, key: str, request_hash: str, response: str) -> None:
        self._db.execute(
            "INSERT INTO idempotency_keys (endpoint, key, request_hash, response, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint, key) DO UPDATE SET "
            "request_hash = excluded.request_hash, response = excluded.response, "
            "created_at = excluded.created_at",
            (endpoint, key, request_hash, response, time.time()),
        )

    def count_items(self, n: int) -> None:
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            (ITEMS_RECEIVED, n),
        )

    # --- filings -------------------------------------------------------------------------

    def review(self, customs_code: str, registration: str) -> str | None:
        """The answer given to a filing's registration application, if any (its JSON)."""
        row = self._db.execute(
            "SELECT body FROM registration_reviews WHERE customs_code = ? AND registration = ?",
            (customs_code, registration),
        ).fetchone()
        return None if row is None else str(row[0])

    def keep_review(self, customs_code: str, registration: str, body: str) -> None:
        self._db.execute(
            "INSERT INTO registration_reviews (customs_code, registration, body) VALUES (?, ?, ?)",
            (customs_code, registration, body),
        )

    def register(self, filing: FilingMessage, prefix: str) -> str:
        """The registration number of the filing, the same each time it is registered."""
        roles = " ".join(sorted(set(filing.roles)))
        until = filing.listedUntil.timestamp() if filing.listedUntil is not None else None
        values = (
            filing.uscc,
            filing.name,
            roles,
            filing.creditGrade,
            filing.status,
            time.time(),
            int(filing.listed),
            until,
        )
        row = self._db.execute(
            "SELECT registration_no FROM filings WHERE customs_code = ?", (filing.customsCode,)
        ).fetchone()
        if row is not None:
            self._db.execute(
                "UPDATE filings SET uscc = ?, name = ?, roles = ?, credit_grade = ?, "
                "status = ?, updated_at = ?, listed = ?, listed_until = ? WHERE customs_code = ?",
                (*values, filing.customsCode),
            )
            return str(row[0])
        (last,) = self._db.execute("SELECT coalesce(max(id), 0) FROM filings").fetchone()
        number = f"{prefix}{last + 1:010d}"
        self._db.execute(
            "INSERT INTO filings (id, customs_code, registration_no, uscc, name, roles, "
            "credit_grade, status, updated_at, listed, listed_until) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (last + 1, filing.customsCode, number, *values),
        )
        return number

    def filing(self, customs_code: str) -> Filing | None:
        row = self._db.execute(
            "SELECT roles, status, credit_grade, listed, listed_until FROM filings "
            "WHERE customs_code = ?",
            (customs_code,),
        ).fetchone()
        if row is None:
            return None
        return Filing(frozenset(row[0].split()), row[1], row[2], bool(row[3]), row[4])

    def in_flight(self, ebc_code: str) -> list[tuple[str, int]]:
        """(id, version) of the e-commerce company's declarations released but not yet
        told to the single window: a receipt of theirs is still to be sent."""
        rows = self._db.execute(
            "SELECT d.declaration_id, d.version FROM declarations d "
            "WHERE d.ebc_code = ? AND d.final_status = ? AND EXISTS (SELECT 1 FROM receipts r "
            "WHERE r.declaration_id = d.declaration_id AND r.state = 'pending') "
            "ORDER BY d.declaration_id",
            (ebc_code, ReceiptStatus.RELEASED.value),
        )
        return [(str(row[0]), int(row[1])) for row in rows]

    def redecide(
        self, declaration_id: str, final: ReceiptStatus, receipts: Sequence[ScheduledReceipt]
    ) -> None:
        """Decide a declaration again (its pending receipts superseded first): its final
        status, and the receipts that say so."""
        self._db.execute(
            "UPDATE declarations SET final_status = ? WHERE declaration_id = ?",
            (final.value, declaration_id),
        )
        self._schedule(receipts)

    # --- declarations --------------------------------------------------------------------

    def known(self, declaration_ids: Iterable[str]) -> dict[str, int]:
        """The version this agency has decided of each declaration it knows."""
        ids = list(set(declaration_ids))
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT declaration_id, version FROM declarations WHERE declaration_id IN ({marks})",
            ids,
        )
        return {row[0]: row[1] for row in rows}

    def used_this_year(self, buyer_id: str, year: int, excluding: str | None = None) -> Decimal:
        """The dutiable value of the buyer's declarations this year that still count: not
        refused, withdrawn or cancelled, less what returns gave back. ``excluding``: the
        declaration being decided, whose earlier version must not count against its new
        one."""
        rows = self._db.execute(
            "SELECT dutiable_value, given_back FROM declarations "
            "WHERE buyer_id = ? AND china_year = ? AND final_status <> 'rejected' "
            "AND final_status <> ? AND final_status <> ? AND declaration_id <> ?",
            (buyer_id, year, Closed.WITHDRAWN.value, Closed.CANCELLED.value, excluding or ""),
        )
        return sum((Decimal(row[0]) - Decimal(row[1]) for row in rows), Decimal(0))

    def last_sequence(self, declaration_id: str) -> int:
        """The highest receipt sequence stored for the declaration (0: none)."""
        (last,) = self._db.execute(
            "SELECT coalesce(max(sequence), 0) FROM receipts WHERE declaration_id = ?",
            (declaration_id,),
        ).fetchone()
        return int(last)

    def supersede(self, declaration_id: str) -> None:
        """A newer version is being decided: the receipts not sent yet never will be."""
        self._db.execute(
            "UPDATE receipts SET state = 'superseded' WHERE declaration_id = ? "
            "AND state = 'pending'",
            (declaration_id,),
        )

    def add(self, record: DeclarationRecord, receipts: Sequence[ScheduledReceipt]) -> None:
        """Record a declaration as decided and schedule its receipts; a newer version
        replaces the record (buyer, value, decision) and starts with nothing given back."""
        self._db.execute(
            "INSERT INTO declarations (declaration_id, message_id, buyer_id, china_year, "
            "dutiable_value, final_status, received_at, version, given_back, ebc_code) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '0', ?) ON CONFLICT (declaration_id) DO UPDATE SET "
            "message_id = excluded.message_id, buyer_id = excluded.buyer_id, "
            "china_year = excluded.china_year, dutiable_value = excluded.dutiable_value, "
            "final_status = excluded.final_status, received_at = excluded.received_at, "
            "version = excluded.version, given_back = excluded.given_back, "
            "ebc_code = excluded.ebc_code",
            (
                record.declaration_id,
                record.message_id,
                record.buyer_id,
                record.china_year,
                str(record.dutiable_value),
                record.final_status.value,
                record.received_at,
                record.version,
                record.ebc_code,
            ),
        )
        self._schedule(receipts)

    def _schedule(self, receipts: Sequence[ScheduledReceipt]) -> None:
        self._db.executemany(
            "INSERT INTO receipts (declaration_id, sequence, body, decided_at, send_after, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    scheduled.receipt.declarationId,
                    scheduled.receipt.sequence,
                    scheduled.receipt.model_dump_json(),
                    scheduled.receipt.decidedAt.timestamp(),
                    scheduled.send_after,
                    scheduled.send_after,
                )
                for scheduled in receipts
            ),
        )

    # --- actions (withdrawals, cancellations, returns) -----------------------------------

    def answered(self, action_id: str) -> str | None:
        """The answer (``ActionAnswer`` JSON) given to the action before, if any."""
        row = self._db.execute(
            "SELECT body FROM actions WHERE action_id = ?", (action_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def record_answer(self, answer: ActionAnswer, kind: ActionKind) -> str:
        """Keep the answer, so that the action asked again gets it back unchanged."""
        body = answer.model_dump_json()
        self._db.execute(
            "INSERT INTO actions (action_id, declaration_id, kind, body, decided_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (answer.actionId, answer.declarationId, kind.value, body, answer.decidedAt.timestamp()),
        )
        return body

    def close_declaration(self, declaration_id: str, status: Closed, drop_pending: bool) -> None:
        """The declaration no longer counts; with ``drop_pending``, neither are the
        receipts not sent yet ever sent."""
        self._db.execute(
            "UPDATE declarations SET final_status = ? WHERE declaration_id = ?",
            (status.value, declaration_id),
        )
        if drop_pending:
            self._db.execute(
                "UPDATE receipts SET state = ? WHERE declaration_id = ? AND state = 'pending'",
                (status.value, declaration_id),
            )

    def withdrawn_unseen(self, declaration_id: str, version: int, now: float) -> None:
        """A declaration withdrawn before it got here: kept as withdrawn, so that its
        delivery, should it still arrive (sent before the withdrawal, delayed), is taken
        as already known and decides nothing."""
        self._db.execute(
            "INSERT INTO declarations (declaration_id, message_id, buyer_id, china_year, "
            "dutiable_value, final_status, received_at, version) "
            "VALUES (?, '', '', 0, '0', 'withdrawn', ?, ?) ON CONFLICT DO NOTHING",
            (declaration_id, now, version),
        )

    def give_back(self, declaration_id: str, value: Decimal) -> None:
        """What the returns so far (not this one alone) give back to the buyer's total."""
        self._db.execute(
            "UPDATE declarations SET given_back = ? WHERE declaration_id = ?",
            (str(value), declaration_id),
        )
