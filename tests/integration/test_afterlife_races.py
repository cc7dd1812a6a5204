"""Races in a declaration's life, on SQLite and PostgreSQL: a cancellation crossing a
clearance receipt, returns at once, a return and an amendment at once. Each ends one
way, and the buyer's quota agrees with it."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlmodel import col

from app import demo
from app.domain.afterlife import ReturnLine
from app.errors import DeclarationStateConflict, DomainError, ReturnRefused
from app.store import afterlife, receipts
from app.store.db import read_session
from app.store.models import BuyerQuota, Declaration, DeclarationAction
from tests.support.audit import clear, declare, file_parties, parsed, receipt
from tests.support.factories import Declarations

WINDOW = timedelta(days=30)
SHOES = demo.PRODUCTS[4]  # 899.00


@pytest.fixture
def engine(database_url: str) -> Any:
    made = create_engine(database_url)
    yield made
    made.dispose()


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each one's result or error."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[index] = call()
        except Exception as error:  # the outcome under test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def quota(engine: Any, buyer: str) -> Decimal:
    with read_session(engine) as session:
        used = session.scalar(
            select(col(BuyerQuota.used)).where(col(BuyerQuota.buyer_id_number) == buyer)
        )
    return Decimal(used or 0) / 100_000


def stored(engine: Any, declaration_id: str) -> tuple[Declaration, list[DeclarationAction]]:
    with read_session(engine) as session:
        found = session.get(Declaration, declaration_id)
        assert found is not None
    return found, afterlife.actions_of(engine, declaration_id)


def cancel(engine: Any, declaration_id: str) -> afterlife.Requested:
    return afterlife.cancel(
        engine,
        declaration_id,
        "voided",
        actor="admin:key-1",
        party=None,
        now=datetime.now(UTC),
        window=WINDOW,
    )


def give_back(engine: Any, declaration_id: str, gnum: int, qty: str) -> afterlife.Requested:
    return afterlife.request_return(
        engine,
        declaration_id,
        logistics_no=f"RT{gnum}{qty}",
        lines=[ReturnLine(gnum, Decimal(qty))],
        reason="returned",
        actor="admin:key-1",
        party=None,
        now=datetime.now(UTC),
        window=WINDOW,
    )


@pytest.mark.parametrize("attempt", range(3))
def test_a_cancellation_crossing_the_customs_release_ends_one_way(
    engine: Any, declarations: Declarations, attempt: int
) -> None:
    file_parties(engine, declarations)
    buyer = declarations.buyer()
    declared = declare(engine, declarations.valid(buyer=buyer, lines=[(SHOES, 1)]))
    released = receipt(declared.id, "customs", "released", 2)

    cancelled, applied = at_once(
        lambda: cancel(engine, declared.id),
        lambda: receipts.apply_receipts(engine, [released]),
    )
    assert not isinstance(cancelled, Exception), cancelled
    assert not isinstance(applied, Exception), applied
    d, actions = stored(engine, declared.id)
    (action,) = actions
    if d.status == "cancelled":
        # The cancellation came first: withdrawn; the release changed nothing.
        assert action.status == "completed"
        assert applied.ignored == 1
        assert quota(engine, buyer.id_number) == 0
        assert d.released_at is None
    else:
        # The release came first: customs is asked to agree; the quota still counts.
        assert applied.applied == 1
        assert action.status == "awaiting_customs"
        assert d.released_at is not None
        assert quota(engine, buyer.id_number) == Decimal("909.00")


def test_two_returns_at_once_never_send_back_more_than_was_bought(
    engine: Any, declarations: Declarations
) -> None:
    file_parties(engine, declarations)
    declared = declare(engine, declarations.valid(lines=[(SHOES, 3)]))
    clear(engine, declared.id)

    outcomes = at_once(*(lambda: give_back(engine, declared.id, 1, "2") for _ in range(2)))
    taken = [o for o in outcomes if isinstance(o, afterlife.Requested)]
    refused = [o for o in outcomes if isinstance(o, ReturnRefused)]
    assert (len(taken), len(refused)) == (1, 1), outcomes
    assert refused[0].violations[0].code == "return_exceeds_bought"
    # What is left can still go back, and no more.
    assert isinstance(give_back(engine, declared.id, 1, "1"), afterlife.Requested)
    with pytest.raises(ReturnRefused):
        give_back(engine, declared.id, 1, "1")
    _, actions = stored(engine, declared.id)
    assert sum(Decimal(a.lines[0]["qty"]) for a in actions) == 3


def test_a_return_and_an_amendment_at_once(engine: Any, declarations: Declarations) -> None:
    file_parties(engine, declarations)
    body = declarations.valid(lines=[(SHOES, 2)])
    declared = declare(engine, body)
    # Customs released the goods; the others have still to answer.
    receipts.apply_receipts(engine, [receipt(declared.id, "customs", "released", 2)])
    clear(engine, declared.id)

    def amend() -> Any:
        return afterlife.amend(
            engine,
            declared.id,
            parsed(body),
            if_match=1,
            actor="admin:key-1",
            party=None,
            key_ttl=timedelta(hours=24),
            now=datetime.now(UTC),
        )

    amended, returned = at_once(amend, lambda: give_back(engine, declared.id, 1, "1"))
    # Released goods are not amended; they may be returned.
    assert isinstance(amended, DeclarationStateConflict)
    assert amended.code in ("declaration_not_amendable", "action_in_progress")
    assert isinstance(returned, afterlife.Requested)
    d, actions = stored(engine, declared.id)
    assert d.version == 1
    assert [a.kind for a in actions] == ["return"]


def test_cancellations_at_once_make_one(engine: Any, declarations: Declarations) -> None:
    file_parties(engine, declarations)
    buyer = declarations.buyer()
    declared = declare(engine, declarations.valid(buyer=buyer, lines=[(SHOES, 1)]))
    outcomes = at_once(*(lambda: cancel(engine, declared.id) for _ in range(4)))
    done = [o for o in outcomes if isinstance(o, afterlife.Requested)]
    conflicts = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(done) == 1, outcomes
    assert len(conflicts) == 3, outcomes
    assert {c.code for c in conflicts} == {"declaration_not_cancellable"}
    # Given back once.
    assert quota(engine, buyer.id_number) == 0
