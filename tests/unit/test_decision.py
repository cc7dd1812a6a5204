"""Deciding a group of declarations (pure): items are decided in order and see each other,
and Idempotency-Keys replay, refuse or go ahead by what the store knows of them."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from app.demo import DEMO_PARTIES, make_buyer, make_declaration
from app.domain.decision import (
    Candidate,
    Facts,
    KeyRecord,
    KeyUse,
    KeyVerdict,
    Outcome,
    decide,
    to_quota_units,
)
from app.domain.rules import ANNUAL_LIMIT, FilingFacts
from app.domain.violations import RuleCode
from app.schemas.declaration import DeclarationSet

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
FILINGS = {
    f.customs_code: FilingFacts(frozenset(f.roles), "active") for f in DEMO_PARTIES.filings()
}
rng = random.Random(17)
BUYER = make_buyer(rng)


def documents(serial: int, **changes: Any) -> DeclarationSet:
    body = make_declaration(
        random.Random(serial),
        order_no=f"ORD{serial:08d}",
        logistics_no=f"SF{serial:08d}",
        buyer=BUYER,
    )
    return DeclarationSet.model_validate(body | changes)


def facts(**given: Any) -> Facts:
    return Facts(
        filings=given.get("filings", FILINGS),
        orders=given.get("orders", {}),
        quota_used=given.get("quota_used", {}),
        waybills_used=given.get("waybills_used", {}),
        keys=given.get("keys", {}),
    )


def test_a_valid_declaration_is_accepted_and_charges_its_value() -> None:
    ds = documents(1)
    (d,) = decide([Candidate.of(ds, "id-1")], facts(), NOW)
    assert d.outcome is Outcome.ACCEPTED
    assert d.quota_year == 2026
    assert d.quota_charge == to_quota_units(ds.order.goodsValue + ds.order.freight)


def test_the_second_of_an_order_in_one_group_is_its_duplicate() -> None:
    ds = documents(2)
    first, second = decide([Candidate.of(ds, "id-a"), Candidate.of(ds, "id-b")], facts(), NOW)
    assert first.outcome is Outcome.ACCEPTED
    assert second.outcome is Outcome.DUPLICATE
    assert second.existing_id == "id-a"


def test_an_order_already_stored_is_a_duplicate() -> None:
    ds = documents(3)
    (d,) = decide(
        [Candidate.of(ds, "new")],
        facts(orders={(ds.order.ebpCode, ds.order.orderNo): "old"}),
        NOW,
    )
    assert (d.outcome, d.existing_id) == (Outcome.DUPLICATE, "old")
    assert [v.code for v in d.violations] == [RuleCode.DUPLICATE_ORDER]


def test_a_waybill_is_used_once_in_a_group() -> None:
    first = documents(4)
    second = documents(5)
    second.logistics.logisticsNo = first.logistics.logisticsNo
    decided = decide([Candidate.of(first, "a"), Candidate.of(second, "b")], facts(), NOW)
    assert [d.outcome for d in decided] == [Outcome.ACCEPTED, Outcome.REFUSED]
    assert RuleCode.WAYBILL_REUSED in [v.code for v in decided[1].violations]


def test_a_buyers_earlier_orders_of_the_group_count_towards_the_annual_limit() -> None:
    first, second = documents(6), documents(7)
    charge = to_quota_units(first.order.goodsValue + first.order.freight)
    # Room for exactly one more such order this year.
    used = to_quota_units(ANNUAL_LIMIT) - charge
    decided = decide(
        [Candidate.of(first, "a"), Candidate.of(second, "b")],
        facts(quota_used={BUYER.id_number: used}),
        NOW,
    )
    assert [d.outcome for d in decided] == [Outcome.ACCEPTED, Outcome.REFUSED]
    assert RuleCode.ANNUAL_LIMIT_EXCEEDED in [v.code for v in decided[1].violations]


def test_a_waybill_used_within_the_reuse_period_is_refused() -> None:
    ds = documents(8)
    waybill = (ds.logistics.logisticsCode, ds.logistics.logisticsNo)
    (d,) = decide([Candidate.of(ds, "a")], facts(waybills_used={waybill: NOW}), NOW)
    assert d.outcome is Outcome.REFUSED


def test_keys_replay_refuse_or_go_ahead() -> None:
    key = KeyUse("enterprise:X", "k-1", "f" * 64)
    known = {("enterprise:X", "k-1"): KeyRecord("f" * 64, declaration_id="first")}
    (replay,) = decide([Candidate.of(documents(9), "a", key)], facts(keys=known), NOW)
    assert replay.key_verdict is KeyVerdict.REPLAY
    assert replay.existing_id == "first"

    other = KeyUse("enterprise:X", "k-1", "e" * 64)
    (reused,) = decide([Candidate.of(documents(9), "a", other)], facts(keys=known), NOW)
    assert reused.key_verdict is KeyVerdict.REUSED

    fresh = KeyUse("enterprise:X", "k-2", "f" * 64)
    first, again = decide(
        [Candidate.of(documents(10), "a", fresh), Candidate.of(documents(10), "b", fresh)],
        facts(),
        NOW,
    )
    assert first.outcome is Outcome.ACCEPTED
    assert again.key_verdict is KeyVerdict.IN_FLIGHT


def test_an_unreadable_declaration_keeps_what_it_is() -> None:
    (d,) = decide([Candidate.unreadable([], outcome=Outcome.NOT_A_PARTY)], facts(), NOW)
    assert d.outcome is Outcome.NOT_A_PARTY


def test_an_older_waybill_may_be_used_again() -> None:
    ds = documents(11)
    waybill = (ds.logistics.logisticsCode, ds.logistics.logisticsNo)
    # The store reports only waybills used within the reuse period.
    (d,) = decide([Candidate.of(ds, "a")], facts(waybills_used={}), NOW + timedelta(days=1))
    assert d.outcome is Outcome.ACCEPTED
    assert waybill
