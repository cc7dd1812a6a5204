"""The audit trail: every change recorded in its own transaction, chained, gapless, in
commit order; tampering found and named; PostgreSQL refusing changes outright."""

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.domain.decision import Candidate
from app.errors import DeclarationRefused, DuplicateOrder
from app.intake.pipeline import ItemResult, Submission, new_id
from app.schemas.enterprise import CreditGrade
from app.store import audit, derived, enterprises, receipts
from app.store.db import make_engine, read_session, write_session
from app.store.models import Declaration
from tests.support.audit import (
    ADMIN,
    PLATFORM,
    clear,
    declare,
    declare_batch,
    file_parties,
    parsed,
    pipeline,
    receipt,
    trail,
)
from tests.support.factories import Declarations, register_everywhere

REGULATOR = "regulator:customs:key-9"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def test_filing_declaring_receipts_and_grading_leave_a_valid_chain(
    engine: Engine, declarations: Declarations
) -> None:
    codes = file_parties(engine, declarations)
    accepted = declare(engine, declarations.valid())
    broken = declarations.valid()
    broken["payment"]["amountPaid"] = "1.00"
    with pytest.raises(DeclarationRefused):
        declare(engine, broken)
    clear(engine, accepted.id)
    enterprises.grade(engine, codes[0], CreditGrade.ADVANCED, "clean record", actor=REGULATOR)

    records = trail(engine)
    assert audit.verify(engine) == audit.Verification(ok=True, checked=len(records))
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert [r.kind for r in records] == [
        *["filing.created"] * 4,
        *["filing.registered"] * 16,
        *["filing.activated"] * 4,
        "declaration.accepted",
        "declaration.refused",
        *["declaration.status"] * 8,
        "filing.graded",
    ]

    created = records[0]
    assert (created.subject_type, created.subject_id, created.actor) == (
        "enterprise",
        codes[0],
        ADMIN,
    )
    assert set(created.data) == {
        "customsCode",
        "uscc",
        "name",
        "roles",
        "contactName",
        "telephone",
        "status",
        "creditGrade",
        "stateSha256",
    }
    assert (created.data["status"], created.data["roles"]) == ("pending", ["platform"])
    assert records[4].data == {
        "agency": "customs",
        "registrationNo": f"CUS{codes[0]}",
        "stateSha256": records[4].data["stateSha256"],
    }
    assert records[4].actor == "agency:customs"
    assert {r.subject_id for r in records[20:24]} == set(codes)

    accepted_row = records[24]
    with read_session(engine) as session:
        stored = session.get(Declaration, accepted.id)
        assert stored is not None
        documents, stored_value = stored.documents, stored.dutiable_value
    # The entry is written by the worker from the stored row: the value as stored (at the
    # column's scale, as every read shows it), equal to the value decided at intake.
    assert stored_value == accepted.dutiable_value
    assert (accepted_row.subject_id, accepted_row.actor) == (accepted.id, PLATFORM)
    assert accepted_row.data == {
        "id": accepted.id,
        "ebpCode": accepted.ebp_code,
        "ebcCode": accepted.ebc_code,
        "payCode": accepted.pay_code,
        "logisticsCode": accepted.logistics_code,
        "orderNo": accepted.order_no,
        "logisticsNo": accepted.logistics_no,
        "tradeMode": "9610",
        "status": "accepted",
        "cebStatus": 120,
        "dutiableValue": str(stored_value),
        "createdAt": audit.iso_time(accepted.created_at),
        "documentsSha256": audit.sha256_hex(audit.canonical(documents)),
        "stateSha256": audit.state_sha256(audit.declaration_state(accepted.id, "accepted", 120)),
    }

    refused_row = records[25]
    assert refused_row.subject_id.startswith("refusal:")
    assert refused_row.data["orderNo"] == broken["order"]["orderNo"]
    assert refused_row.data["codes"] == sorted(refused_row.data["codes"])
    assert refused_row.data["codes"]

    statuses = records[26:34]
    assert {r.actor for r in statuses} == {
        "agency:customs",
        "agency:inspection",
        "agency:tax",
        "agency:forex",
    }
    assert statuses[0].data == {
        "status": "in_review",
        "cebStatus": 300,
        "agency": "customs",
        "agencyStatus": "acknowledged",
        "note": "customs: acknowledged",
        "stateSha256": audit.state_sha256(audit.declaration_state(accepted.id, "in_review", 300)),
    }
    assert (statuses[-1].data["status"], statuses[-1].data["agencyStatus"]) == (
        "cleared",
        "recorded",
    )

    graded = records[-1]
    assert (graded.subject_id, graded.actor) == (codes[0], REGULATOR)
    assert {k: v for k, v in graded.data.items() if k != "stateSha256"} == {
        "from": "general",
        "to": "advanced",
        "reason": "clean record",
    }


def test_what_changes_nothing_records_nothing(engine: Engine, declarations: Declarations) -> None:
    codes = file_parties(engine, declarations)
    body = declarations.valid()
    declare(engine, body)
    before = len(trail(engine))

    register_everywhere(engine, codes)  # the agencies repeat themselves
    with pytest.raises(DuplicateOrder):
        declare(engine, body)  # a duplicate is answered 409, not recorded
    accepted_id = trail(engine)[-1].subject_id
    receipts.apply_receipts(engine, [receipt(accepted_id, "customs", "acknowledged", 1)] * 2)
    records = trail(engine)
    assert [r.kind for r in records[before:]] == ["declaration.status"]


def test_batches_and_groups_record_each_declaration_by_its_actor(
    engine: Engine, declarations: Declarations
) -> None:
    file_parties(engine, declarations)
    bodies = [declarations.valid() for _ in range(3)]
    bodies[1]["order"]["currency"] = "840"
    results = declare_batch(engine, [parsed(b) for b in bodies], actor="enterprise:3301960001")
    assert [r.outcome for r in results] == ["accepted", "declaration_refused", "accepted"]

    async def grouped() -> list[ItemResult]:
        intake = pipeline(engine)
        try:
            return await asyncio.gather(
                *(
                    intake.declare(
                        Submission(
                            Candidate.of(parsed(declarations.valid()), new_id()), f"admin:key-{n}"
                        )
                    )
                    for n in range(3)
                )
            )
        finally:
            await intake.close()

    group = asyncio.run(grouped())
    derived.derive_pending(engine)
    records = [r for r in trail(engine) if r.kind.startswith("declaration.")]
    # A refusal is in the trail at once; an acceptance when the worker derives it.
    assert sorted((r.kind, r.actor) for r in records[:3]) == [
        ("declaration.accepted", "enterprise:3301960001"),
        ("declaration.accepted", "enterprise:3301960001"),
        ("declaration.refused", "enterprise:3301960001"),
    ]
    by_declaration = {r.subject_id: r.actor for r in records[3:]}
    assert {
        result.declaration.id: f"admin:key-{n}"
        for n, result in enumerate(group)
        if result.declaration is not None
    } == by_declaration
    assert len(by_declaration) == 3
    assert audit.verify(engine).ok


def _one_byte_changed(column: str, value: str) -> str:
    if column == "seq":  # to a free seq (beyond the head, or 0), not onto another row
        return "9" + value[1:] if len(value) > 1 else "0"
    # The last digit if there is one (a time stays a time), else the middle character.
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    i = digits[-1] if digits else len(value) // 2
    c = value[i]
    new = str((int(c) + 1) % 10) if c.isdigit() else ("x" if c != "x" else "y")
    return value[:i] + new + value[i + 1 :]


COLUMNS = [
    "seq",
    "occurred_at",
    "kind",
    "subject_type",
    "subject_id",
    "actor",
    "data",
    "prev_hash",
    "hash",
]


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("target", [1, 10, 24])
def test_changing_one_byte_of_any_column_names_the_row(
    sqlite_engine: Engine, declarations: Declarations, column: str, target: int
) -> None:
    file_parties(sqlite_engine, declarations)
    assert len(trail(sqlite_engine)) == 24
    with sqlite_engine.begin() as connection:
        value = connection.execute(
            text(f"SELECT CAST({column} AS TEXT) FROM audit_log WHERE seq = :seq"),
            {"seq": target},
        ).scalar_one()
        changed = _one_byte_changed(column, value)
        connection.execute(
            text(f"UPDATE audit_log SET {column} = :value WHERE seq = :seq"),
            {"value": int(changed) if column == "seq" else changed, "seq": target},
        )
    found = audit.verify(sqlite_engine, chunk=4)
    assert (found.ok, found.broken_seq, found.checked) == (False, target, target - 1)
    expected = {"seq": "gap in seq", "prev_hash": "prev_hash mismatch"}
    assert found.problem == expected.get(column, "hash mismatch")


def test_a_removed_row_or_an_unreadable_one_is_named(
    sqlite_engine: Engine, declarations: Declarations
) -> None:
    file_parties(sqlite_engine, declarations)
    with sqlite_engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET occurred_at = 'tuesday' WHERE seq = 7"))
    assert audit.verify(sqlite_engine, chunk=5) == audit.Verification(
        ok=False, checked=6, broken_seq=7, problem="unreadable row"
    )
    with sqlite_engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    assert audit.verify(sqlite_engine) == audit.Verification(
        ok=False, checked=2, broken_seq=3, problem="gap in seq"
    )


def test_appending_outside_a_write_session_is_refused_on_sqlite(sqlite_engine: Engine) -> None:
    entry = audit.Entry("filing.graded", "enterprise", "X", "system", {}, datetime.now(UTC))
    with read_session(sqlite_engine) as session, pytest.raises(RuntimeError, match="write"):
        audit.append(session, [entry])


@pytest.mark.postgres
def test_postgres_refuses_to_change_or_remove_a_row(
    postgres_url: str, declarations: Declarations
) -> None:
    engine = make_engine(postgres_url)
    try:
        file_parties(engine, declarations, register=False)
        for statement in (
            "UPDATE audit_log SET actor = 'someone else' WHERE seq = 1",
            "DELETE FROM audit_log WHERE seq = 4",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        assert audit.verify(engine) == audit.Verification(ok=True, checked=4)
    finally:
        engine.dispose()


def _entries(writer: int, n: int) -> list[audit.Entry]:
    return [
        audit.Entry(
            kind="filing.graded",
            subject_type="enterprise",
            subject_id=f"W{writer:02d}",
            actor=f"admin:writer-{writer}",
            data={"n": n, "part": part},
            occurred_at=datetime.now(UTC),
        )
        for part in range(1 + n % 3)
    ]


def test_concurrent_appends_are_gapless_and_a_follower_misses_nothing(engine: Engine) -> None:
    writers, rounds = 6, 25
    errors: list[BaseException] = []
    done = threading.Event()
    followed: list[int] = []

    def write(writer: int) -> None:
        try:
            for n in range(rounds):
                with write_session(engine) as session:
                    audit.append(session, _entries(writer, n))
                    session.commit()
        except BaseException as error:
            errors.append(error)

    def follow() -> None:
        # A reader of the feed resumes after the last seq it saw: should a smaller seq
        # ever commit after a larger one, it would be skipped for good.
        after = 0
        while True:
            finished = done.is_set()
            records, after = audit.feed(engine, after, 50)
            followed.extend(r.seq for r in records)
            if finished and not records:
                return

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    follower = threading.Thread(target=follow)
    follower.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    follower.join()

    assert errors == []
    total = writers * sum(1 + n % 3 for n in range(rounds))
    assert audit.verify(engine, chunk=37) == audit.Verification(ok=True, checked=total)
    assert followed == list(range(1, total + 1))


def test_the_feed_gives_each_row_once_in_order_and_resumes(
    engine: Engine, declarations: Declarations
) -> None:
    file_parties(engine, declarations)
    everything = trail(engine)
    pages, after = [], 0
    while True:
        page, after = audit.feed(engine, after, 7)
        if not page:
            break
        pages.append(page)
    assert [len(p) for p in pages] == [7, 7, 7, 3]
    assert [r for page in pages for r in page] == everything
    assert after == everything[-1].seq
    assert audit.feed(engine, after, 7) == ([], after)

    enterprises.grade(engine, "3301960002", CreditGrade.DISCREDITED, "late duties", actor=ADMIN)
    news, after = audit.feed(engine, after, 7)
    assert [(r.seq, r.kind, r.prev_hash) for r in news] == [
        (25, "filing.graded", everything[-1].hash)
    ]
    assert after == 25
    with pytest.raises(ValueError, match="limit"):
        audit.feed(engine, 0, 0)
