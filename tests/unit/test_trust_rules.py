"""The pure rules of trust: what a listing's period makes of an enterprise, evidence that
must be what it says it is, who an upheld complaint concerns, when a take-down is late,
and which lines of a declaration name blocked goods."""

import base64
import random
from datetime import UTC, datetime, timedelta

import pytest

from app.demo import DEMO_PARTIES, make_declaration
from app.domain import trust
from app.domain.rules import FilingFacts, check_filings
from app.domain.violations import RuleViolation
from app.schemas.declaration import DeclarationSet

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)
PDF = b"%PDF-1.7\n" + bytes(64)
SELLER = DEMO_PARTIES.ecommerce.customs_code


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def codes(found: list[RuleViolation]) -> list[tuple[str, str | None]]:
    return [(v.code, v.pointer) for v in found]


# -- the negative list -------------------------------------------------------------------


def test_an_enterprise_is_listed_until_the_latest_end_of_its_listings_in_force() -> None:
    assert trust.listed_until([], NOW) is None
    assert trust.listed_until([NOW + HOUR, NOW + 2 * HOUR], NOW) == NOW + 2 * HOUR
    # A listing whose period is over no longer counts; one without an end outlasts all.
    assert trust.listed_until([NOW - HOUR], NOW) is None
    assert trust.listed_until([NOW - HOUR, None, NOW + HOUR], NOW) == trust.OPEN_ENDED


def test_listed_means_an_end_still_to_come() -> None:
    assert trust.is_listed(NOW + HOUR, NOW)
    assert not trust.is_listed(NOW, NOW)
    assert not trust.is_listed(None, NOW)
    assert trust.is_listed(trust.OPEN_ENDED, NOW)
    assert trust.public_until(trust.OPEN_ENDED) is None
    assert trust.public_until(NOW) == NOW


def test_a_listing_is_in_force_unless_lifted_or_over() -> None:
    assert trust.is_current(None, None, NOW)
    assert trust.is_current(NOW + HOUR, None, NOW)
    assert not trust.is_current(NOW - HOUR, None, NOW)
    assert not trust.is_current(None, NOW - HOUR, NOW)


def declaration(**changes: str) -> DeclarationSet:
    body = make_declaration(random.Random(5), order_no="ORD1", logistics_no="SF1")
    for index, item in enumerate(body["order"]["items"]):
        item["barCode"] = f"690000000000{index}"
    body["order"]["items"][0].update(changes)
    return DeclarationSet.model_validate(body)


def test_a_listed_party_is_refused_at_the_field_naming_it() -> None:
    ds = declaration()
    filings = {
        f.customs_code: FilingFacts(frozenset(f.roles), "active") for f in DEMO_PARTIES.filings()
    }
    assert check_filings(ds, filings) == []
    filings[SELLER] = FilingFacts(frozenset({"ecommerce"}), "active", listed=True)
    found = check_filings(ds, filings)
    assert codes(found) == [("enterprise_listed", "/order/ebcCode")]
    assert SELLER in found[0].message
    assert "负面清单" in found[0].messageZh


# -- blocked goods -------------------------------------------------------------------------


def test_lines_naming_blocked_goods_are_refused_at_the_item_number_or_barcode() -> None:
    ds = declaration(itemNo="SKU-FAKE")
    item_no = ds.order.items[0].itemNo
    assert item_no == "SKU-FAKE"
    by_item = trust.blocked_lines(ds, frozenset({(SELLER, "SKU-FAKE")}), frozenset())
    assert codes(by_item) == [("product_blocked", "/order/items/0/itemNo")]
    # The item number is the seller's own: another seller's same number is another thing.
    assert trust.blocked_lines(ds, frozenset({("9999999999", "SKU-FAKE")}), frozenset()) == []
    # A barcode is the goods', whoever sells them.
    last = len(ds.order.items) - 1
    by_barcode = trust.blocked_lines(ds, frozenset(), frozenset({f"690000000000{last}"}))
    assert codes(by_barcode) == [("product_blocked", f"/order/items/{last}/barCode")]
    assert trust.blocked_lines(ds, frozenset(), frozenset()) == []


def test_what_blocks_goods_needs_the_seller_for_an_item_number() -> None:
    assert trust.product_keys("SKU1", "6901", SELLER) == ((SELLER, "SKU1"), "6901")
    assert trust.product_keys("SKU1", None, None) == (None, None)
    assert trust.product_keys(None, "6901", None) == (None, "6901")


# -- who a complaint concerns --------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "declared", "given", "goods", "expected"),
    [
        # The seller is named: the platform comes from the order's declaration.
        ({"ecommerce"}, ("P1", "S2"), None, None, trust.Parties("NAMED", "P1")),
        # The platform is named: the seller comes from the declaration.
        ({"platform"}, ("P1", "S2"), None, None, trust.Parties("S2", "NAMED")),
        # The regulator's word on the platform comes first.
        ({"platform"}, ("P1", "S2"), "P9", None, trust.Parties("S2", "P9")),
        # No declaration: the platform the goods were last declared on.
        ({"ecommerce"}, None, None, "P3", trust.Parties("NAMED", "P3")),
        # Not filed, nothing declared: nobody known.
        (set(), None, None, None, trust.Parties(None, None)),
    ],
)
def test_the_seller_and_the_platform_of_a_complaint(
    roles: set[str],
    declared: tuple[str, str] | None,
    given: str | None,
    goods: str | None,
    expected: trust.Parties,
) -> None:
    found = trust.complaint_parties(
        "NAMED",
        frozenset(roles),
        declared=declared,
        platform_given=given,
        platform_of_goods=goods,
    )
    assert found == expected


def test_a_takedown_is_late_after_its_time_unacknowledged_or_acknowledged_late() -> None:
    due = trust.acknowledgement_due(NOW, 24)
    assert due == NOW + 24 * HOUR
    assert not trust.is_late(due, None, due)
    assert trust.is_late(due, None, due + timedelta(seconds=1))
    assert not trust.is_late(due, due - HOUR, due + 10 * HOUR)
    assert trust.is_late(due, due + HOUR, due + 2 * HOUR)


# -- evidence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "declared"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf"), (PDF, "Application/PDF")],
)
def test_evidence_of_the_type_it_declares_is_taken(data: bytes, declared: str) -> None:
    evidence, found = trust.read_evidence(0, "proof", declared, b64(data))
    assert found == []
    assert evidence == trust.Evidence("proof", declared.lower(), data)


def test_base64_with_line_breaks_is_taken() -> None:
    text = base64.encodebytes(PNG * 10).decode()
    assert "\n" in text
    evidence, found = trust.read_evidence(0, "a.png", "image/png", text)
    assert found == []
    assert evidence is not None
    assert evidence.data == PNG * 10


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        # A JPEG said to be a PNG: the bytes tell.
        (b64(JPEG), "image/png", [("attachment_type_mismatch", "/attachments/2/data")]),
        # An HTML page said to be a PDF.
        (b64(b"<html>"), "application/pdf", [("attachment_type_mismatch", "/attachments/2/data")]),
        # A type not taken, however real.
        (
            b64(b"GIF89a"),
            "image/gif",
            [("attachment_type_not_allowed", "/attachments/2/contentType")],
        ),
        ("not base64!", "image/png", [("attachment_not_base64", "/attachments/2/data")]),
        ("抱歉", "image/png", [("attachment_not_base64", "/attachments/2/data")]),
    ],
)
def test_evidence_that_is_not_what_it_says_is_refused(
    data: str, declared: str, expected: list[tuple[str, str]]
) -> None:
    evidence, found = trust.read_evidence(2, "x", declared, data)
    assert evidence is None
    assert codes(found) == expected
    assert all(v.message and v.messageZh for v in found)


def test_evidence_is_at_most_2_mib_once_decoded() -> None:
    limit = trust.MAX_ATTACHMENT_BYTES
    largest = PNG + bytes(limit - len(PNG))
    evidence, found = trust.read_evidence(0, "big.png", "image/png", b64(largest))
    assert found == []
    assert evidence is not None
    assert len(evidence.data) == limit
    _, found = trust.read_evidence(0, "big.png", "image/png", b64(largest + b"x"))
    assert codes(found) == [("attachment_too_large", "/attachments/0/data")]


def test_evidence_far_too_long_is_refused_before_it_is_decoded() -> None:
    # Not even base64: refused for its length alone, without decoding anything.
    text = "!" * (trust.MAX_ATTACHMENT_BYTES * 2)
    _, found = trust.read_evidence(1, "huge", "image/png", text)
    assert codes(found) == [("attachment_too_large", "/attachments/1/data")]


def test_sniffing_knows_only_the_types_taken() -> None:
    assert trust.sniff(PNG) == "image/png"
    assert trust.sniff(JPEG) == "image/jpeg"
    assert trust.sniff(PDF) == "application/pdf"
    assert trust.sniff(b"GIF89a") is None
    assert trust.sniff(b"") is None
