"""The agencies' pure decisions: the positive list, the limits, sampling, quarantine
categories, the cross-border tax (worked examples), and the forex filing check."""

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from app import demo
from app.agencies.wire import ReceiptStatus, TaxAssessment
from mock_agencies.documents import DeclarationDocuments, UnreadableDocuments, read_documents
from mock_agencies.rules import customs, forex, inspection, tax
from mock_agencies.rules.customs import PositiveList, load_positive_list
from mock_agencies.rules.sampling import draw
from mock_agencies.rules.tax import TaxableLine, assess, load_rate_table

Body = dict[str, Any]
Lines = list[tuple[demo.Product, int]]
P = demo.PRODUCTS
CREAM, TOOTHPASTE, FORMULA, FISH_OIL, SHOES, HAIR_DRYER, BRICKS, HANDBAG, SOAP, TEE = P
WATCH = demo.Product("机械手表", "自动上链", "9102110000", "007", Decimal("6800.00"), "502")
PERFUME = demo.Product("香水", "100ml", "3303000000", "007", Decimal("5500.00"), "303")
SYNTHETIC_IDS = [f"SW{n:08d}" for n in range(20_000)]
NOTHING_USED = Decimal(0)


def body(lines: Lines, **options: Any) -> Body:
    return demo.make_declaration(
        random.Random(3), order_no="ORD1", logistics_no="SF1", lines=lines, **options
    )


def read(lines: Lines, **options: Any) -> DeclarationDocuments:
    return read_documents(body(lines, **options))


def with_code(documents: DeclarationDocuments, gcode: str) -> DeclarationDocuments:
    raw = documents.model_dump(mode="json")
    raw["order"]["items"][0]["gcode"] = gcode
    return DeclarationDocuments.model_validate(raw)


def share(decide: Callable[[str], bool]) -> float:
    return sum(decide(i) for i in SYNTHETIC_IDS) / len(SYNTHETIC_IDS)


def money(total: str, vat: str, consumption: str = "0.00", tariff: str = "0.00") -> TaxAssessment:
    return TaxAssessment(
        customsTax=Decimal(tariff),
        valueAddedTax=Decimal(vat),
        consumptionTax=Decimal(consumption),
        total=Decimal(total),
    )


# --- documents --------------------------------------------------------------------------


def test_documents_without_what_the_agencies_need_are_unreadable() -> None:
    broken = body([(SHOES, 1)])
    broken["order"]["items"][0]["gcode"] = "６４０３９９００９０"  # full-width digits
    broken["order"]["freight"] = "NaN"
    with pytest.raises(UnreadableDocuments) as refused:
        read_documents(broken)
    assert "order/items/0/gcode" in str(refused.value)
    assert "order/freight" in str(refused.value)


# --- customs: the positive list ---------------------------------------------------------


@pytest.mark.parametrize(
    "gcode",
    [
        "3304990099",
        "3306101000",
        "1901101000",
        "2106909090",
        "6403990090",
        "8516310000",
        "9503008900",
        "4202210000",
        "3401110000",
        "6109100021",
        "9102110000",
    ],
)
def test_the_demo_goods_and_watches_are_on_the_positive_list(gcode: str) -> None:
    assert gcode in load_positive_list()


@pytest.mark.parametrize(
    "gcode",
    ["0101210010", "0203291000", "9303201000", "2402200000", "3304", "33049900991", ""],
)
def test_animals_meat_arms_cigarettes_and_odd_codes_are_not(gcode: str) -> None:
    assert gcode not in load_positive_list()


def test_the_shipped_list_holds_a_few_hundred_tariff_lines() -> None:
    assert len(load_positive_list()) >= 250


def test_an_entry_covers_every_code_it_begins() -> None:
    listed = PositiveList(["9102", "33049900", "6109100021"])
    assert "9102990000" in listed
    assert "3304990011" in listed
    assert "6109100021" in listed
    assert "6109100022" not in listed
    assert "3304910000" not in listed


def test_every_line_off_the_list_is_named() -> None:
    documents = read([(SHOES, 1), (CREAM, 1), (SOAP, 1)])
    raw = documents.model_dump(mode="json")
    raw["order"]["items"][0]["gcode"] = "0101210010"
    raw["order"]["items"][2]["gcode"] = "9303201000"
    reasons = customs.off_the_list(DeclarationDocuments.model_validate(raw), load_positive_list())
    assert [r.code for r in reasons] == ["not_on_positive_list"] * 2
    assert [r.message.split(":")[0] for r in reasons] == ["line 1", "line 3"]


# --- customs: the limits ----------------------------------------------------------------

# 2,999.00 + 2 × 899.00 = 4,797.00 of goods and 10.00 freight: the insurance decides.
NEAR_LIMIT: Lines = [(HAIR_DRYER, 1), (SHOES, 2)]


@pytest.mark.parametrize(("insured_fee", "over"), [("193.00", False), ("193.01", True)])
def test_the_single_limit_is_5000_of_goods_freight_and_insurance(
    insured_fee: str, over: bool
) -> None:
    documents = read(NEAR_LIMIT, insured_fee=Decimal(insured_fee))
    reasons = customs.over_limits(documents, NOTHING_USED)
    assert [r.code for r in reasons] == (["single_limit_exceeded"] if over else [])


@pytest.mark.parametrize(
    ("lines", "over"),
    [
        ([(WATCH, 1)], False),  # one indivisible item
        ([(WATCH, 2)], True),  # two of them
        ([(WATCH, 1), (TOOTHPASTE, 1)], True),  # and something else
    ],
)
def test_only_a_single_indivisible_item_may_pass_the_single_limit(lines: Lines, over: bool) -> None:
    reasons = customs.over_limits(read(lines), NOTHING_USED)
    assert [r.code for r in reasons] == (["single_limit_exceeded"] if over else [])


@pytest.mark.parametrize(("slack", "over"), [("0", False), ("0.01", False), ("-0.01", True)])
def test_the_annual_limit_is_26000_including_this_declaration(slack: str, over: bool) -> None:
    documents = read([(WATCH, 1)])  # indivisible, but it counts towards the year
    used = Decimal(26000) - documents.dutiable_value - Decimal(slack)
    reasons = customs.over_limits(documents, used)
    assert [r.code for r in reasons] == (["annual_limit_exceeded"] if over else [])
    assert all("CEB -621018" in r.message for r in reasons)


def test_customs_gives_every_reason_for_a_refusal() -> None:
    documents = with_code(read([(SHOES, 6)]), "0101210010")
    decision = customs.decide(
        "ANY",
        documents,
        credit_grade="advanced",
        used_this_year=Decimal(25000),
        positive_list=load_positive_list(),
    )
    assert decision.final is ReceiptStatus.REJECTED
    assert not decision.inspected
    assert [r.code for r in decision.reasons] == [
        "not_on_positive_list",
        "single_limit_exceeded",
        "annual_limit_exceeded",
    ]


# --- customs: risk sampling -------------------------------------------------------------


def test_draws_are_deterministic_uniform_and_independent_per_purpose() -> None:
    assert draw("SW1", "customs-sampling") == draw("SW1", "customs-sampling")
    assert all(0 <= draw(i, "x") < 1 for i in SYNTHETIC_IDS[:1000])
    both = share(lambda i: customs.sampled(i, "discredited") and inspection.sampled(i, 0.5))
    assert both == pytest.approx(0.8 * 0.5, abs=0.015)


@pytest.mark.parametrize(
    ("grade", "rate", "tolerance"),
    [
        ("advanced", 0.005, 0.002),
        ("general", 0.05, 0.01),
        ("discredited", 0.80, 0.01),
        ("unheard-of", 0.05, 0.01),  # an unknown grade is treated as general
    ],
)
def test_customs_samples_by_credit_grade(grade: str, rate: float, tolerance: float) -> None:
    assert share(lambda i: customs.sampled(i, grade)) == pytest.approx(rate, abs=tolerance)


def test_one_in_ten_inspected_is_detained() -> None:
    assert share(customs.detained) == pytest.approx(0.10, abs=0.01)


@pytest.mark.parametrize(
    ("grade", "sampled_id", "final"),
    [
        ("general", False, ReceiptStatus.RELEASED),
        ("discredited", True, ReceiptStatus.RELEASED),
        ("discredited", True, ReceiptStatus.DETAINED),
    ],
)
def test_customs_releases_or_inspects_then_releases_or_detains(
    grade: str, sampled_id: bool, final: ReceiptStatus
) -> None:
    declaration_id = next(
        i
        for i in SYNTHETIC_IDS
        if customs.sampled(i, grade) == sampled_id
        and customs.detained(i) == (final is ReceiptStatus.DETAINED)
    )
    decision = customs.decide(
        declaration_id,
        read([(SHOES, 1)]),
        credit_grade=grade,
        used_this_year=NOTHING_USED,
        positive_list=load_positive_list(),
    )
    assert (decision.final, decision.inspected) == (final, sampled_id)
    assert [r.code for r in decision.inspection_reasons] == (["risk_sampled"] if sampled_id else [])


# --- inspection and quarantine ----------------------------------------------------------


@pytest.mark.parametrize(
    ("gcode", "outcome"),
    [
        ("0101210010", "rejected"),  # live horses
        ("0203291000", "rejected"),  # frozen pork
        ("0402210000", "flagged"),  # milk powder
        ("1901101000", "flagged"),  # infant formula
        ("2106909090", "flagged"),  # food preparations
        ("3304990099", "flagged"),  # cosmetics
        ("0302130000", "passed"),  # fish: not in a flagged chapter
        ("6403990090", "passed"),
        ("9102110000", "passed"),
    ],
)
def test_quarantine_decides_by_chapter(gcode: str, outcome: str) -> None:
    documents = with_code(read([(SHOES, 1)]), gcode)
    always = inspection.decide("ANY", documents, sampling_rate=1.0)
    never = inspection.decide("ANY", documents, sampling_rate=0.0)
    if outcome == "rejected":
        assert always.final is never.final is ReceiptStatus.REJECTED
        assert [r.code for r in always.reasons] == ["prohibited_goods"]
    else:
        assert always.final is never.final is ReceiptStatus.PASSED
        assert (always.inspected, never.inspected) == (outcome == "flagged", False)


def test_quarantine_inspects_every_flagged_declaration_by_default_or_a_sample() -> None:
    assert share(inspection.sampled) == 1.0
    assert share(lambda i: inspection.sampled(i, 0.2)) == pytest.approx(0.20, abs=0.01)


def test_one_prohibited_line_refuses_the_whole_declaration() -> None:
    raw = read([(CREAM, 1), (SHOES, 1)]).model_dump(mode="json")
    raw["order"]["items"][1]["gcode"] = "0201300000"
    decision = inspection.decide("ANY", DeclarationDocuments.model_validate(raw))
    assert decision.final is ReceiptStatus.REJECTED
    assert decision.reasons[0].message.startswith("line 2: HS chapter 02")


# --- tax ----------------------------------------------------------------------------------


def test_the_rate_table_matches_the_longest_prefix() -> None:
    table = load_rate_table()
    cosmetics, books, other = (table.rates_for(c) for c in ("3304990099", "4901990000", "6403"))
    assert (cosmetics.consumption_tax, cosmetics.vat, cosmetics.general_tariff) == (
        Decimal("0.15"),
        Decimal("0.13"),
        Decimal("0.05"),
    )
    assert books.vat == Decimal("0.09")
    assert (other.consumption_tax, other.vat, other.general_tariff) == (
        Decimal(0),
        Decimal("0.13"),
        Decimal("0.10"),
    )


def test_cosmetics_pay_consumption_tax_and_vat_at_70_percent() -> None:
    # 2 × 329.00 + 10.00 freight = 668.00; CT = 668 × 0.15/0.85 × 0.7 = 82.5176…,
    # VAT = 668 × 0.13/0.85 × 0.7 = 71.5152…
    assert tax.assess_documents(read([(CREAM, 2)])) == money("154.04", "71.52", "82.52")


def test_other_goods_pay_vat_only_at_9_1_percent() -> None:
    # 899.00 + 10.00 = 909.00 × 13% × 70% = 82.719
    assert tax.assess_documents(read([(SHOES, 1)])) == money("82.72", "82.72")


def test_freight_and_insurance_are_shared_out_by_line_value() -> None:
    lines = [TaxableLine("3304990099", Decimal(600)), TaxableLine("6403990090", Decimal(400))]
    # 50.00 of freight and insurance: 30.00 to the cosmetics, 20.00 to the shoes.
    # CT = 630 × 0.15/0.85 × 0.7 = 77.8235…; VAT = 630 × 0.13/0.85 × 0.7 + 420 × 0.091
    #    = 67.4470… + 38.22 = 105.6670…
    assessed = assess(
        lines, goods_value=Decimal(1000), freight=Decimal(40), insured_fee=Decimal(10)
    )
    assert assessed == money("183.49", "105.67", "77.82")


def test_free_lines_share_the_freight_equally() -> None:
    lines = [TaxableLine("6403990090", Decimal(0)), TaxableLine("3304990099", Decimal(0))]
    assessed = assess(lines, goods_value=Decimal(0), freight=Decimal(20))
    # 10 each: VAT 0.91 + 10 × 0.13/0.85 × 0.7 = 1.0705…; CT 10 × 0.15/0.85 × 0.7 = 1.2352…
    assert assessed == money("3.22", "1.98", "1.24")


def test_each_component_is_rounded_half_up_to_the_fen() -> None:
    # 15.00 × 9.1% = 1.365 exactly: half-up gives 1.37 (half-even would give 1.36).
    assessed = assess(
        [TaxableLine("6403990090", Decimal(5))], goods_value=Decimal(5), freight=Decimal(10)
    )
    assert assessed == money("1.37", "1.37")


def test_books_pay_the_lower_vat() -> None:
    assessed = assess(
        [TaxableLine("4901990000", Decimal(100))], goods_value=Decimal(100), freight=Decimal(0)
    )
    assert assessed == money("6.30", "6.30")  # 100 × 9% × 70%


def test_a_single_indivisible_item_above_the_limit_is_taxed_in_full() -> None:
    # 6,810.00 × 8% tariff = 544.80; VAT = (6,810.00 + 544.80) × 13% = 956.124
    assert tax.assess_documents(read([(WATCH, 1)])) == money("1500.92", "956.12", tariff="544.80")


def test_full_tax_adds_the_tariff_into_the_consumption_tax_and_vat_bases() -> None:
    # V = 5,510.00; tariff 3% = 165.30; CT = 5,675.30 × 0.15/0.85 = 1,001.5235…;
    # VAT = (5,675.30 + 1,001.5235…) × 13% = 867.9870…
    assessed = tax.assess_documents(read([(PERFUME, 1)]))
    assert assessed == money("2034.81", "867.99", "1001.52", "165.30")


@pytest.mark.parametrize(
    ("short_by", "status"),
    [
        ("0.02", ReceiptStatus.REJECTED),
        ("0.01", ReceiptStatus.ASSESSED),
        ("0", ReceiptStatus.ASSESSED),
        ("-5", ReceiptStatus.ASSESSED),  # declaring more is not a finding
    ],
)
def test_a_tax_declared_more_than_a_fen_short_is_rejected(
    short_by: str, status: ReceiptStatus
) -> None:
    declared = Decimal("154.04") - Decimal(short_by)
    decision = tax.decide(read([(CREAM, 2)], tax_total=declared))
    assert decision.final is status
    assert decision.tax == money("154.04", "71.52", "82.52")
    expected = ["tax_underdeclared"] if status is ReceiptStatus.REJECTED else []
    assert [r.code for r in decision.reasons] == expected


@pytest.mark.parametrize("seed", range(25))
def test_demo_declarations_declare_exactly_the_assessed_tax(seed: int) -> None:
    documents = read_documents(
        demo.make_declaration(random.Random(seed), order_no="ORD1", logistics_no="SF1")
    )
    decision = tax.decide(documents)
    assert decision.final is ReceiptStatus.ASSESSED
    assert decision.tax is not None
    assert decision.tax.total == documents.order.taxTotal


# --- forex ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filing", "final"),
    [
        (forex.Filing(frozenset({"payment"}), "active", "general"), ReceiptStatus.RECORDED),
        (
            forex.Filing(frozenset({"payment", "ecommerce"}), "active", "advanced"),
            ReceiptStatus.RECORDED,
        ),
        (None, ReceiptStatus.REJECTED),
        (forex.Filing(frozenset({"logistics"}), "active", "general"), ReceiptStatus.REJECTED),
        (forex.Filing(frozenset({"payment"}), "suspended", "general"), ReceiptStatus.REJECTED),
        (forex.Filing(frozenset({"payment"}), "pending", "general"), ReceiptStatus.REJECTED),
    ],
)
def test_forex_records_payments_of_active_payment_companies_only(
    filing: forex.Filing | None, final: ReceiptStatus
) -> None:
    decision = forex.decide(read([(SHOES, 1)]), filing)
    assert decision.final is final
    expected = ["payment_company_not_registered"] if final is ReceiptStatus.REJECTED else []
    assert [r.code for r in decision.reasons] == expected
