"""One agency's records in its own SQLite file: filings, declarations, receipts waiting to
be sent, idempotency keys. A restarted agency picks up where it stopped."""

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from app.agencies.wire import FilingMessage, Receipt, ReceiptStatus
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
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS declarations (
    declaration_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    buyer_id TEXT NOT NULL,
    china_year INTEGER NOT NULL,
    dutiable_value TEXT NOT NULL,
    final_status TEXT NOT NULL,
    received_at REAL NOT NULL
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
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
"""
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
        self._db.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?",
            (time.time() - IDEMPOTENCY_TTL_SECONDS,),
        )

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
        """The receipt JSON with the highest sequence that has been decided by ``now``."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM receipts WHERE declaration_id = ? AND decided_at <= ? "
                "ORDER BY sequence DESC LIMIT 1",
                (declaration_id, now),
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

    def register(self, filing: FilingMessage, prefix: str) -> str:
        """The registration number of the filing, the same each time it is registered."""
        roles = " ".join(sorted(set(filing.roles)))
        values = (filing.uscc, filing.name, roles, filing.creditGrade, filing.status, time.time())
        row = self._db.execute(
            "SELECT registration_no FROM filings WHERE customs_code = ?", (filing.customsCode,)
        ).fetchone()
        if row is not None:
            self._db.execute(
                "UPDATE filings SET uscc = ?, name = ?, roles = ?, credit_grade = ?, "
                "status = ?, updated_at = ? WHERE customs_code = ?",
                (*values, filing.customsCode),
            )
            return str(row[0])
        (last,) = self._db.execute("SELECT coalesce(max(id), 0) FROM filings").fetchone()
        number = f"{prefix}{last + 1:010d}"
        self._db.execute(
            "INSERT INTO filings (id, customs_code, registration_no, uscc, name, roles, "
            "credit_grade, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (last + 1, filing.customsCode, number, *values),
        )
        return number

    def filing(self, customs_code: str) -> Filing | None:
        row = self._db.execute(
            "SELECT roles, status, credit_grade FROM filings WHERE customs_code = ?",
            (customs_code,),
        ).fetchone()
        return None if row is None else Filing(frozenset(row[0].split()), row[1], row[2])

    # --- declarations --------------------------------------------------------------------

    def known(self, declaration_ids: Iterable[str]) -> set[str]:
        ids = list(set(declaration_ids))
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT declaration_id FROM declarations WHERE declaration_id IN ({marks})", ids
        )
        return {row[0] for row in rows}

    def used_this_year(self, buyer_id: str, year: int) -> Decimal:
        """The dutiable value of the buyer's declarations this year that were not refused."""
        rows = self._db.execute(
            "SELECT dutiable_value FROM declarations WHERE buyer_id = ? AND china_year = ? "
            "AND final_status <> 'rejected'",
            (buyer_id, year),
        )
        return sum((Decimal(row[0]) for row in rows), Decimal(0))

    def add(self, record: DeclarationRecord, receipts: Sequence[ScheduledReceipt]) -> None:
        self._db.execute(
            "INSERT INTO declarations (declaration_id, message_id, buyer_id, china_year, "
            "dutiable_value, final_status, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.declaration_id,
                record.message_id,
                record.buyer_id,
                record.china_year,
                str(record.dutiable_value),
                record.final_status.value,
                record.received_at,
            ),
        )
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
