"""The goods' pure rules: barcodes and codes, a line against its product's filing, which
delivery event may follow which, what a recall's batch and barcode match, and inspection's
review of a certificate-of-origin applicant."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import demo
from app.agencies.wire import (
    AgencyName,
    FilingMessage,
    RegistrationReview,
    review_signature,
    verified_reviews,
)
from app.domain import goods, rules
from app.domain.goods import Delivery, DeliveryEvent
from app.schemas.declaration import DeclarationSet
from mock_agencies.rules.inspection import review_origin_applicant

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("6901234567892", "6901234567892"),  # GTIN-13
        ("96385074", "96385074"),  # GTIN-8
        ("036000291452", "036000291452"),  # GTIN-12 (UPC-A)
        ("10012345678902", "10012345678902"),  # GTIN-14
        ("690-1234-56789 2", "6901234567892"),
        ("6901234567891", None),  # wrong check digit
        ("690123456789", None),  # 12 digits, wrong check digit
        ("69012345678923", None),
        ("６９０１２３４５６７８９２", None),  # full-width digits
        ("ABCDEFGH", None),
        ("123", None),
    ],
)
def test_a_barcode_is_a_gtin_with_its_check_digit(given: str, kept: str | None) -> None:
    assert goods.gtin(given) == kept


def test_codes_are_each_refused_with_their_own_code() -> None:
    kept, found = goods.check_codes(hs_code="3304990099", barcode="96385074", country="116")
    assert (kept, found) == ("96385074", [])
    _, found = goods.check_codes(hs_code="0000000000", barcode="1", country="Japan")
    assert [(v.code, v.pointer) for v in found] == [
        ("hs_code_invalid", "/hsCode"),
        ("barcode_invalid", "/barcode"),
        ("country_code_invalid", "/originCountry"),
    ]
    assert all(v.messageZh for v in found)


def declaration(*lines: tuple[str | None, str]) -> DeclarationSet:
    """A declaration whose lines have these (itemNo, gcode)."""
    body = demo.make_declaration(
        random.Random(3),
        order_no="ORD1",
        logistics_no="SF1",
        lines=[(demo.PRODUCTS[0], 1)] * len(lines),
    )
    for item, (item_no, gcode) in zip(body["order"]["items"], lines, strict=True):
        item["gcode"] = gcode
        if item_no is None:
            item.pop("itemNo")
        else:
            item["itemNo"] = item_no
    return DeclarationSet.model_validate(body)


def test_a_line_naming_a_filed_item_must_declare_its_hs_code() -> None:
    seller = demo.DEMO_PARTIES.ecommerce.customs_code
    filed = {(seller, "A"): "3304990099", ("9999999999", "B"): "3304990099"}
    ds = declaration(("A", "3304990099"), ("A", "3304100000"), (None, "1"), ("B", "3304100000"))
    found = rules.check_filed_products(ds, filed)
    # Only the company's own item numbers count: another company's "B" is not its "B".
    assert [(v.code, v.pointer) for v in found] == [
        ("hs_code_differs_from_filing", "/order/items/1/gcode")
    ]
    assert "3304990099" in found[0].message
    assert rules.check_filed_products(ds, {}) == []


def test_a_ceb311_takes_the_filed_hs_codes_only_when_every_line_has_one() -> None:
    items: list[dict[str, Any]] = [{"gnum": 1, "itemNo": "A"}, {"gnum": 2, "gcode": "6109100021"}]
    assert goods.filled_hs_codes(items, {"A": "3304990099"}) == [
        {"gnum": 1, "itemNo": "A", "gcode": "3304990099"},
        {"gnum": 2, "gcode": "6109100021"},
    ]
    assert goods.filled_hs_codes([*items, {"gnum": 3, "itemNo": "Z"}], {"A": "1"}) is None
    assert goods.filled_hs_codes([{"gnum": 1}], {"A": "1"}) is None


def story(*events: DeliveryEvent) -> list[Delivery]:
    return [Delivery(e, START + timedelta(hours=n)) for n, e in enumerate(events)]


def test_delivery_events_follow_each_other_in_order() -> None:
    e = DeliveryEvent
    assert goods.out_of_order(story(e.PICKED_UP, e.IN_TRANSIT, e.IN_TRANSIT, e.DELIVERED)) is None
    assert goods.out_of_order(story(e.PICKED_UP, e.REFUSED_BY_BUYER, e.RETURNED)) is None
    assert goods.out_of_order(story(e.DELIVERED, e.RETURNED)) is None
    wrong = goods.out_of_order(story(e.PICKED_UP, e.DELIVERED, e.IN_TRANSIT))
    assert wrong is not None
    assert (wrong[0].event, wrong[1].event) == (e.DELIVERED, e.IN_TRANSIT)
    assert goods.out_of_order(story(e.RETURNED, e.DELIVERED)) is not None
    # By when they happened, not by when they were posted.
    late_post = [*story(e.PICKED_UP, e.DELIVERED)]
    late_post.append(Delivery(e.IN_TRANSIT, START + timedelta(minutes=30)))
    assert goods.out_of_order(late_post) is None


def test_a_parcel_is_delivered_while_its_last_event_says_so() -> None:
    e = DeliveryEvent
    assert goods.delivered(story(e.PICKED_UP, e.DELIVERED))
    assert not goods.delivered(story(e.PICKED_UP, e.DELIVERED, e.RETURNED))
    assert not goods.delivered([])


def test_a_recall_matches_its_batch_and_the_lines_of_the_goods() -> None:
    assert goods.batches("LOT-A1, LOT-B2；LOT-C3") == {"LOT-A1", "LOT-B2", "LOT-C3"}
    assert goods.in_batch("LOT-B2", "LOT-A1,LOT-B2")
    assert not goods.in_batch("LOT-B", "LOT-B2")
    assert goods.in_batch(None, None)
    assert not goods.in_batch("LOT-A1", None)
    items = [
        {"gnum": 1, "itemNo": "A", "barCode": "X"},
        {"gnum": 2, "itemNo": "B"},
        {"gnum": 3, "itemNo": "C", "barCode": "6901234567892"},
    ]
    filed = frozenset({("E1", "B")})
    assert goods.recalled_lines(items, "E1", "6901234567892", filed) == [2, 3]
    assert goods.recalled_lines(items, "E2", "6901234567892", filed) == [3]


def applicant(**changes: Any) -> FilingMessage:
    filing: dict[str, Any] = {
        "customsCode": "3301960002",
        "uscc": "91330106MA2B0X0T2X",
        "name": "杭州海淘优选贸易有限公司",
        "roles": ["ecommerce"],
        "creditGrade": "general",
        "status": "pending",
    }
    return FilingMessage.model_validate(filing | changes)


def test_inspection_reviews_a_certificate_of_origin_applicant() -> None:
    fields = {"hsCodes": ["6109100021"]}
    assert review_origin_applicant(applicant(), fields) == []
    refused = review_origin_applicant(
        applicant(listed=True, creditGrade="discredited"), {"hsCodes": ["610910"]}
    )
    assert [r.code for r in refused] == [
        "applicant_listed",
        "applicant_discredited",
        "goods_unidentified",
    ]
    assert all(r.messageZh for r in refused)


def test_a_review_counts_only_signed_by_its_agency() -> None:
    review = RegistrationReview(
        customsCode="3301960002",
        registration="certificate_of_origin",
        agency=AgencyName.INSPECTION,
        approved=True,
        registrationNo="COCIQ1",
        decidedAt=START,
        signature="",
    )
    review.signature = review_signature("secret", review)
    assert verified_reviews("secret", "inspection", [review]) == [review]
    assert verified_reviews("other", "inspection", [review]) == []
    assert verified_reviews("secret", "customs", [review]) == []
    changed = review.model_copy(update={"registrationNo": "COCIQ2"})
    assert verified_reviews("secret", "inspection", [changed]) == []
    # As it travels: the signature holds after a round trip through JSON.
    again = RegistrationReview.model_validate_json(review.model_dump_json())
    assert verified_reviews("secret", "inspection", [again]) == [again]
