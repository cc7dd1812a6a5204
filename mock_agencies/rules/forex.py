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


def decide(documents: DeclarationDocuments, payment_company: Filing | None) -> Decision:
    code = documents.payment.payCode
    if payment_company is None:
        problem = "is not filed with forex"
    elif PAYMENT_ROLE not in payment_company.roles:
        problem = "is not filed with forex as a payment company"
    elif payment_company.status != ACTIVE:
        problem = f"is filed with forex but {payment_company.status}, not active"
    else:
        return Decision(ReceiptStatus.RECORDED)
    return rejected(
        Reason(code="payment_company_not_registered", message=f"payment company {code} {problem}")
    )
