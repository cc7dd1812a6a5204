"""The simulated agencies' side of amendments, withdrawals, cancellations and returns,
driven in-process on a clock the test moves: versions that supersede the receipts still
to be sent, customs' annual total after each action, the answers to actions (kept and
given back unchanged), the checks on returned lines, tax refunds that add up to the fen,
customs' refusal scenario, and an agency file written before versions existed."""

import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import demo
from app.agencies.signing import verify
from app.agencies.wire import (
    ActionAnswer,
    ActionBatch,
    ActionBatchResult,
    ActionStatus,
    AgencyName,
    DeclarationBatch,
    ItemResult,
    Receipt,
    ReceiptStatus,
    TaxAssessment,
)
from mock_agencies.config import settings_for
from mock_agencies.documents import DeclarationDocuments, read_documents
from mock_agencies.faults import FaultPanel, Faults
from mock_agencies.intake import AgencyRules, DeclarationIntake
from mock_agencies.rules import actions
from mock_agencies.rules.customs import load_positive_list
from mock_agencies.rules.limits import CHINA_TIME
from mock_agencies.rules.tax import (
    FEN,
    assess_documents,
    assess_portion,
    load_rate_table,
    refund_for_return,
)
from mock_agencies.service import create_app
from mock_agencies.store import AgencyStore
from tests.support.agencies import Body, documents, fast_settings, message, plain_ids
from tests.support.service import free_port

P = demo.PRODUCTS
CREAM, SOAP, TEE, SHOES, HANDBAG = P[0], P[8], P[9], P[4], P[7]
START = datetime(2026, 6, 1, 10, tzinfo=CHINA_TIME).timestamp()
YEAR = 2026
DELAY_SECONDS = 1.0


def priced(product: demo.Product, price: str) -> demo.Product:
    return demo.Product(
        product.name, product.model, product.gcode, product.unit, Decimal(price), product.country
    )


# Three lines of 3 at 33.33 (a cosmetic, soap and a T-shirt) and 7.77 freight: returned a
# unit of each line at a time, each return's own rounded tax would add up to 2 fen short.
AWKWARD = [(priced(CREAM, "33.33"), 3), (priced(SOAP, "33.33"), 3), (priced(TEE, "33.33"), 3)]
AWKWARD_FREIGHT = Decimal("7.77")


class Agency:
    """One agency's intake over its own file, on a clock the test moves."""

    def __init__(self, data_dir: Path, name: AgencyName, **faults: Any) -> None:
        self.now = START
        self.path = data_dir / f"{name}.db"
        self.store = AgencyStore(self.path)
        self.panel = FaultPanel(Faults(decisionDelayMs=int(DELAY_SECONDS * 1000), **faults), 0)
        rules = AgencyRules(
            agency=name,
            positive_list=load_positive_list(),
            rate_table=load_rate_table(),
            quarantine_sampling_rate=0,
        )
        self.intake = DeclarationIntake(self.store, rules, self.panel, clock=lambda: self.now)

    def declare(self, *messages: Body) -> list[ItemResult]:
        batch = DeclarationBatch.model_validate({"declarations": list(messages)})
        return self.intake.take(batch, None).results

    def act(self, *asked: Body, key: str | None = None) -> bytes:
        return self.intake.act(ActionBatch.model_validate({"actions": list(asked)}), key)

    def answer(self, *asked: Body) -> list[ActionAnswer]:
        return ActionBatchResult.model_validate_json(self.act(*asked)).answers

    def deliver_due(self) -> None:
        """What the callback sender would do now, every callback accepted."""
        self.store.mark_sent([r.id for r in self.store.due_receipts(self.now, 1000)])

    def receipts(self, declaration_id: str) -> list[tuple[int, int, ReceiptStatus, str]]:
        """(sequence, version, status, state) of each receipt stored for the declaration."""
        with sqlite3.connect(self.path) as db:
            rows = db.execute(
                "SELECT body, state FROM receipts WHERE declaration_id = ? ORDER BY sequence",
                (declaration_id,),
            ).fetchall()
        return [
            (receipt.sequence, receipt.version, receipt.status, state)
            for receipt, state in (
                (Receipt.model_validate_json(body), state) for body, state in rows
            )
        ]

    def latest(self, declaration_id: str) -> Receipt | None:
        body = self.store.latest_receipt(declaration_id, self.now)
        return None if body is None else Receipt.model_validate_json(body)

    def used(self, buyer: demo.Buyer) -> Decimal:
        with self.store.transaction() as tx:
            return tx.used_this_year(buyer.id_number, YEAR)

    def known(self, *declaration_ids: str) -> dict[str, int]:
        with self.store.transaction() as tx:
            return tx.known(declaration_ids)


OpenAgency = Callable[..., Agency]


@pytest.fixture
def open_agency(tmp_path: Path) -> Iterator[OpenAgency]:
    opened: list[Agency] = []

    def open_one(name: AgencyName = AgencyName.CUSTOMS, **faults: Any) -> Agency:
        agency = Agency(tmp_path, name, **faults)
        opened.append(agency)
        return agency

    yield open_one
    for agency in opened:
        agency.store.close()


def buyer(seed: int) -> demo.Buyer:
    return demo.make_buyer(random.Random(seed))


def declared(
    declaration_id: str, body: Body, version: int = 1, credit_grade: str = "general"
) -> Body:
    return message(declaration_id, body, credit_grade) | {"version": version}


def action(
    kind: str,
    declaration_id: str,
    body: Body,
    action_id: str | None = None,
    lines: list[tuple[int, int]] | None = None,
    before: list[tuple[int, int]] | None = None,
) -> Body:
    def returned(given: list[tuple[int, int]] | None) -> list[Body]:
        return [{"gnum": gnum, "qty": str(qty)} for gnum, qty in given or []]

    return {
        "actionId": action_id or f"{kind}-{declaration_id}",
        "kind": kind,
        "declarationId": declaration_id,
        "version": 1,
        "reason": "the buyer changed their mind",
        "logisticsNo": "SF-RETURN-1" if kind == "return" else None,
        "lines": returned(lines),
        "returnedBefore": returned(before),
        "documents": body,
    }


def dutiable(body: Body) -> Decimal:
    return read_documents(body).dutiable_value


def awkward(seed: int = 1, who: demo.Buyer | None = None) -> Body:
    return documents(seed=seed, lines=AWKWARD, buyer=who, freight=AWKWARD_FREIGHT)


# --- versions ---------------------------------------------------------------------------


def test_a_newer_version_supersedes_the_receipts_still_to_be_sent(open_agency: OpenAgency) -> None:
    customs = open_agency(AgencyName.CUSTOMS)
    first_buyer, second_buyer = buyer(1), buyer(2)
    declaration_id = next(plain_ids())
    v1 = documents(seed=1, lines=[(SHOES, 1)], buyer=first_buyer)
    v2 = documents(seed=2, lines=[(SHOES, 2)], buyer=second_buyer)
    customs.declare(declared(declaration_id, v1))
    customs.deliver_due()  # the acknowledgement has gone out
    customs.now += DELAY_SECONDS / 2  # the decision is not due yet

    assert customs.declare(declared(declaration_id, v2, version=2)) == [
        ItemResult(declarationId=declaration_id, accepted=True)
    ]

    assert customs.known(declaration_id, "NOPE") == {declaration_id: 2}
    assert customs.receipts(declaration_id) == [
        (1, 1, ReceiptStatus.ACKNOWLEDGED, "delivered"),
        (2, 1, ReceiptStatus.RELEASED, "superseded"),
        (3, 2, ReceiptStatus.ACKNOWLEDGED, "pending"),
        (4, 2, ReceiptStatus.RELEASED, "pending"),
    ]
    latest = customs.latest(declaration_id)
    assert latest is not None
    assert (latest.sequence, latest.version, latest.status) == (3, 2, ReceiptStatus.ACKNOWLEDGED)
    customs.now += DELAY_SECONDS * 2  # the first version's decision would be due, too
    latest = customs.latest(declaration_id)
    assert latest is not None
    assert (latest.sequence, latest.version, latest.status) == (4, 2, ReceiptStatus.RELEASED)
    # The record is the new version's: its buyer and value count, the old buyer's do not.
    assert customs.used(first_buyer) == 0
    assert customs.used(second_buyer) == dutiable(v2)


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_or_the_same_version_is_only_acknowledged(
    open_agency: OpenAgency, version: int
) -> None:
    customs = open_agency(AgencyName.CUSTOMS)
    who, other = buyer(1), buyer(2)
    declaration_id = next(plain_ids())
    body = documents(seed=1, lines=[(SHOES, 1)], buyer=who)
    customs.declare(declared(declaration_id, body), declared(declaration_id, body, version=2))
    before = customs.receipts(declaration_id)
    # Both versions in one batch: the first one's receipts are superseded before any left.
    assert [(sequence, v, state) for sequence, v, _, state in before] == [
        (1, 1, "superseded"),
        (2, 1, "superseded"),
        (3, 2, "pending"),
        (4, 2, "pending"),
    ]

    changed = documents(seed=5, lines=[(SHOES, 3)], buyer=other)
    results = customs.declare(declared(declaration_id, changed, version=version))
    assert results == [ItemResult(declarationId=declaration_id, accepted=True)]
    assert customs.receipts(declaration_id) == before
    assert customs.known(declaration_id) == {declaration_id: 2}
    assert (customs.used(who), customs.used(other)) == (dutiable(body), Decimal(0))


def test_a_newer_version_is_not_counted_against_its_own_older_one(open_agency: OpenAgency) -> None:
    """Six declarations of 4,189.00 make 25,134.00 of the buyer's 26,000 a year: the last
    one amended to the same value still fits, its first version no longer counting."""
    customs = open_agency(AgencyName.CUSTOMS)
    who = buyer(9)
    ids = list(islice(plain_ids(), 6))
    basket = [(HANDBAG, 1), (SHOES, 1)]
    customs.declare(
        *(declared(i, documents(seed=n, lines=basket, buyer=who)) for n, i in enumerate(ids))
    )
    customs.declare(declared(ids[-1], documents(seed=99, lines=basket, buyer=who), version=2))
    customs.now += DELAY_SECONDS * 2
    final = customs.latest(ids[-1])
    assert final is not None
    assert (final.version, final.status) == (2, ReceiptStatus.RELEASED)
    assert customs.used(who) == Decimal("25134.00")


def test_an_agency_file_from_before_versions_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "customs.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE declarations (declaration_id TEXT PRIMARY KEY, message_id TEXT NOT "
            "NULL, buyer_id TEXT NOT NULL, china_year INTEGER NOT NULL, dutiable_value TEXT "
            "NOT NULL, final_status TEXT NOT NULL, received_at REAL NOT NULL) WITHOUT ROWID"
        )
        db.execute(
            "INSERT INTO declarations VALUES ('OLD-1', 'm', 'B1', ?, '100.00', 'released', 0)",
            (YEAR,),
        )
    store = AgencyStore(path)
    try:
        with store.transaction() as tx:
            assert tx.known(["OLD-1"]) == {"OLD-1": 1}
            assert tx.used_this_year("B1", YEAR) == Decimal("100.00")
    finally:
        store.close()
    AgencyStore(path).close()  # opened again: nothing left to add


# --- withdrawals and cancellations ------------------------------------------------------


def test_a_withdrawal_drops_the_receipts_still_to_be_sent(open_agency: OpenAgency) -> None:
    customs = open_agency(AgencyName.CUSTOMS)
    who = buyer(3)
    declaration_id = next(plain_ids())
    body = documents(seed=3, lines=[(SHOES, 1)], buyer=who)
    customs.declare(declared(declaration_id, body))
    customs.deliver_due()
    assert customs.used(who) == dutiable(body)

    (answer,) = customs.answer(action("withdrawal", declaration_id, body))
    assert (answer.status, answer.agency, answer.reasons, answer.refund) == (
        ActionStatus.WITHDRAWN,
        AgencyName.CUSTOMS,
        [],
        None,
    )
    assert answer.decidedAt.timestamp() == customs.now
    assert [state for *_, state in customs.receipts(declaration_id)] == ["delivered", "withdrawn"]
    customs.now += DELAY_SECONDS * 2
    assert customs.store.due_receipts(customs.now, 100) == []
    latest = customs.latest(declaration_id)
    assert latest is not None
    assert latest.status is ReceiptStatus.ACKNOWLEDGED  # never the dropped decision
    assert customs.used(who) == 0


@pytest.mark.parametrize("agency", list(AgencyName))
def test_a_declaration_never_seen_is_withdrawn_all_the_same(
    open_agency: OpenAgency, agency: AgencyName
) -> None:
    (answer,) = open_agency(agency).answer(action("withdrawal", "NEVER-1", {"broken": True}))
    assert answer.status is ActionStatus.WITHDRAWN


def test_a_delivery_that_arrives_after_its_withdrawal_decides_nothing(
    open_agency: OpenAgency,
) -> None:
    customs = open_agency(AgencyName.CUSTOMS)
    who = buyer(5)
    declaration_id = next(plain_ids())
    body = documents(seed=5, lines=[(SHOES, 1)], buyer=who)
    customs.answer(action("withdrawal", declaration_id, body))
    # Sent before it was withdrawn, delayed on the way.
    (taken,) = customs.declare(declared(declaration_id, body))
    assert taken.accepted
    assert customs.receipts(declaration_id) == []
    assert customs.used(who) == 0


def test_each_agency_answers_a_cancellation_after_release(open_agency: OpenAgency) -> None:
    who = buyer(4)
    declaration_id = next(plain_ids())
    body = documents(seed=4, lines=[(CREAM, 2), (SHOES, 1)], buyer=who)
    answers: dict[AgencyName, ActionAnswer] = {}
    for name in AgencyName:
        agency = open_agency(name)
        agency.declare(declared(declaration_id, body))
        (answers[name],) = agency.answer(action("cancellation", declaration_id, body))
        if name is AgencyName.CUSTOMS:
            assert agency.used(who) == 0
    assert {name: answer.status for name, answer in answers.items()} == {
        AgencyName.CUSTOMS: ActionStatus.APPROVED,
        AgencyName.INSPECTION: ActionStatus.WITHDRAWN,
        AgencyName.TAX: ActionStatus.REFUNDED,
        AgencyName.FOREX: ActionStatus.REVERSED,
    }
    refund = answers[AgencyName.TAX].refund
    assert refund == assess_documents(read_documents(body))
    assert refund is not None
    assert refund.total > 0
    assert all(answer.agency is name for name, answer in answers.items())


def test_customs_refuses_actions_about_declarations_it_does_not_know(
    open_agency: OpenAgency,
) -> None:
    body = awkward()
    cancel, give_back = action("cancellation", "NOPE-1", body), action("return", "NOPE-2", body)
    give_back["lines"] = [{"gnum": 1, "qty": "1"}]
    for answer in open_agency(AgencyName.CUSTOMS).answer(cancel, give_back):
        assert answer.status is ActionStatus.REFUSED
        assert [reason.code for reason in answer.reasons] == ["declaration_unknown"]
    # Tax and forex work from the documents the action carries.
    tax_cancel, tax_return = open_agency(AgencyName.TAX).answer(cancel, give_back)
    assert (tax_cancel.status, tax_cancel.refund) == (
        ActionStatus.REFUNDED,
        assess_documents(read_documents(body)),
    )
    assert tax_return.status is ActionStatus.REFUNDED
    forex = open_agency(AgencyName.FOREX).answer(cancel, give_back)
    assert [answer.status for answer in forex] == [ActionStatus.REVERSED] * 2


# --- returns ----------------------------------------------------------------------------


def test_returns_give_the_returned_value_back_to_the_buyers_total(open_agency: OpenAgency) -> None:
    customs = open_agency(AgencyName.CUSTOMS)
    who = buyer(5)
    declaration_id = next(plain_ids())
    body = awkward(5, who)
    customs.declare(declared(declaration_id, body))
    whole = dutiable(body)
    assert whole == Decimal("307.74")  # 3 × 99.99 + 7.77

    def give_back(
        action_id: str, lines: list[tuple[int, int]], before: list[tuple[int, int]]
    ) -> None:
        (answer,) = customs.answer(
            action("return", declaration_id, body, action_id, lines=lines, before=before)
        )
        assert (answer.status, answer.reasons) == (ActionStatus.APPROVED, [])

    give_back("R1", [(1, 1)], [])
    assert customs.used(who) == whole - Decimal("33.33")  # a third of line 1's 99.99
    give_back("R2", [(2, 3), (1, 1)], [(1, 1)])
    assert customs.used(who) == whole - Decimal("66.66") - Decimal("99.99")
    # Everything back: the whole dutiable value, freight included, is given back.
    give_back("R3", [(1, 1), (3, 3)], [(1, 2), (2, 3)])
    assert customs.used(who) == 0


@pytest.mark.parametrize("agency", [AgencyName.CUSTOMS, AgencyName.TAX, AgencyName.FOREX])
def test_a_return_of_lines_not_declared_is_refused_naming_the_line(
    open_agency: OpenAgency, agency: AgencyName
) -> None:
    desk = open_agency(agency)
    who = buyer(6)
    declaration_id = next(plain_ids())
    body = awkward(6, who)
    desk.declare(declared(declaration_id, body))
    unknown, too_many = desk.answer(
        action("return", declaration_id, body, "R-unknown", lines=[(4, 1)]),
        action("return", declaration_id, body, "R-many", lines=[(2, 1), (1, 2)], before=[(1, 2)]),
    )
    assert unknown.status is too_many.status is ActionStatus.REFUSED
    assert [(r.code, r.message[:7]) for r in unknown.reasons] == [
        ("return_line_unknown", "line 4:")
    ]
    assert [(r.code, r.message[:7]) for r in too_many.reasons] == [
        ("return_exceeds_quantity", "line 1:")
    ]
    assert unknown.refund is too_many.refund is None
    if agency is AgencyName.CUSTOMS:
        assert desk.used(who) == dutiable(body)


def test_the_refunds_of_partial_returns_add_up_to_the_whole_tax_to_the_fen() -> None:
    documents_ = read_documents(awkward())
    whole = assess_documents(documents_)
    unit_of_each = {1: Decimal(1), 2: Decimal(1), 3: Decimal(1)}
    # Each return's own tax, rounded on its own, would come 2 fen short in all.
    naive = sum((assess_portion(documents_, unit_of_each).total for _ in range(3)), Decimal(0))
    assert whole.total - naive == Decimal("0.02")

    refunds = returned_step_by_step(documents_, [unit_of_each] * 3)
    assert [refund.total for refund in refunds] == [
        Decimal("14.10"),
        Decimal("14.12"),
        Decimal("14.10"),
    ]
    assert added_up(refunds) == whole


@pytest.mark.parametrize(
    "steps",
    [
        [{1: 1}, {2: 3}, {1: 2, 3: 1}, {3: 2}],
        [{3: 1}, {3: 1}, {3: 1}, {1: 3, 2: 3}],
        [{1: 3, 2: 3, 3: 3}],
    ],
)
def test_returns_in_any_order_refund_exactly_the_declarations_tax(
    steps: list[dict[int, int]],
) -> None:
    documents_ = read_documents(awkward())
    quantities = [{gnum: Decimal(qty) for gnum, qty in step.items()} for step in steps]
    assert added_up(returned_step_by_step(documents_, quantities)) == assess_documents(documents_)


def test_a_return_from_a_declaration_taxed_in_full_is_refunded_in_full() -> None:
    """Above the single-transaction limit, a part returned is taxed as the whole was: in
    full, tariff included, even though the part alone is within the limit."""
    watch = demo.Product("机械手表", "自动上链", "9102110000", "007", Decimal("1733.33"), "502")
    body = documents(
        seed=8, lines=[(watch, 3), (priced(CREAM, "33.33"), 3)], freight=Decimal("7.77")
    )
    documents_ = read_documents(body)
    assert documents_.dutiable_value > 5000
    whole = assess_documents(documents_)
    first, *rest = returned_step_by_step(
        documents_, [{1: Decimal(1)}, {1: Decimal(2), 2: Decimal(1)}, {2: Decimal(2)}]
    )
    assert first.customsTax > 0
    assert added_up([first, *rest]) == whole


def returned_step_by_step(
    documents_: DeclarationDocuments, steps: list[dict[int, Decimal]]
) -> list[TaxAssessment]:
    refunds, before = [], dict[int, Decimal]()
    for step in steps:
        refunds.append(refund_for_return(documents_, before, step))
        before = {g: before.get(g, Decimal(0)) + step.get(g, Decimal(0)) for g in {*before, *step}}
    return refunds


def added_up(refunds: list[TaxAssessment]) -> TaxAssessment:
    def total(component: str) -> Decimal:
        return sum((getattr(refund, component) for refund in refunds), Decimal(0))

    return TaxAssessment(
        customsTax=total("customsTax"),
        valueAddedTax=total("valueAddedTax"),
        consumptionTax=total("consumptionTax"),
        total=total("total"),
    )


def test_the_tax_agency_refunds_each_return_of_a_declaration(open_agency: OpenAgency) -> None:
    tax = open_agency(AgencyName.TAX)
    declaration_id = next(plain_ids())
    body = awkward(7)
    tax.declare(declared(declaration_id, body))
    answers = tax.answer(
        action("return", declaration_id, body, "R1", lines=[(1, 1), (2, 1), (3, 1)]),
        action(
            "return",
            declaration_id,
            body,
            "R2",
            lines=[(1, 2), (2, 2)],
            before=[(1, 1), (2, 1), (3, 1)],
        ),
        action(
            "return", declaration_id, body, "R3", lines=[(3, 2)], before=[(1, 3), (2, 3), (3, 1)]
        ),
    )
    assert [a.status for a in answers] == [ActionStatus.REFUNDED] * 3
    refunds = [a.refund for a in answers if a.refund is not None]
    assert added_up(refunds) == assess_documents(read_documents(body))
    assert all(r.total == (r.total).quantize(FEN) for r in refunds)


def test_returned_value_is_the_returned_share_of_each_lines_price() -> None:
    three_for_ten = priced(SOAP, "3.3334")  # the line's totalPrice: 10.00
    documents_ = read_documents(documents(seed=1, lines=[(three_for_ten, 3), (TEE, 1)]))
    assert actions.returned_value(documents_, {1: Decimal(1)}) == Decimal("3.33")
    assert actions.returned_value(documents_, {1: Decimal(2)}) == Decimal("6.67")
    assert actions.returned_value(documents_, {1: Decimal(3)}) == Decimal("10.00")
    everything = {1: Decimal(3), 2: Decimal(1)}
    assert actions.returned_value(documents_, everything) == documents_.dutiable_value


# --- answers kept, and the refusal scenario --------------------------------------------


def test_an_action_asked_again_gets_its_answer_back_with_no_second_effect(
    open_agency: OpenAgency,
) -> None:
    customs = open_agency(AgencyName.CUSTOMS)
    who = buyer(10)
    declaration_id = next(plain_ids())
    body = awkward(10, who)
    customs.declare(declared(declaration_id, body))
    first = customs.act(action("return", declaration_id, body, "R1", lines=[(1, 1)]))
    used = customs.used(who)
    assert used == dutiable(body) - Decimal("33.33")

    customs.now += 60
    # The same action again, in another batch, even told differently: the same answer.
    told_again = action("return", declaration_id, body, "R1", lines=[(1, 3), (2, 3)])
    again = customs.act(told_again, action("withdrawal", declaration_id, body, "W1"), told_again)
    answers = ActionBatchResult.model_validate_json(again).answers
    assert again.startswith(first.removesuffix(b"]}"))
    assert answers[0] == answers[2] == ActionBatchResult.model_validate_json(first).answers[0]
    assert answers[1].status is ActionStatus.WITHDRAWN
    assert customs.used(who) == 0  # withdrawn; the return gave back no more than before
    assert customs.act(told_again, key="k") == customs.act(told_again, key="k")


def test_under_the_refusal_scenario_customs_refuses_cancellations_and_returns(
    open_agency: OpenAgency,
) -> None:
    customs = open_agency(AgencyName.CUSTOMS, refuseAfterRelease=True)
    who = buyer(11)
    declaration_id = next(plain_ids())
    body = awkward(11, who)
    customs.declare(declared(declaration_id, body))
    cancelled, returned = customs.answer(
        action("cancellation", declaration_id, body),
        action("return", declaration_id, body, lines=[(1, 1)]),
    )
    for answer in (cancelled, returned):
        assert answer.status is ActionStatus.REFUSED
        assert [reason.code for reason in answer.reasons] == ["customs_refused"]
    assert customs.used(who) == dutiable(body)
    # Customs alone decides; the others follow what the single window tells them.
    (refunded,) = open_agency(AgencyName.TAX, refuseAfterRelease=True).answer(
        action("cancellation", declaration_id, body)
    )
    assert refunded.status is ActionStatus.REFUNDED
    # Turned off, a new action is agreed to; the one refused keeps its answer.
    customs.panel.current = customs.panel.current.model_copy(update={"refuseAfterRelease": False})
    again, fresh = customs.answer(
        action("cancellation", declaration_id, body),
        action("cancellation", declaration_id, body, "cancellation-2"),
    )
    assert (again.status, fresh.status) == (ActionStatus.REFUSED, ActionStatus.APPROVED)


def test_the_refusal_scenario_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENCY_CUSTOMS_REFUSE_AFTER_RELEASE", "true")
    assert Faults.from_settings(settings_for(AgencyName.CUSTOMS)).refuseAfterRelease is True
    assert Faults.from_settings(settings_for(AgencyName.TAX)).refuseAfterRelease is False


# --- over HTTP --------------------------------------------------------------------------


def test_actions_are_answered_signed_and_the_same_when_asked_again(tmp_path: Path) -> None:
    settings = fast_settings(AgencyName.TAX, tmp_path, f"http://127.0.0.1:{free_port()}")
    body = awkward(12)
    asked = {
        "actions": [
            action("cancellation", "TX-1", body, "C1"),
            action("return", "TX-2", body, "R1", lines=[(1, 1)]),
        ]
    }
    with TestClient(create_app(settings)) as client:
        first = client.post("/actions", json=asked, headers={"Idempotency-Key": "a-1"})
        assert first.status_code == 200
        assert verify(settings.secret, dict(first.headers), first.content).startswith("msg_")
        answers = ActionBatchResult.model_validate_json(first.content).answers
        assert [(a.actionId, a.declarationId, a.agency) for a in answers] == [
            ("C1", "TX-1", AgencyName.TAX),
            ("R1", "TX-2", AgencyName.TAX),
        ]
        assert answers[0].refund == assess_documents(read_documents(body))

        for key in ("a-1", "a-2"):  # the same key, and another one
            again = client.post("/actions", json=asked, headers={"Idempotency-Key": key})
            assert again.content == first.content
            assert verify(settings.secret, dict(again.headers), again.content)
        assert client.post("/actions", json={"actions": []}).status_code == 422
