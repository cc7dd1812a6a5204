"""Cross-document matching (三单比对: three-document matching) and the retail-import
policy, as pure functions over a ``DeclarationSet`` and the facts read for it."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from app.domain import goods, resident_id
from app.domain.goods import is_hs_code
from app.domain.money import amount_text, yuan
from app.domain.violations import RuleCode, RuleViolation, violation
from app.schemas.declaration import DeclarationSet

CNY = "142"
RESIDENT_ID_CARD = "1"
SINGLE_LIMIT = Decimal(5000)
ANNUAL_LIMIT = Decimal(26000)
# Two amounts agree when they differ by less than one fen.
TOLERANCE = Decimal("0.01")
WAYBILL_REUSE_MONTHS = 6
# The annual limit runs by calendar year in China time, which has no daylight saving.
CHINA_TIME = timezone(timedelta(hours=8), "China")

# The role each enterprise field of the declaration must be filed with.
ROLE_OF_FIELD: dict[str, str] = {
    "/order/ebpCode": "platform",
    "/order/ebcCode": "ecommerce",
    "/payment/payCode": "payment",
    "/logistics/logisticsCode": "logistics",
}
ROLE_NAMES_ZH = {
    "platform": "电商平台",
    "ecommerce": "电商企业",
    "payment": "支付企业",
    "logistics": "物流企业",
    "agent": "申报企业",
}


@dataclass(frozen=True, slots=True)
class FilingFacts:
    """What the rules need to know of one enterprise filing."""

    roles: frozenset[str]
    status: str
    # On the credit negative list now (信用负面清单: barred from new declarations).
    listed: bool = False


def agree(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) < TOLERANCE


def dutiable_value(ds: DeclarationSet) -> Decimal:
    """The value the limits apply to: goods + freight + the waybill's insurance."""
    return ds.order.goodsValue + ds.order.freight + (ds.logistics.insuredFee or Decimal(0))


def is_single_indivisible_item(ds: DeclarationSet) -> bool:
    items = ds.order.items
    return len(items) == 1 and items[0].qty == 1


def china_year(moment: datetime) -> int:
    return moment.astimezone(CHINA_TIME).year


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time ``months`` calendar months earlier (day clamped)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, _days_in_month(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def _days_in_month(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return (following - timedelta(days=1)).day


def enterprise_codes(ds: DeclarationSet) -> dict[str, str]:
    """Pointer → customs code for every enterprise the declaration names."""
    return {
        "/order/ebpCode": ds.order.ebpCode,
        "/order/ebcCode": ds.order.ebcCode,
        "/payment/payCode": ds.payment.payCode,
        "/logistics/logisticsCode": ds.logistics.logisticsCode,
    }


def check_documents(ds: DeclarationSet) -> list[RuleViolation]:
    """Every rule that needs nothing but the documents themselves."""
    return [
        *_matching(ds),
        *_amounts(ds),
        *_lines(ds),
        *_parties(ds),
        *_currencies(ds),
        *_identity(ds),
        *_single_limit(ds),
    ]


def _matching(ds: DeclarationSet) -> Iterable[RuleViolation]:
    order, payment, logistics = ds.order, ds.payment, ds.logistics
    for pointer, found in (
        ("/payment/orderNo", payment.orderNo),
        ("/logistics/orderNo", logistics.orderNo),
    ):
        if found != order.orderNo:
            yield violation(
                RuleCode.ORDER_NO_MISMATCH, pointer, found=found, expected=order.orderNo
            )
    if payment.ebpCode != order.ebpCode:
        yield violation(
            RuleCode.PLATFORM_MISMATCH,
            "/payment/ebpCode",
            found=payment.ebpCode,
            expected=order.ebpCode,
        )
    for field, ordered, paid in (
        ("payCode", order.payCode, payment.payCode),
        ("payTransactionId", order.payTransactionId, payment.payTransactionId),
    ):
        if ordered is not None and ordered != paid:
            yield violation(
                RuleCode.PAYMENT_REF_MISMATCH,
                f"/order/{field}",
                field=field,
                expected=ordered,
                found=paid,
            )


def _amounts(ds: DeclarationSet) -> Iterable[RuleViolation]:
    order = ds.order
    expected_paid = order.goodsValue + order.freight + order.taxTotal - order.discount
    if not agree(order.acturalPaid, expected_paid):
        yield violation(
            RuleCode.PAID_AMOUNT_FORMULA,
            "/order/acturalPaid",
            found=order.acturalPaid,
            expected=amount_text(expected_paid),
        )
    if not agree(ds.payment.amountPaid, order.acturalPaid):
        yield violation(
            RuleCode.PAID_AMOUNT_MISMATCH,
            "/payment/amountPaid",
            found=ds.payment.amountPaid,
            expected=order.acturalPaid,
        )
    lines_total = sum((item.totalPrice for item in order.items), Decimal(0))
    if not agree(order.goodsValue, lines_total):
        yield violation(
            RuleCode.GOODS_VALUE_MISMATCH,
            "/order/goodsValue",
            found=order.goodsValue,
            expected=amount_text(lines_total),
        )


def _lines(ds: DeclarationSet) -> Iterable[RuleViolation]:
    for index, item in enumerate(ds.order.items):
        pointer = f"/order/items/{index}"
        if item.gnum != index + 1:
            yield violation(
                RuleCode.LINE_NUMBERING, f"{pointer}/gnum", found=item.gnum, expected=index + 1
            )
        expected_total = item.qty * item.price
        if not agree(item.totalPrice, expected_total):
            yield violation(
                RuleCode.LINE_TOTAL_MISMATCH,
                f"{pointer}/totalPrice",
                found=item.totalPrice,
                expected=amount_text(expected_total),
            )
        if not is_hs_code(item.gcode):
            yield violation(RuleCode.HS_CODE_INVALID, f"{pointer}/gcode", found=item.gcode)


def _parties(ds: DeclarationSet) -> Iterable[RuleViolation]:
    order, payment, logistics = ds.order, ds.payment, ds.logistics
    if payment.payerIdNumber != order.buyerIdNumber:
        yield violation(
            RuleCode.PAYER_NOT_BUYER,
            "/payment/payerIdNumber",
            field="ID number",
            field_zh="证件号码",
        )
    if payment.payerName != order.buyerName:
        yield violation(
            RuleCode.PAYER_NOT_BUYER, "/payment/payerName", field="name", field_zh="姓名"
        )
    for field, field_zh, ordered, shipped in (
        ("consignee", "收货人", order.consignee, logistics.consignee),
        (
            "consigneeTelephone",
            "收货人电话",
            order.consigneeTelephone,
            logistics.consigneeTelephone,
        ),
        ("consigneeAddress", "收货地址", order.consigneeAddress, logistics.consigneeAddress),
    ):
        if ordered != shipped:
            yield violation(
                RuleCode.CONSIGNEE_MISMATCH, f"/logistics/{field}", field=field, field_zh=field_zh
            )


def _currencies(ds: DeclarationSet) -> Iterable[RuleViolation]:
    currencies = [
        ("/order/currency", ds.order.currency),
        *((f"/order/items/{i}/currency", item.currency) for i, item in enumerate(ds.order.items)),
        ("/payment/currency", ds.payment.currency),
        ("/logistics/currency", ds.logistics.currency),
    ]
    for pointer, currency in currencies:
        if currency != CNY:
            yield violation(RuleCode.CURRENCY_NOT_CNY, pointer, found=currency)


def _identity(ds: DeclarationSet) -> Iterable[RuleViolation]:
    today = datetime.now(CHINA_TIME).date()  # a birth date still to come is refused
    for prefix, id_type, id_number in (
        ("/order/buyer", ds.order.buyerIdType, ds.order.buyerIdNumber),
        ("/payment/payer", ds.payment.payerIdType, ds.payment.payerIdNumber),
    ):
        if id_type != RESIDENT_ID_CARD:
            yield violation(RuleCode.ID_TYPE_UNSUPPORTED, f"{prefix}IdType", found=id_type)
        elif not resident_id.is_valid(id_number, today):
            yield violation(RuleCode.ID_NUMBER_INVALID, f"{prefix}IdNumber", found=id_number)


def _single_limit(ds: DeclarationSet) -> Iterable[RuleViolation]:
    value = dutiable_value(ds)
    # One indivisible item above the limit may still come in; it is taxed in full later.
    if value > SINGLE_LIMIT and not is_single_indivisible_item(ds):
        yield violation(
            RuleCode.SINGLE_LIMIT_EXCEEDED,
            "/order/goodsValue",
            found=amount_text(value),
            limit=yuan(SINGLE_LIMIT),
        )


def check_filings(ds: DeclarationSet, filings: Mapping[str, FilingFacts]) -> list[RuleViolation]:
    """Each named enterprise has an active filing with the role its field requires, and
    is not on the credit negative list."""
    found: list[RuleViolation] = []
    for pointer, code in enterprise_codes(ds).items():
        filing = filings.get(code)
        role = ROLE_OF_FIELD[pointer]
        if filing is None:
            found.append(violation(RuleCode.ENTERPRISE_NOT_FILED, pointer, found=code))
            continue
        if role not in filing.roles:
            found.append(
                violation(
                    RuleCode.ENTERPRISE_ROLE_MISMATCH,
                    pointer,
                    found=code,
                    role=role,
                    role_zh=ROLE_NAMES_ZH[role],
                )
            )
        if filing.status != "active":
            found.append(
                violation(RuleCode.ENTERPRISE_INACTIVE, pointer, found=code, status=filing.status)
            )
        if filing.listed:
            found.append(violation(RuleCode.ENTERPRISE_LISTED, pointer, found=code))
    return found


def check_filed_products(
    ds: DeclarationSet, filed: Mapping[tuple[str, str], str]
) -> list[RuleViolation]:
    """The lines naming an item the e-commerce company filed (商品备案) declare the HS
    code it is filed with (``filed``: (ebcCode, itemNo) → HS code)."""
    if not filed:
        return []
    ebc = ds.order.ebcCode
    found = []
    for index, item in enumerate(ds.order.items):
        if item.itemNo is None:
            continue
        hs_code = filed.get((ebc, item.itemNo))
        if hs_code is not None and item.gcode != hs_code:
            found.append(goods.hs_code_differs(index, item.gcode, hs_code, item.itemNo))
    return found


def check_annual_limit(ds: DeclarationSet, used_this_year: Decimal) -> list[RuleViolation]:
    value = dutiable_value(ds)
    if used_this_year + value <= ANNUAL_LIMIT:
        return []
    return [
        violation(
            RuleCode.ANNUAL_LIMIT_EXCEEDED,
            "/order/buyerIdNumber",
            found=amount_text(value),
            used=amount_text(used_this_year),
            limit=yuan(ANNUAL_LIMIT),
        )
    ]


def check_waybill(ds: DeclarationSet, reused: bool) -> list[RuleViolation]:
    if not reused:
        return []
    return [
        violation(
            RuleCode.WAYBILL_REUSED,
            "/logistics/logisticsNo",
            found=ds.logistics.logisticsNo,
            company=ds.logistics.logisticsCode,
        )
    ]
