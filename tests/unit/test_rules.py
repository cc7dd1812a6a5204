"""The pure rules of a declaration: every rule code fires at its JSON pointer when broken,
stays silent on a valid declaration, and the policy's edges (tolerance, limits) hold."""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from app.demo import DEMO_PARTIES, PRODUCTS, Product, make_declaration, make_resident_id
from app.domain.rules import (
    FilingFacts,
    check_annual_limit,
    check_documents,
    check_filings,
    check_waybill,
    dutiable_value,
)
from app.domain.violations import RuleCode, RuleViolation
from app.schemas.declaration import DeclarationSet

Body = dict[str, Any]
Lines = list[tuple[Product, int]]
C = RuleCode

SEED = 311
# Three lines, so that pointers into the middle line (/order/items/1/...) exist:
# 2 × 329.00 + 3 × 39.90 + 1 × 25.00 = 802.70 of goods.
LINES: Lines = [(PRODUCTS[0], 2), (PRODUCTS[1], 3), (PRODUCTS[8], 1)]
ACTIVE_FILINGS: dict[str, FilingFacts] = {
    filing.customs_code: FilingFacts(frozenset(filing.roles), "active")
    for filing in DEMO_PARTIES.filings()
}
# Not rules of the documents: a duplicate order is a 409, a caller's party is checked
# before the rules; blocked goods are the trust rules' (tests/unit/test_trust_rules.py).
RULE_CODES = [
    c
    for c in RuleCode
    if c not in (RuleCode.DUPLICATE_ORDER, RuleCode.NOT_A_PARTY, RuleCode.PRODUCT_BLOCKED)
]
# A watch above the single limit: one indivisible item when declared with qty 1.
WATCH = Product("机械手表", "自动上链，精钢表壳", "9102110000", "007", Decimal("6800.00"), "502")


def make_body(lines: Lines | None = LINES, seed: int = SEED, **options: Any) -> Body:
    rng = random.Random(seed)
    return make_declaration(
        rng, order_no="ORD2024000001", logistics_no="SF1000000001", lines=lines, **options
    )


def parse(body: Body) -> DeclarationSet:
    return DeclarationSet.model_validate(body)


def _parent(body: Body, path: str) -> tuple[Any, str | int]:
    """The container and key of a path such as ``order.items.1.totalPrice``."""
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    return node, int(last) if last.isdigit() else last


def shift(body: Body, delta: Decimal, *paths: str) -> None:
    """Add ``delta`` to each amount named by a path."""
    for path in paths:
        node, key = _parent(body, path)
        node[key] = str(Decimal(node[key]) + delta)


def shift_goods(body: Body, delta: Decimal, *paths: str) -> None:
    """Raise goodsValue (and ``paths``) by ``delta``, lowering taxTotal by as much so that
    acturalPaid still follows the formula."""
    shift(body, delta, "order.goodsValue", *paths)
    shift(body, -delta, "order.taxTotal")


# Put an amount ``delta`` off, breaking nothing but the rule named.
AMOUNT_RULES: dict[RuleCode, Callable[[Body, Decimal], None]] = {
    C.PAID_AMOUNT_FORMULA: lambda b, d: shift(b, d, "order.acturalPaid", "payment.amountPaid"),
    C.PAID_AMOUNT_MISMATCH: lambda b, d: shift(b, d, "payment.amountPaid"),
    C.GOODS_VALUE_MISMATCH: shift_goods,
    C.LINE_TOTAL_MISMATCH: lambda b, d: shift_goods(b, d, "order.items.1.totalPrice"),
}


def bad_check_digit(body: Body) -> None:
    number = body["order"]["buyerIdNumber"]
    wrong = "0" if number[-1] != "0" else "1"
    body["order"]["buyerIdNumber"] = body["payment"]["payerIdNumber"] = number[:-1] + wrong


@dataclass(frozen=True)
class Facts:
    """What the database would say: filings, the buyer's annual usage, waybill reuse."""

    filings: Mapping[str, FilingFacts] = field(default_factory=lambda: dict(ACTIVE_FILINGS))
    used: Decimal = Decimal(0)
    reused: bool = False


def filing_of(code: str, roles: set[str], status: str) -> Facts:
    return Facts(ACTIVE_FILINGS | {code: FilingFacts(frozenset(roles), status)})


Check = Callable[[DeclarationSet, Facts], list[RuleViolation]]


def documents(ds: DeclarationSet, _: Facts) -> list[RuleViolation]:
    return check_documents(ds)


def filings(ds: DeclarationSet, facts: Facts) -> list[RuleViolation]:
    return check_filings(ds, facts.filings)


def annual(ds: DeclarationSet, facts: Facts) -> list[RuleViolation]:
    return check_annual_limit(ds, facts.used)


def waybill(ds: DeclarationSet, facts: Facts) -> list[RuleViolation]:
    return check_waybill(ds, reused=facts.reused)


def every_check(ds: DeclarationSet, facts: Facts) -> list[RuleViolation]:
    return [*documents(ds, facts), *filings(ds, facts), *annual(ds, facts), *waybill(ds, facts)]


# The check responsible for each rule code.
CHECK_OF: dict[RuleCode, Check] = {code: documents for code in RULE_CODES} | {
    C.ENTERPRISE_NOT_FILED: filings,
    C.ENTERPRISE_ROLE_MISMATCH: filings,
    C.ENTERPRISE_INACTIVE: filings,
    C.ENTERPRISE_LISTED: filings,
    C.ANNUAL_LIMIT_EXCEEDED: annual,
    C.WAYBILL_REUSED: waybill,
}


def found(violations: list[RuleViolation]) -> list[tuple[str, str | None]]:
    return [(v.code, v.pointer) for v in violations]


def assert_readable(violations: list[RuleViolation]) -> None:
    for v in violations:
        assert v.message.strip(), v
        assert v.messageZh.strip(), v
        assert "{" not in v.message + v.messageZh, v  # every template field was filled


# --- one broken rule at a time ----------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    code: RuleCode
    pointers: tuple[str, ...]
    mutate: Callable[[Body], None] = lambda body: None
    facts: Facts = field(default_factory=Facts)
    lines: Lines = field(default_factory=lambda: list(LINES))


def changing(code: RuleCode, path: str, value: object) -> Breach:
    """Set one field; the rule should point at exactly that field."""

    def mutate(body: Body) -> None:
        node, key = _parent(body, path)
        node[key] = value

    return Breach(code, ("/" + path.replace(".", "/"),), mutate)


def one_yuan_off(code: RuleCode, pointer: str) -> Breach:
    return Breach(code, (pointer,), lambda body: AMOUNT_RULES[code](body, Decimal(1)))


def given(code: RuleCode, pointer: str, facts: Facts) -> Breach:
    """A valid declaration, and stored facts that break the rule."""
    return Breach(code, (pointer,), facts=facts)


ECOMMERCE = DEMO_PARTIES.ecommerce.customs_code
PAYMENT = DEMO_PARTIES.payment.customs_code
OTHER_ID = make_resident_id(random.Random(1), "310104")
BREACHES: dict[str, Breach] = {
    "order_no_mismatch": changing(C.ORDER_NO_MISMATCH, "payment.orderNo", "ORD2024000002"),
    "order_no_mismatch/waybill": changing(C.ORDER_NO_MISMATCH, "logistics.orderNo", "ORD9"),
    "platform_mismatch": changing(C.PLATFORM_MISMATCH, "payment.ebpCode", "3301960009"),
    "payment_ref_mismatch": changing(C.PAYMENT_REF_MISMATCH, "order.payTransactionId", "PAY9"),
    "payment_ref_mismatch/payCode": changing(C.PAYMENT_REF_MISMATCH, "order.payCode", "31019609"),
    "paid_amount_formula": one_yuan_off(C.PAID_AMOUNT_FORMULA, "/order/acturalPaid"),
    "paid_amount_mismatch": one_yuan_off(C.PAID_AMOUNT_MISMATCH, "/payment/amountPaid"),
    "goods_value_mismatch": one_yuan_off(C.GOODS_VALUE_MISMATCH, "/order/goodsValue"),
    "line_total_mismatch": one_yuan_off(C.LINE_TOTAL_MISMATCH, "/order/items/1/totalPrice"),
    "line_numbering": changing(C.LINE_NUMBERING, "order.items.1.gnum", 4),
    "payer_not_buyer": changing(C.PAYER_NOT_BUYER, "payment.payerName", "代付人"),
    "payer_not_buyer/id": changing(C.PAYER_NOT_BUYER, "payment.payerIdNumber", OTHER_ID),
    "consignee_mismatch": changing(C.CONSIGNEE_MISMATCH, "logistics.consigneeAddress", "上海"),
    "consignee_mismatch/name": changing(C.CONSIGNEE_MISMATCH, "logistics.consignee", "邻居"),
    "consignee_mismatch/tel": changing(
        C.CONSIGNEE_MISMATCH, "logistics.consigneeTelephone", "13900000000"
    ),
    "currency_not_cny": changing(C.CURRENCY_NOT_CNY, "order.items.1.currency", "502"),
    "id_type_unsupported": changing(C.ID_TYPE_UNSUPPORTED, "payment.payerIdType", "2"),
    "id_number_invalid": Breach(
        C.ID_NUMBER_INVALID, ("/order/buyerIdNumber", "/payment/payerIdNumber"), bad_check_digit
    ),
    "enterprise_not_filed": changing(
        C.ENTERPRISE_NOT_FILED, "logistics.logisticsCode", "9999999999"
    ),
    "enterprise_role_mismatch": given(
        C.ENTERPRISE_ROLE_MISMATCH, "/order/ebcCode", filing_of(ECOMMERCE, {"payment"}, "active")
    ),
    "enterprise_inactive": given(
        C.ENTERPRISE_INACTIVE, "/payment/payCode", filing_of(PAYMENT, {"payment"}, "suspended")
    ),
    "enterprise_listed": given(
        C.ENTERPRISE_LISTED,
        "/order/ebcCode",
        Facts(ACTIVE_FILINGS | {ECOMMERCE: FilingFacts(frozenset({"ecommerce"}), "active", True)}),
    ),
    # One line, but of two units: not one indivisible item.
    "single_limit_exceeded": Breach(
        C.SINGLE_LIMIT_EXCEEDED, ("/order/goodsValue",), lines=[(PRODUCTS[5], 2)]
    ),
    "annual_limit_exceeded": given(
        C.ANNUAL_LIMIT_EXCEEDED, "/order/buyerIdNumber", Facts(used=Decimal(25500))
    ),
    "waybill_reused": given(C.WAYBILL_REUSED, "/logistics/logisticsNo", Facts(reused=True)),
    "hs_code_invalid": changing(C.HS_CODE_INVALID, "order.items.1.gcode", "33061010"),
}
# More ways to break one rule: each field that may carry a foreign currency, both ID types,
# HS codes of the wrong shape or of a chapter outside 01–97 (77 is reserved).
CURRENCY_FIELDS = ["order.currency", "order.items.0.currency", "payment.currency"]
ID_TYPES = ["order.buyerIdType", "payment.payerIdType"]
BAD_GCODES = ["330610100", "33061010000", "33O6101000", "ABCDEFGHIJ", "3306 10100", "+330610100"]
BAD_CHAPTERS = ["0012345678", "7712345678", "9812345678", "9912345678"]
VARIANTS: dict[str, Breach] = {
    **{f"{p}=CNY": changing(C.CURRENCY_NOT_CNY, p, "CNY") for p in CURRENCY_FIELDS},
    "logistics.currency=156": changing(C.CURRENCY_NOT_CNY, "logistics.currency", "156"),
    "order.items.2.currency=USD": changing(C.CURRENCY_NOT_CNY, "order.items.2.currency", "USD"),
    **{f"{p}={t}": changing(C.ID_TYPE_UNSUPPORTED, p, t) for p in ID_TYPES for t in ("2", "01")},
    **{f"gcode={g}": changing(C.HS_CODE_INVALID, "order.items.2.gcode", g) for g in BAD_GCODES},
    **{f"gcode={g}": changing(C.HS_CODE_INVALID, "order.items.0.gcode", g) for g in BAD_CHAPTERS},
}


def test_every_rule_code_has_a_breach() -> None:
    assert {breach.code for breach in BREACHES.values()} == set(RULE_CODES)
    assert len(RULE_CODES) == 21


@pytest.mark.parametrize(
    "breach", [*BREACHES.values(), *VARIANTS.values()], ids=[*BREACHES, *VARIANTS]
)
def test_a_broken_rule_fires_at_its_pointer(breach: Breach) -> None:
    body = make_body(breach.lines)
    breach.mutate(body)
    ds = parse(body)

    expected = [(breach.code.value, pointer) for pointer in breach.pointers]
    every = every_check(ds, breach.facts)
    assert found(every) == expected
    assert found(CHECK_OF[breach.code](ds, breach.facts)) == expected
    assert_readable(every)


@pytest.mark.parametrize("seed", range(8))
def test_a_valid_declaration_breaks_no_rule(seed: int) -> None:
    ds = parse(make_body(lines=None, seed=seed))  # the demo's random basket
    assert every_check(ds, Facts()) == []


@pytest.mark.parametrize("code", RULE_CODES, ids=str)
def test_each_rule_is_silent_on_a_valid_declaration(code: RuleCode) -> None:
    for seed in range(4):
        for lines in (LINES, None):
            violations = CHECK_OF[code](parse(make_body(lines, seed=seed)), Facts())
            assert code.value not in [v.code for v in violations]


def test_five_broken_rules_are_reported_together() -> None:
    five = ["order_no_mismatch", "platform_mismatch", "payer_not_buyer", "currency_not_cny"]
    five.append("hs_code_invalid")
    body = make_body()
    for name in five:
        BREACHES[name].mutate(body)

    violations = check_documents(parse(body))
    assert sorted(found(violations)) == sorted((n, BREACHES[n].pointers[0]) for n in five)
    assert_readable(violations)


@pytest.mark.parametrize("gcode", ["３３０６１０１０００", "٣٣٠٦١٠١٠٠٠"])
def test_hs_code_of_non_ascii_digits_is_invalid(gcode: str) -> None:
    body = make_body()
    body["order"]["items"][0]["gcode"] = gcode
    assert found(check_documents(parse(body))) == [("hs_code_invalid", "/order/items/0/gcode")]


@pytest.mark.parametrize("gcode", ["0101210000", "7606110000", "7801100000", "9701100000"])
def test_hs_codes_of_chapters_01_to_97_are_valid(gcode: str) -> None:
    body = make_body()
    body["order"]["items"][0]["gcode"] = gcode
    assert check_documents(parse(body)) == []


# --- amounts agree within one fen -------------------------------------------------------


@pytest.mark.parametrize("code", AMOUNT_RULES, ids=str)
@pytest.mark.parametrize(
    ("delta", "fires"),
    [("0.009", False), ("-0.009", False), ("0.00999", False), ("0.01", True), ("-0.01", True)],
)
def test_amounts_agree_within_one_fen(code: RuleCode, delta: str, fires: bool) -> None:
    body = make_body()
    AMOUNT_RULES[code](body, Decimal(delta))
    assert [v.code for v in check_documents(parse(body))] == ([code.value] if fires else [])


# --- dutiable value and the limits ------------------------------------------------------


def test_dutiable_value_is_goods_plus_order_freight_plus_insurance() -> None:
    body = make_body(freight=Decimal("12.50"), insured_fee=Decimal("3.20"))
    body["logistics"]["freight"] = "99.00"  # the waybill's own freight does not count
    assert dutiable_value(parse(body)) == Decimal("802.70") + Decimal("12.50") + Decimal("3.20")

    del body["logistics"]["insuredFee"]
    assert dutiable_value(parse(body)) == Decimal("815.20")


# Two lines, 2,999.00 + 2 × 899.00 = 4,797.00, plus 10.00 freight: the insurance decides.
NEAR_LIMIT: Lines = [(PRODUCTS[5], 1), (PRODUCTS[4], 2)]


@pytest.mark.parametrize(
    ("insured_fee", "value", "fires"),
    [("193.00", "5000.00", False), ("193.01", "5000.01", True), ("0", "4807.00", False)],
)
def test_single_limit_is_5000_of_dutiable_value(insured_fee: str, value: str, fires: bool) -> None:
    ds = parse(make_body(NEAR_LIMIT, insured_fee=Decimal(insured_fee)))
    assert dutiable_value(ds) == Decimal(value)
    expected = [("single_limit_exceeded", "/order/goodsValue")] if fires else []
    assert found(check_documents(ds)) == expected


def test_one_indivisible_item_passes_the_single_limit_but_counts_towards_the_annual() -> None:
    ds = parse(make_body([(WATCH, 1)]))
    value = dutiable_value(ds)
    assert value == Decimal("6810.00")
    assert check_documents(ds) == []
    assert check_annual_limit(ds, Decimal(26000) - value) == []
    assert found(check_annual_limit(ds, Decimal(20000))) == [
        ("annual_limit_exceeded", "/order/buyerIdNumber")
    ]


@pytest.mark.parametrize(
    ("slack", "fires"), [(Decimal("0.01"), False), (Decimal(0), False), (Decimal("-0.01"), True)]
)
def test_annual_limit_is_26000_including_this_order(slack: Decimal, fires: bool) -> None:
    ds = parse(make_body())
    violations = check_annual_limit(ds, Decimal(26000) - dutiable_value(ds) - slack)
    expected = [("annual_limit_exceeded", "/order/buyerIdNumber")] if fires else []
    assert found(violations) == expected
    assert_readable(violations)


# --- matching, lines and identities -----------------------------------------------------


@pytest.mark.parametrize(
    "absent", [["payCode"], ["payTransactionId"], ["payCode", "payTransactionId"]]
)
def test_payment_references_on_the_order_are_optional(absent: list[str]) -> None:
    body = make_body()
    for name in absent:
        del body["order"][name]
    assert every_check(parse(body), Facts()) == []


@pytest.mark.parametrize(
    ("gnums", "wrong"), [((1, 3), [1]), ((2, 1), [0, 1]), ((0, 1), [0, 1]), ((1, 2), [])]
)
def test_lines_are_numbered_from_one_in_order(gnums: tuple[int, int], wrong: list[int]) -> None:
    body = make_body(LINES[:2])
    for item, gnum in zip(body["order"]["items"], gnums, strict=True):
        item["gnum"] = gnum
    expected = [("line_numbering", f"/order/items/{i}/gnum") for i in wrong]
    assert found(check_documents(parse(body))) == expected


def test_the_number_of_another_id_type_is_not_checked_as_a_resident_id() -> None:
    body = make_body()
    body["order"]["buyerIdType"] = body["payment"]["payerIdType"] = "2"
    body["order"]["buyerIdNumber"] = body["payment"]["payerIdNumber"] = "E12345678"
    assert found(check_documents(parse(body))) == [
        ("id_type_unsupported", "/order/buyerIdType"),
        ("id_type_unsupported", "/payment/payerIdType"),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_an_id_number_with_a_wrong_check_digit_is_invalid(seed: int) -> None:
    body = make_body(seed=seed)
    bad_check_digit(body)
    violations = check_documents(parse(body))
    assert found(violations) == [
        ("id_number_invalid", "/order/buyerIdNumber"),
        ("id_number_invalid", "/payment/payerIdNumber"),
    ]
    assert body["order"]["buyerIdNumber"] in violations[0].message


# --- filings ----------------------------------------------------------------------------


def test_one_enterprise_filed_for_every_role_may_fill_every_field() -> None:
    code = "3301969999"
    body = make_body()
    body["order"]["ebpCode"] = body["payment"]["ebpCode"] = code
    body["order"]["ebcCode"] = body["logistics"]["logisticsCode"] = code
    body["order"]["payCode"] = body["payment"]["payCode"] = code
    roles = frozenset({"platform", "ecommerce", "payment", "logistics"})
    assert check_filings(parse(body), {code: FilingFacts(roles, "active")}) == []


@pytest.mark.parametrize("status", ["pending", "suspended", "revoked"])
def test_a_filing_that_is_not_active_cannot_declare(status: str) -> None:
    facts = filing_of(DEMO_PARTIES.logistics.customs_code, {"logistics"}, status)
    violations = filings(parse(make_body()), facts)
    assert found(violations) == [("enterprise_inactive", "/logistics/logisticsCode")]
    assert status in violations[0].message


def test_wrong_role_and_inactive_are_both_reported() -> None:
    facts = filing_of(DEMO_PARTIES.platform.customs_code, {"ecommerce"}, "suspended")
    assert found(filings(parse(make_body()), facts)) == [
        ("enterprise_role_mismatch", "/order/ebpCode"),
        ("enterprise_inactive", "/order/ebpCode"),
    ]


def test_no_filing_at_all_names_every_enterprise_field() -> None:
    assert found(check_filings(parse(make_body()), {})) == [
        ("enterprise_not_filed", "/order/ebpCode"),
        ("enterprise_not_filed", "/order/ebcCode"),
        ("enterprise_not_filed", "/payment/payCode"),
        ("enterprise_not_filed", "/logistics/logisticsCode"),
    ]
