"""Customs (海关): the positive list, the single and annual limits, risk sampling."""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from importlib import resources

from app.agencies.wire import Reason, ReceiptStatus
from mock_agencies.documents import DeclarationDocuments
from mock_agencies.rules.decision import Decision, rejected
from mock_agencies.rules.limits import ANNUAL_LIMIT, SINGLE_LIMIT
from mock_agencies.rules.sampling import selected

# Inspection rates by the e-commerce company's credit grade; 2019 figures were 0.57% for
# advanced-certified and 84.76% for discredited enterprises.
SAMPLING_RATE: dict[str, float] = {"advanced": 0.005, "general": 0.05, "discredited": 0.80}
DETENTION_RATE = 0.10  # of the inspected
UNKNOWN_GRADE = "general"
HS_CODE = re.compile(r"[0-9]{10}")  # ASCII digits only: str.isdigit() also takes "６"


class PositiveList:
    """Codes that may come in as cross-border retail imports. An entry covers every
    10-digit HS code it is a prefix of: the list's own 8-digit tariff numbers, or
    headings, or single codes."""

    def __init__(self, entries: Iterable[str]) -> None:
        self._entries = frozenset(entries)
        self._lengths = sorted({len(entry) for entry in self._entries})

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str) or not HS_CODE.fullmatch(code):
            return False
        return any(code[:n] in self._entries for n in self._lengths)

    def __len__(self) -> int:
        return len(self._entries)


@cache
def load_positive_list() -> PositiveList:
    source = resources.files("mock_agencies") / "data" / "positive_list.csv"
    with source.open(encoding="utf-8") as rows:
        records = csv.DictReader(row for row in rows if not row.startswith("#"))
        return PositiveList(record["tariffNumber"] for record in records)


def off_the_list(documents: DeclarationDocuments, positive_list: PositiveList) -> list[Reason]:
    return [
        Reason(
            code="not_on_positive_list",
            message=f"line {n}: HS code {item.gcode} is not on the cross-border retail import list",
            messageZh=f"第 {n} 行：HS 编码 {item.gcode} 不在跨境电子商务零售进口商品清单内",
        )
        for n, item in enumerate(documents.order.items, start=1)
        if item.gcode not in positive_list
    ]


def over_limits(documents: DeclarationDocuments, used_this_year: Decimal) -> list[Reason]:
    """``used_this_year``: the buyer's other declarations this calendar year (China time)."""
    value = documents.dutiable_value
    reasons = []
    if value > SINGLE_LIMIT and not documents.is_single_indivisible_item:
        reasons.append(
            Reason(
                code="single_limit_exceeded",
                message=f"dutiable value {value} exceeds the single-transaction limit "
                f"{SINGLE_LIMIT} (CEB -621005)",
                messageZh=f"完税价格 {value} 超过单次交易限值 {SINGLE_LIMIT}（CEB -621005）",
            )
        )
    if used_this_year + value > ANNUAL_LIMIT:
        reasons.append(
            Reason(
                code="annual_limit_exceeded",
                message=f"{used_this_year} already used this year plus {value} exceeds the "
                f"buyer's annual limit {ANNUAL_LIMIT} (CEB -621018)",
                messageZh=f"本年已用 {used_this_year}，加上本单 {value}，超过年度交易限值 "
                f"{ANNUAL_LIMIT}（CEB -621018）",
            )
        )
    return reasons


def sampled(declaration_id: str, credit_grade: str) -> bool:
    rate = SAMPLING_RATE.get(credit_grade, SAMPLING_RATE[UNKNOWN_GRADE])
    return selected(declaration_id, "customs-sampling", rate)


def detained(declaration_id: str) -> bool:
    return selected(declaration_id, "customs-detention", DETENTION_RATE)


# 信用负面清单: a listed e-commerce company's declarations are all inspected (事中全面查验).
LISTED = Reason(
    code="negative_list",
    message="the e-commerce company is on the credit negative list: every declaration of "
    "it is inspected",
    messageZh="电商企业列入信用负面清单：其申报单全面查验",
)
DETAINED = Reason(
    code="inspection_findings",
    message="detained after inspection",
    messageZh="查验后扣留",
)
# The credit grades as customs names them in Chinese.
GRADE_ZH = {"advanced": "高级认证企业", "general": "一般信用企业", "discredited": "失信企业"}


def fully_inspected(declaration_id: str) -> Decision:
    """Inspected because the e-commerce company is listed; detained as often as any
    inspected declaration."""
    if detained(declaration_id):
        return Decision(
            ReceiptStatus.DETAINED,
            reasons=(DETAINED,),
            inspected=True,
            inspection_reasons=(LISTED,),
        )
    return Decision(ReceiptStatus.RELEASED, inspected=True, inspection_reasons=(LISTED,))


def decide(
    declaration_id: str,
    documents: DeclarationDocuments,
    *,
    credit_grade: str,
    used_this_year: Decimal,
    positive_list: PositiveList,
    listed: bool = False,
) -> Decision:
    refusals = [*off_the_list(documents, positive_list), *over_limits(documents, used_this_year)]
    if refusals:
        return rejected(*refusals)
    if listed:
        return fully_inspected(declaration_id)
    if not sampled(declaration_id, credit_grade):
        return Decision(ReceiptStatus.RELEASED)
    why = Reason(
        code="risk_sampled",
        message=f"selected for inspection by risk sampling, credit grade {credit_grade}",
        messageZh=f"风险布控抽中查验（{GRADE_ZH.get(credit_grade, credit_grade)}）",
    )
    if detained(declaration_id):
        return Decision(
            ReceiptStatus.DETAINED, reasons=(DETAINED,), inspected=True, inspection_reasons=(why,)
        )
    return Decision(ReceiptStatus.RELEASED, inspected=True, inspection_reasons=(why,))
