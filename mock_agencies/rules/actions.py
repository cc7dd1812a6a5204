"""What an agency answers when asked to withdraw, cancel or take back a declaration.

- Withdrawal (before release): every agency drops the declaration and the receipts it
  has yet to send, and answers ``withdrawn``, also about a declaration it never saw.
- Cancellation (after release): customs agrees (``approved``) and stops counting the
  declaration in the buyer's annual total; then tax voids the whole tax bill
  (``refunded``), forex reverses the payment record (``reversed``), and inspection,
  which has nothing to undo, drops the declaration (``withdrawn``).
- Return (after release, whole or in part): customs checks the lines sent back against
  the order and agrees, giving the value returned back to the buyer's annual total; tax
  refunds the tax of what was returned (``tax.refund_for_return``); forex reverses that
  part of the payment; inspection agrees.

Customs refuses an action about a declaration it does not know, and, under the
``refuseAfterRelease`` fault knob, every cancellation and return. Tax and forex decide
from the documents the action carries, known or not. Lines that do not match the order
(a line it does not have, more returned than declared) are refused by every agency that
reads them: no refund or reversal is worked out for goods that were never declared."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.agencies.wire import (
    ActionKind,
    ActionMessage,
    ActionStatus,
    AgencyName,
    Reason,
    ReturnedLine,
    TaxAssessment,
)
from mock_agencies.documents import DeclarationDocuments, UnreadableDocuments
from mock_agencies.rules import tax
from mock_agencies.rules.tax import FEN, RateTable

_ZERO = Decimal(0)


class Closed(StrEnum):
    """Final statuses a declaration's record takes after an action (besides the decided
    ones); like ``rejected``, neither counts in the buyer's annual total."""

    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to one action, and what it changes in the agency's own records."""

    status: ActionStatus
    reasons: tuple[Reason, ...] = ()
    refund: TaxAssessment | None = None
    # The record's new final status, if it changes.
    closed: Closed | None = None
    # The receipts not sent yet are dropped, never to be sent.
    drop_pending: bool = False
    # The dutiable value the returns so far give back to the buyer's annual total.
    given_back: Decimal | None = None


def refused(*reasons: Reason) -> Verdict:
    return Verdict(ActionStatus.REFUSED, reasons=reasons)


def decide(
    agency: AgencyName,
    action: ActionMessage,
    documents: DeclarationDocuments | UnreadableDocuments,
    *,
    known: bool,
    refuse_after_release: bool,
    rates: RateTable,
) -> Verdict:
    """``documents``: those the action carries, or why they could not be read;
    ``known``: whether the agency has a record of the declaration."""
    if action.kind is ActionKind.WITHDRAWAL:
        return _withdrawn()
    if agency is AgencyName.INSPECTION:
        # Quarantine has no bill or total to undo: a cancelled declaration is simply
        # dropped, and goods going back out raise no objection.
        if action.kind is ActionKind.CANCELLATION:
            return _withdrawn()
        return Verdict(ActionStatus.APPROVED)
    if agency is AgencyName.CUSTOMS and not known:
        return refused(
            Reason(
                code="declaration_unknown",
                message=f"customs has no declaration {action.declarationId}",
                messageZh=f"海关没有申报单 {action.declarationId}",
            )
        )
    if action.kind is ActionKind.CANCELLATION:
        return _cancellation(agency, action, documents, refuse_after_release, rates)
    return _return(agency, action, documents, refuse_after_release, rates)


def _withdrawn() -> Verdict:
    return Verdict(ActionStatus.WITHDRAWN, closed=Closed.WITHDRAWN, drop_pending=True)


def _cancellation(
    agency: AgencyName,
    action: ActionMessage,
    documents: DeclarationDocuments | UnreadableDocuments,
    refuse_after_release: bool,
    rates: RateTable,
) -> Verdict:
    match agency:
        case AgencyName.CUSTOMS:
            if refuse_after_release:
                return _customs_refuses(action)
            return Verdict(ActionStatus.APPROVED, closed=Closed.CANCELLED)
        case AgencyName.TAX:
            if isinstance(documents, UnreadableDocuments):
                return _unreadable(documents)
            return Verdict(
                ActionStatus.REFUNDED,
                refund=tax.assess_documents(documents, rates),
                closed=Closed.CANCELLED,
            )
        case _:
            return Verdict(ActionStatus.REVERSED, closed=Closed.CANCELLED)


def _return(
    agency: AgencyName,
    action: ActionMessage,
    documents: DeclarationDocuments | UnreadableDocuments,
    refuse_after_release: bool,
    rates: RateTable,
) -> Verdict:
    if isinstance(documents, UnreadableDocuments):
        return _unreadable(documents)
    problems = line_problems(documents, action)
    if problems:
        return refused(*problems)
    before = returned_quantities(action.returnedBefore)
    now = returned_quantities(action.lines)
    so_far = returned_quantities([*action.returnedBefore, *action.lines])
    given_back = returned_value(documents, so_far)
    match agency:
        case AgencyName.CUSTOMS:
            if refuse_after_release:
                return _customs_refuses(action)
            return Verdict(ActionStatus.APPROVED, given_back=given_back)
        case AgencyName.TAX:
            refund = tax.refund_for_return(documents, before, now, rates)
            return Verdict(ActionStatus.REFUNDED, refund=refund, given_back=given_back)
        case _:
            return Verdict(ActionStatus.REVERSED, given_back=given_back)


def _customs_refuses(action: ActionMessage) -> Verdict:
    return refused(
        Reason(
            code="customs_refused",
            message=f"customs does not agree to the {action.kind.value} of "
            f"{action.declarationId} after release",
            messageZh=f"海关不同意放行后{_KIND_ZH.get(action.kind, '处理')}"
            f"申报单 {action.declarationId}",
        )
    )


def _unreadable(problem: UnreadableDocuments) -> Verdict:
    return refused(
        Reason(
            code="documents_unreadable",
            message=f"the documents cannot be read: {problem}",
            messageZh="单证无法读取",
        )
    )


# What customs does not agree to, in Chinese.
_KIND_ZH = {ActionKind.CANCELLATION: "撤销", ActionKind.RETURN: "退货"}


def returned_quantities(lines: Iterable[ReturnedLine]) -> dict[int, Decimal]:
    """Quantities by line number; a line named more than once adds up."""
    totals: dict[int, Decimal] = {}
    for line in lines:
        totals[line.gnum] = totals.get(line.gnum, _ZERO) + line.qty
    return totals


def line_problems(documents: DeclarationDocuments, action: ActionMessage) -> list[Reason]:
    """The returned lines the order does not have, or of which more would have come back
    (this return and the earlier ones) than was declared: one reason per line."""
    lines = documents.lines_by_gnum
    so_far = returned_quantities([*action.returnedBefore, *action.lines])
    problems = []
    for gnum in sorted(so_far):
        line = lines.get(gnum)
        if line is None:
            problems.append(
                Reason(
                    code="return_line_unknown",
                    message=f"line {gnum}: no such line in the order",
                    messageZh=f"第 {gnum} 行：订单中没有此行",
                )
            )
        elif so_far[gnum] > line.qty:
            problems.append(
                Reason(
                    code="return_exceeds_quantity",
                    message=f"line {gnum}: {so_far[gnum]} returned in all, of {line.qty} declared",
                    messageZh=f"第 {gnum} 行：累计退货 {so_far[gnum]}，超过申报数量 {line.qty}",
                )
            )
    return problems


def returned_value(documents: DeclarationDocuments, so_far: dict[int, Decimal]) -> Decimal:
    """What the returns so far give back to the buyer's annual total: the whole dutiable
    value (freight and insurance too) once every line has come back in full, else the
    returned part of each line's price (totalPrice × returned / qty), to the fen."""
    lines = documents.lines_by_gnum
    if all(so_far.get(gnum, _ZERO) >= line.qty for gnum, line in lines.items()):
        return documents.dutiable_value
    value = sum(
        (
            line.totalPrice * so_far[gnum] / line.qty
            for gnum, line in lines.items()
            if gnum in so_far
        ),
        _ZERO,
    )
    return value.quantize(FEN, rounding=ROUND_HALF_UP)
