"""Inspection and quarantine (检验检疫): prohibited and flagged categories, by HS chapter."""

from collections.abc import Mapping
from typing import Any

from app.agencies.wire import FilingMessage, Reason, ReceiptStatus
from mock_agencies.documents import DeclarationDocuments
from mock_agencies.rules.decision import Decision, rejected
from mock_agencies.rules.sampling import selected

# Not allowed as retail imports at all.
PROHIBITED_CHAPTERS: dict[str, str] = {
    "01": "live animals",
    "02": "meat and edible meat offal (fresh, chilled or frozen)",
}
# The chapters' names in Chinese, for the reasons' messageZh.
CHAPTERS_ZH: dict[str, str] = {
    "01": "活动物",
    "02": "肉及食用杂碎（鲜、冷、冻）",
    "04": "乳品、蛋品、天然蜂蜜",
    "19": "谷物及乳制品、婴幼儿配方食品",
    "21": "杂项食品",
    "33": "化妆品及盥洗用品",
}
# Allowed, but sampled for inspection.
FLAGGED_CHAPTERS: dict[str, str] = {
    "04": "dairy produce, eggs, honey",
    "19": "cereal and milk preparations, infant formula",
    "21": "food preparations",
    "33": "cosmetics and toiletries",
}
DEFAULT_SAMPLING_RATE = 1.0


def sampled(declaration_id: str, rate: float = DEFAULT_SAMPLING_RATE) -> bool:
    """Whether a declaration of flagged goods is inspected; the same answer every time."""
    return selected(declaration_id, "quarantine-sampling", rate)


def decide(
    declaration_id: str,
    documents: DeclarationDocuments,
    *,
    sampling_rate: float = DEFAULT_SAMPLING_RATE,
) -> Decision:
    chapters = [item.gcode[:2] for item in documents.order.items]
    prohibited = [
        Reason(
            code="prohibited_goods",
            message=f"line {n}: HS chapter {chapter} ({PROHIBITED_CHAPTERS[chapter]}) "
            "may not be imported as a cross-border retail import",
            messageZh=f"第 {n} 行：HS 第 {chapter} 章（{CHAPTERS_ZH[chapter]}）"
            "不得以跨境电商零售方式进口",
        )
        for n, chapter in enumerate(chapters, start=1)
        if chapter in PROHIBITED_CHAPTERS
    ]
    if prohibited:
        return rejected(*prohibited)
    flagged = sorted({chapter for chapter in chapters if chapter in FLAGGED_CHAPTERS})
    if flagged and sampled(declaration_id, sampling_rate):
        why = Reason(
            code="category_sampled",
            message="selected for inspection: "
            + ", ".join(f"chapter {c} ({FLAGGED_CHAPTERS[c]})" for c in flagged),
            messageZh="抽中查验：" + "、".join(f"第 {c} 章（{CHAPTERS_ZH[c]}）" for c in flagged),
        )
        return Decision(ReceiptStatus.PASSED, inspected=True, inspection_reasons=(why,))
    return Decision(ReceiptStatus.PASSED)


# -- 原产地证申领企业备案: certificate-of-origin applicant registration --------------------

CERTIFICATE_OF_ORIGIN = "certificate_of_origin"
_HS_CODE_DIGITS = 10


def review_origin_applicant(filing: FilingMessage, fields: Mapping[str, Any]) -> list[Reason]:
    """Inspection's review of a certificate-of-origin applicant registration: why it is
    refused (none: approved). An enterprise on the credit negative list, or graded
    discredited, is not registered; nor one naming goods not identified by 10-digit HS
    codes."""
    reasons = []
    if filing.listed:
        reasons.append(
            Reason(
                code="applicant_listed",
                message="the enterprise is on the credit negative list",
                messageZh="该企业已列入信用负面清单",
            )
        )
    if filing.creditGrade == "discredited":
        reasons.append(
            Reason(
                code="applicant_discredited",
                message="the enterprise's credit grade is discredited",
                messageZh="该企业信用等级为失信企业",
            )
        )
    codes = [str(code) for code in fields.get("hsCodes") or []]
    wrong = [c for c in codes if not (c.isascii() and c.isdigit() and len(c) == _HS_CODE_DIGITS)]
    if wrong or not codes:
        reasons.append(
            Reason(
                code="goods_unidentified",
                message=f"the goods must be named by 10-digit HS codes: {', '.join(wrong)}",
                messageZh=f"商品应以10位商品编码申报：{'、'.join(wrong)}",
            )
        )
    return reasons
