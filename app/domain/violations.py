"""Rule violations and their stable codes, with messages in English and Chinese."""

from dataclasses import dataclass
from enum import StrEnum


class RuleCode(StrEnum):
    ORDER_NO_MISMATCH = "order_no_mismatch"
    PLATFORM_MISMATCH = "platform_mismatch"
    PAYMENT_REF_MISMATCH = "payment_ref_mismatch"
    PAID_AMOUNT_FORMULA = "paid_amount_formula"
    PAID_AMOUNT_MISMATCH = "paid_amount_mismatch"
    GOODS_VALUE_MISMATCH = "goods_value_mismatch"
    LINE_TOTAL_MISMATCH = "line_total_mismatch"
    LINE_NUMBERING = "line_numbering"
    PAYER_NOT_BUYER = "payer_not_buyer"
    CONSIGNEE_MISMATCH = "consignee_mismatch"
    CURRENCY_NOT_CNY = "currency_not_cny"
    ID_TYPE_UNSUPPORTED = "id_type_unsupported"
    ID_NUMBER_INVALID = "id_number_invalid"
    ENTERPRISE_NOT_FILED = "enterprise_not_filed"
    ENTERPRISE_ROLE_MISMATCH = "enterprise_role_mismatch"
    ENTERPRISE_INACTIVE = "enterprise_inactive"
    SINGLE_LIMIT_EXCEEDED = "single_limit_exceeded"
    ANNUAL_LIMIT_EXCEEDED = "annual_limit_exceeded"
    WAYBILL_REUSED = "waybill_reused"
    HS_CODE_INVALID = "hs_code_invalid"
    # 信用负面清单: an enterprise on the credit negative list is a party to no new
    # declaration while it is listed.
    ENTERPRISE_LISTED = "enterprise_listed"
    # Goods blocked after an upheld complaint (counterfeit, infringing, unsafe).
    PRODUCT_BLOCKED = "product_blocked"
    # Not a rule of the documents: the 409 of an intake, a violation of a dry run.
    DUPLICATE_ORDER = "duplicate_order"
    # Not a rule of the documents: an enterprise declares only as the platform or the
    # e-commerce company it names.
    NOT_A_PARTY = "not_a_party"


# (English, Chinese) templates, formatted with the keyword arguments given to ``violation``.
MESSAGES: dict[RuleCode, tuple[str, str]] = {
    RuleCode.ORDER_NO_MISMATCH: (
        "orderNo {found!r} differs from the order's {expected!r}",
        "订单编号 {found!r} 与订单的 {expected!r} 不一致",
    ),
    RuleCode.PLATFORM_MISMATCH: (
        "ebpCode {found!r} differs from the order's platform {expected!r}",
        "电商平台代码 {found!r} 与订单的 {expected!r} 不一致",
    ),
    RuleCode.PAYMENT_REF_MISMATCH: (
        "the order's {field} {expected!r} differs from the payment's {found!r}",
        "订单的 {field} {expected!r} 与支付单的 {found!r} 不一致",
    ),
    RuleCode.PAID_AMOUNT_FORMULA: (
        "acturalPaid {found} should be goodsValue + freight + taxTotal − discount = {expected}",
        "实际支付金额 {found} 应等于 商品价格 + 运杂费 + 代扣税款 − 非现金抵扣 = {expected}",
    ),
    RuleCode.PAID_AMOUNT_MISMATCH: (
        "amountPaid {found} differs from the order's acturalPaid {expected}",
        "支付金额 {found} 与订单实际支付金额 {expected} 不一致",
    ),
    RuleCode.GOODS_VALUE_MISMATCH: (
        "goodsValue {found} differs from the sum of the lines' totalPrice {expected}",
        "商品价格 {found} 与表体总价之和 {expected} 不一致",
    ),
    RuleCode.LINE_TOTAL_MISMATCH: (
        "totalPrice {found} should be qty × price = {expected}",
        "总价 {found} 应等于 数量 × 单价 = {expected}",
    ),
    RuleCode.LINE_NUMBERING: (
        "gnum {found} should be {expected}: lines are numbered 1, 2, 3 … in order",
        "商品序号 {found} 应为 {expected}：序号从 1 开始连续编号",
    ),
    RuleCode.PAYER_NOT_BUYER: (
        "the payer's {field} differs from the buyer's: the payer must be the buyer",
        "支付人{field_zh}与订购人不一致：支付人应为订购人本人",
    ),
    RuleCode.CONSIGNEE_MISMATCH: (
        "the waybill's {field} differs from the order's",
        "运单的{field_zh}与订单不一致",
    ),
    RuleCode.CURRENCY_NOT_CNY: (
        "currency {found!r} is not allowed: only 142 (CNY)",
        "币制 {found!r} 不允许：限定为人民币（142）",
    ),
    RuleCode.ID_TYPE_UNSUPPORTED: (
        "ID type {found!r} is not supported: only 1 (resident identity card)",
        "证件类型 {found!r} 不支持：仅限 1（身份证）",
    ),
    RuleCode.ID_NUMBER_INVALID: (
        "{found!r} is not a valid PRC resident identity number",
        "{found!r} 不是有效的居民身份证号码",
    ),
    RuleCode.ENTERPRISE_NOT_FILED: (
        "enterprise {found!r} has no filing with the single window",
        "企业 {found!r} 未在单一窗口备案",
    ),
    RuleCode.ENTERPRISE_ROLE_MISMATCH: (
        "enterprise {found!r} is not filed as a {role} enterprise",
        "企业 {found!r} 未以{role_zh}身份备案",
    ),
    RuleCode.ENTERPRISE_INACTIVE: (
        "enterprise {found!r} is {status} and cannot declare",
        "企业 {found!r} 状态为 {status}，不能申报",
    ),
    RuleCode.SINGLE_LIMIT_EXCEEDED: (
        "dutiable value {found} exceeds the single-transaction limit of CNY {limit}",
        "完税价格 {found} 超过单次交易限值 {limit} 元",
    ),
    RuleCode.ANNUAL_LIMIT_EXCEEDED: (
        "the buyer has used CNY {used} of the annual limit of {limit} this year; "
        "{found} more would exceed it",
        "订购人本年度已使用 {used} 元，年度限值 {limit} 元；再申报 {found} 元将超出",
    ),
    RuleCode.WAYBILL_REUSED: (
        "waybill {found!r} of logistics company {company!r} was used within the last 6 months",
        "物流企业 {company!r} 的运单号 {found!r} 在6个月内已被使用",
    ),
    RuleCode.HS_CODE_INVALID: (
        "gcode {found!r} is not a 10-digit HS code",
        "商品编码 {found!r} 不是有效的10位商品编码",
    ),
    RuleCode.ENTERPRISE_LISTED: (
        "enterprise {found!r} is on the credit negative list and cannot be a party to new "
        "declarations",
        "企业 {found!r} 已列入信用负面清单，不能作为新申报的当事企业",
    ),
    RuleCode.PRODUCT_BLOCKED: (
        "goods {found!r} were blocked after an upheld complaint and cannot be declared",
        "商品 {found!r} 因投诉成立已被禁止申报",
    ),
    RuleCode.DUPLICATE_ORDER: (
        "order {found!r} of platform {platform!r} has already been declared",
        "电商平台 {platform!r} 的订单 {found!r} 已申报",
    ),
    RuleCode.NOT_A_PARTY: (
        "the caller {caller!r} is neither the platform {found!r} nor the e-commerce company "
        "{ecommerce!r} of this declaration",
        "调用方 {caller!r} 既不是该申报的电商平台 {found!r}，也不是电商企业 {ecommerce!r}",
    ),
}


@dataclass(frozen=True, slots=True)
class RuleViolation:
    """One problem with a request. ``pointer`` is a JSON pointer into the body;
    ``parameter`` names a query or path parameter instead."""

    code: str
    pointer: str | None
    message: str
    messageZh: str
    parameter: str | None = None


def violation(code: RuleCode, pointer: str, **params: object) -> RuleViolation:
    english, chinese = MESSAGES[code]
    return RuleViolation(
        code=code.value,
        pointer=pointer,
        message=english.format(**params),
        messageZh=chinese.format(**params),
    )
