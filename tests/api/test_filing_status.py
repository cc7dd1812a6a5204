"""Regulators grade, suspend, reinstate and revoke filings: each change recorded in the
trail and announced to every agency; a filing that is not active cannot declare."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.domain.clearance import Agency
from app.errors import DeclarationRefused, EnterpriseNotFound, FilingStatusConflict
from app.schemas.enterprise import CreditGrade, FilingStatus
from app.store import audit, enterprises
from app.store.db import make_engine, read_session
from app.store.models import OutboxMessage
from tests.support.audit import declare, file_parties, trail
from tests.support.factories import Declarations, register_everywhere

PLATFORM = "3301960001"
REGULATOR = "regulator:customs:key-9"

ALLOWED = {
    (FilingStatus.ACTIVE, FilingStatus.SUSPENDED): "filing.suspended",
    (FilingStatus.SUSPENDED, FilingStatus.ACTIVE): "filing.reinstated",
    (FilingStatus.PENDING, FilingStatus.REVOKED): "filing.revoked",
    (FilingStatus.ACTIVE, FilingStatus.REVOKED): "filing.revoked",
    (FilingStatus.SUSPENDED, FilingStatus.REVOKED): "filing.revoked",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def bring_to(engine: Engine, status: FilingStatus) -> None:
    if status == FilingStatus.PENDING:
        return
    register_everywhere(engine, [PLATFORM])
    if status != FilingStatus.ACTIVE:
        enterprises.change_status(engine, PLATFORM, status, "set up", actor=REGULATOR)


def announcements(engine: Engine, seq: int) -> set[str]:
    with read_session(engine) as session:
        return set(
            session.scalars(
                select(OutboxMessage.destination).where(
                    col(OutboxMessage.idempotency_key).endswith(f":audit-{seq}")
                )
            )
        )


@pytest.mark.parametrize("start", list(FilingStatus))
@pytest.mark.parametrize("target", list(FilingStatus))
def test_status_changes_follow_the_rules(
    engine: Engine, declarations: Declarations, start: FilingStatus, target: FilingStatus
) -> None:
    file_parties(engine, declarations, register=False)
    bring_to(engine, start)
    before = trail(engine)
    kind = ALLOWED.get((start, target))

    if kind is None:
        with pytest.raises(FilingStatusConflict) as refused:
            enterprises.change_status(engine, PLATFORM, target, "why not", actor=REGULATOR)
        problem = refused.value.problem()
        assert (problem["status"], problem["code"]) == (409, "filing_status_conflict")
        assert problem["detailZh"]
        assert enterprises.get_enterprise(engine, PLATFORM).status == start
        assert trail(engine) == before
        return

    changed = enterprises.change_status(engine, PLATFORM, target, "customs finding 7", REGULATOR)
    assert (changed.status, changed.status_reason) == (target, "customs finding 7")
    stored = enterprises.get_enterprise(engine, PLATFORM)
    assert (stored.status, stored.status_reason) == (target, "customs finding 7")
    (row,) = trail(engine)[len(before) :]
    assert (row.kind, row.subject_type, row.subject_id, row.actor) == (
        kind,
        "enterprise",
        PLATFORM,
        REGULATOR,
    )
    assert row.data == {
        "from": start,
        "to": target,
        "reason": "customs finding 7",
        "stateSha256": audit.state_sha256(audit.filing_state(stored)),
    }
    assert announcements(engine, row.seq) == {a.value for a in Agency}
    assert audit.verify(engine).ok


def test_grading_is_recorded_and_announced(engine: Engine, declarations: Declarations) -> None:
    file_parties(engine, declarations)
    graded = enterprises.grade(engine, PLATFORM, CreditGrade.DISCREDITED, "false invoices", "a:1")
    assert graded.credit_grade == CreditGrade.DISCREDITED
    enterprises.grade(engine, PLATFORM.lower(), CreditGrade.GENERAL, "appeal upheld", "a:2")
    first, second = trail(engine)[-2:]
    assert (first.kind, first.data, first.actor) == (
        "filing.graded",
        {
            "from": "general",
            "to": "discredited",
            "reason": "false invoices",
            "stateSha256": audit.state_sha256(audit.filing_state(graded)),
        },
        "a:1",
    )
    assert second.data == {
        "from": "discredited",
        "to": "general",
        "reason": "appeal upheld",
        "stateSha256": second.data["stateSha256"],
    }
    assert (
        announcements(engine, first.seq)
        == announcements(engine, second.seq)
        == {a.value for a in Agency}
    )
    assert enterprises.get_enterprise(engine, PLATFORM).credit_grade == CreditGrade.GENERAL


def test_an_unknown_filing_is_not_found(engine: Engine) -> None:
    with pytest.raises(EnterpriseNotFound):
        enterprises.grade(engine, "0000000000", CreditGrade.GENERAL, "x", REGULATOR)
    with pytest.raises(EnterpriseNotFound):
        enterprises.change_status(engine, "0000000000", FilingStatus.REVOKED, "x", REGULATOR)
    assert trail(engine) == []


def test_a_suspended_enterprise_cannot_declare_until_reinstated(
    engine: Engine, declarations: Declarations
) -> None:
    file_parties(engine, declarations)
    enterprises.change_status(engine, PLATFORM, FilingStatus.SUSPENDED, "audit", REGULATOR)
    with pytest.raises(DeclarationRefused) as refused:
        declare(engine, declarations.valid())
    inactive = [v for v in refused.value.violations if v.code == "enterprise_inactive"]
    assert [v.pointer for v in inactive] == ["/order/ebpCode"]
    assert len(refused.value.violations) == len(inactive)
    assert trail(engine)[-1].data["codes"] == ["enterprise_inactive"]

    enterprises.change_status(engine, PLATFORM, FilingStatus.ACTIVE, "audit closed", REGULATOR)
    accepted = declare(engine, declarations.valid())
    assert trail(engine)[-1].subject_id == accepted.id

    enterprises.change_status(engine, PLATFORM, FilingStatus.REVOKED, "licence withdrawn", "r")
    with pytest.raises(DeclarationRefused) as again:
        declare(engine, declarations.valid())
    assert {v.code for v in again.value.violations} == {"enterprise_inactive"}
    assert audit.verify(engine).ok
