"""Business rows against the trail: each filing, API key and declaration must be as its
newest audit entry says it is.

An entry that changes a row carries ``stateSha256``, the hash of the row as the change
left it (``audit.filing_state``, ``audit.key_state``, ``audit.declaration_state``).
Here each row's state is hashed again and compared with the newest entry about it that
carries one: a row edited in the database, without the entry that every change writes,
no longer matches. A declaration is also compared with its acceptance entry, which
holds what never changes (its parties, numbers, dutiable value and the hash of its
documents). A declaration the worker has not derived yet has no entry yet, and is left
for a later check.

Rows are read a chunk at a time, each chunk with its entries in one snapshot, so that a
change committed meanwhile (the row and its entry in one transaction) is seen whole or
not at all."""

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Engine, select
from sqlmodel import col

from app.store import audit
from app.store.models import ApiKey, AuditEntry, Declaration, Enterprise

RowProblemKind = Literal[
    "no audit entry",
    "state differs from its newest audit entry",
    "differs from its acceptance entry",
]
# Problems listed in full; beyond this many, only counted.
LISTED = 100


@dataclass(frozen=True, slots=True)
class RowProblem:
    subject_type: str
    subject_id: str
    problem: RowProblemKind


@dataclass(slots=True)
class RowCheck:
    checked: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # Rows whose entries all predate state hashes (nothing to compare them with).
    unanchored: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def report(self, subject_type: str, subject_id: str, problem: RowProblemKind) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append(RowProblem(subject_type, subject_id, problem))


def check(engine: Engine, chunk: int = 500) -> RowCheck:
    """Every filing, key and declaration against its entries."""
    result = RowCheck()
    _check_filings(engine, chunk, result)
    _check_keys(engine, chunk, result)
    _check_declarations(engine, chunk, result)
    return result


@dataclass(frozen=True, slots=True)
class _Entry:
    seq: int
    kind: str
    data: str


def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if connection.dialect.name == "postgresql":
        # One snapshot for the chunk's rows and their entries (SQLite's read transaction
        # is one already).
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def _chunks(engine: Engine, columns: Sequence[Any], key: Any, size: int) -> Iterator[Any]:
    """(connection, rows) a chunk at a time, in ``key`` order; the connection is open
    while the chunk is looked at."""
    after: Any = None
    while True:
        with _snapshot(engine) as connection:
            query = select(*columns).order_by(key).limit(size)
            if after is not None:
                query = query.where(key > after)
            rows = connection.execute(query).all()
            if not rows:
                return
            yield connection, rows
        after = rows[-1][0]


def _entries(
    connection: Connection, subject_type: str, subject_ids: Sequence[str]
) -> dict[str, list[_Entry]]:
    """Each subject's entries, oldest first."""
    found: dict[str, list[_Entry]] = {s: [] for s in subject_ids}
    rows = connection.execute(
        select(
            col(AuditEntry.subject_id),
            col(AuditEntry.seq),
            col(AuditEntry.kind),
            col(AuditEntry.data),
        )
        .where(
            col(AuditEntry.subject_id).in_(list(subject_ids)),
            col(AuditEntry.subject_type) == subject_type,
        )
        .order_by(col(AuditEntry.seq))
    )
    for subject_id, seq, kind, data in rows:
        found[subject_id].append(_Entry(seq, kind, data))
    return found


def _recorded_state(
    entries: Sequence[_Entry], fallback: Callable[[dict[str, Any]], str | None] | None = None
) -> str | None:
    """The state hash of the newest entry that describes a state."""
    for entry in reversed(entries):
        if '"stateSha256"' not in entry.data and fallback is None:
            continue
        data = json.loads(entry.data)
        if isinstance(data, dict):
            recorded = data.get("stateSha256")
            if isinstance(recorded, str):
                return recorded
            if fallback is not None and (derived := fallback(data)) is not None:
                return derived
    return None


def _compare(
    result: RowCheck,
    subject_type: str,
    subject_id: str,
    entries: Sequence[_Entry],
    state: dict[str, Any],
    fallback: Callable[[dict[str, Any]], str | None] | None = None,
) -> None:
    result.checked += 1
    if not entries:
        result.report(subject_type, subject_id, "no audit entry")
        return
    recorded = _recorded_state(entries, fallback)
    if recorded is None:
        result.unanchored += 1
    elif recorded != audit.state_sha256(state):
        result.report(subject_type, subject_id, "state differs from its newest audit entry")


_FILING_COLUMNS = (
    col(Enterprise.id),
    col(Enterprise.customs_code),
    col(Enterprise.uscc),
    col(Enterprise.name),
    col(Enterprise.roles),
    col(Enterprise.contact_name),
    col(Enterprise.telephone),
    col(Enterprise.status),
    col(Enterprise.status_reason),
    col(Enterprise.credit_grade),
    col(Enterprise.listed_until),
)


def _check_filings(engine: Engine, size: int, result: RowCheck) -> None:
    for connection, rows in _chunks(engine, _FILING_COLUMNS, col(Enterprise.id), size):
        entries = _entries(connection, "enterprise", [r.customs_code for r in rows])
        for row in rows:
            state = audit.filing_state(Enterprise.model_construct(**row._asdict()))
            _compare(result, "enterprise", row.customs_code, entries[row.customs_code], state)


_KEY_COLUMNS = (
    col(ApiKey.id),
    col(ApiKey.key_hash),
    col(ApiKey.kind),
    col(ApiKey.agency),
    col(ApiKey.customs_code),
    col(ApiKey.label),
    col(ApiKey.created_by),
    col(ApiKey.revoked_at),
)


def _check_keys(engine: Engine, size: int, result: RowCheck) -> None:
    for connection, rows in _chunks(engine, _KEY_COLUMNS, col(ApiKey.id), size):
        entries = _entries(connection, "key", [r.id for r in rows])
        for row in rows:
            state = audit.key_state(ApiKey.model_construct(**row._asdict()))
            _compare(result, "key", row.id, entries[row.id], state)


_DECLARATION_COLUMNS = (
    col(Declaration.id),
    col(Declaration.status),
    col(Declaration.ceb_status),
    col(Declaration.derived),
    col(Declaration.ebp_code),
    col(Declaration.ebc_code),
    col(Declaration.pay_code),
    col(Declaration.logistics_code),
    col(Declaration.order_no),
    col(Declaration.logistics_no),
    col(Declaration.trade_mode),
    col(Declaration.dutiable_value),
    col(Declaration.created_at),
    col(Declaration.documents),
)
ACCEPTED = "declaration.accepted"
# An amendment's entry says what the declaration is from then on, as an acceptance does.
AMENDED = "declaration.amended"


def _status_state(subject_id: str) -> Callable[[dict[str, Any]], str | None]:
    """Entries written before state hashes still name the status they left."""

    def state(data: dict[str, Any]) -> str | None:
        status, ceb_status = data.get("status"), data.get("cebStatus")
        if not isinstance(status, str) or not isinstance(ceb_status, int):
            return None
        return audit.state_sha256(audit.declaration_state(subject_id, status, ceb_status))

    return state


def identity(row: Any) -> dict[str, Any]:
    """What a declaration's acceptance entry says of it that never changes, as the
    entry's JSON has it."""
    fields = audit.declaration_identity(row)
    parsed: dict[str, Any] = json.loads(audit.canonical(fields))
    return parsed


def _check_declarations(engine: Engine, size: int, result: RowCheck) -> None:
    for connection, rows in _chunks(engine, _DECLARATION_COLUMNS, col(Declaration.id), size):
        entries = _entries(connection, "declaration", [r.id for r in rows])
        for row in rows:
            found = entries[row.id]
            if not found and not row.derived:
                continue  # accepted, its entry still to be written by the worker
            state = audit.declaration_state(row.id, row.status, row.ceb_status)
            _compare(result, "declaration", row.id, found, state, _status_state(row.id))
            # The newest of its acceptance and amendments says what it is now.
            acceptance = next((e for e in reversed(found) if e.kind in (ACCEPTED, AMENDED)), None)
            if acceptance is None:
                continue
            recorded = json.loads(acceptance.data)
            expected = identity(row)
            if any(recorded.get(name) != value for name, value in expected.items()):
                result.report("declaration", row.id, "differs from its acceptance entry")
