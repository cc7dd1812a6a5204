"""What an agency decides about one declaration, before it becomes receipts."""

from dataclasses import dataclass

from app.agencies.wire import Reason, ReceiptStatus, TaxAssessment


@dataclass(frozen=True, slots=True)
class Decision:
    """The final status, and whether an inspection receipt comes before it."""

    final: ReceiptStatus
    reasons: tuple[Reason, ...] = ()
    inspected: bool = False
    # Why the declaration was picked for inspection (carried on the inspection receipt).
    inspection_reasons: tuple[Reason, ...] = ()
    tax: TaxAssessment | None = None


def rejected(*reasons: Reason, tax: TaxAssessment | None = None) -> Decision:
    return Decision(ReceiptStatus.REJECTED, reasons=reasons, tax=tax)
