"""Foreign exchange (外汇): the payment company must be filed with forex, and active."""

from dataclasses import dataclass

from app.agencies.wire import Reason, ReceiptStatus
from mock_agencies.documents import DeclarationDocuments
from mock_agencies.rules.decision import Decision, rejected

PAYMENT_ROLE = "payment"
ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class Filing:
    """An enterprise filing as registered with this agency."""

    roles: frozenset[str]
    status: str
    credit_grade: str
    # On the credit negative list: until when (Unix time; None without an end).
    listed: bool = False
    listed_until: float | None = None

    def listed_at(self, now: float) -> bool:
        return self.listed and (self.listed_until is None or self.listed_until > now)


def decide(documents: DeclarationDocuments, payment_company: Filing | None) -> Decision:
    code = documents.payment.payCode
    if payment_company is None:
        problem, problem_zh = "is not filed with forex", "未在外汇管理部门备案"
    elif PAYMENT_ROLE not in payment_company.roles:
        problem = "is not filed with forex as a payment company"
        problem_zh = "未以支付企业身份在外汇管理部门备案"
    elif payment_company.status != ACTIVE:
        problem = f"is filed with forex but {payment_company.status}, not active"
        problem_zh = "已在外汇管理部门备案，但备案状态不是正常"
    else:
        return Decision(ReceiptStatus.RECORDED)
    return rejected(
        Reason(
            code="payment_company_not_registered",
            message=f"payment company {code} {problem}",
            messageZh=f"支付企业 {code} {problem_zh}",
        )
    )
