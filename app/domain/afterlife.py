"""What may happen to a declaration after it is accepted: amendment, cancellation and
return, and what each gives back. Pure: the store reads the declaration (locked) and
writes what is decided here.

The state machine (README, "A declaration's life"):

- **amend** (the platform or the e-commerce company): while no agency has released or
  detained the goods (accepted, in review, inspection), or after a refusal (rejected).
  The corrected set is decided as a new one; the version goes up and the agencies decide
  it afresh (status ``accepted``).
- **cancel** (the platform or the e-commerce company): before customs releases the goods,
  at once (``cancelled``; the agencies are told to withdraw it); after release and within
  the return window, customs must agree, then tax voids the tax bill and forex reverses
  the payment (``cancelled``). The buyer's annual quota gets the value back.
- **return** (the platform or the e-commerce company): after release (``cleared`` or
  ``partially_returned``) and within the return window, some or all of the goods; customs
  must agree, then tax refunds the tax of the lines returned and forex reverses that part
  of the payment (``returned`` when everything bought has come back, else
  ``partially_returned``). The quota gets the returned lines' value back.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from app.domain.clearance import AgencyStatus, ClearanceStatus
from app.domain.decision import from_quota_units, to_quota_units
from app.domain.violations import RuleViolation

DEFAULT_RETURN_WINDOW = timedelta(days=30)


class ActionKind(StrEnum):
    CANCELLATION = "cancellation"
    RETURN = "return"


class ActionState(StrEnum):
    """Where a cancellation or a return stands."""

    AWAITING_CUSTOMS = "awaiting_customs"  # asked; customs has to agree
    AWAITING_AGENCIES = "awaiting_agencies"  # customs agreed; tax and forex to answer
    COMPLETED = "completed"  # done: quota given back, tax refunded
    REFUSED = "refused"  # customs did not agree; nothing changed


OPEN_STATES = frozenset({ActionState.AWAITING_CUSTOMS, ActionState.AWAITING_AGENCIES})

# Where the agencies' folded answer has not released or detained the goods yet.
_UNDECIDED = frozenset(
    {ClearanceStatus.ACCEPTED, ClearanceStatus.IN_REVIEW, ClearanceStatus.INSPECTION}
)
_HELD = frozenset({AgencyStatus.RELEASED, AgencyStatus.DETAINED})
RETURNABLE = frozenset({ClearanceStatus.CLEARED, ClearanceStatus.PARTIALLY_RETURNED})


@dataclass(frozen=True, slots=True)
class Standing:
    """What a declaration's stored state says, as far as these actions care."""

    status: ClearanceStatus
    customs: AgencyStatus
    released_at: datetime | None
    # A cancellation or return asked for and not finished.
    open_action: ActionKind | None = None


@dataclass(frozen=True, slots=True)
class Blocked:
    """Why an action is not allowed now: a stable code (the 409's), and the words."""

    code: str
    message: str
    message_zh: str


def _not_now(code: str, action: str, action_zh: str, standing: Standing) -> Blocked:
    status = standing.status.value
    return Blocked(
        code,
        f"The declaration is {status}: it cannot be {action} now.",
        f"申报单状态为 {status}，当前不能{action_zh}。",
    )


def _open(standing: Standing) -> Blocked | None:
    if standing.open_action is None:
        return None
    kind = standing.open_action.value
    return Blocked(
        "action_in_progress",
        f"A {kind} of this declaration is waiting for the agencies' answers.",
        f"该申报单的{'撤销' if kind == 'cancellation' else '退货'}申请正在等待各部门回执。",
    )


def may_amend(standing: Standing) -> Blocked | None:
    if (blocked := _open(standing)) is not None:
        return blocked
    if standing.status is ClearanceStatus.REJECTED:
        return None
    if standing.status in _UNDECIDED and standing.customs not in _HELD:
        return None
    return _not_now("declaration_not_amendable", "amended", "修改", standing)


class CancelPath(StrEnum):
    WITHDRAW = "withdraw"  # before release: cancelled at once
    ASK_CUSTOMS = "ask_customs"  # after release: customs has to agree


def _window_closed(released_at: datetime, now: datetime, window: timedelta) -> Blocked | None:
    if now <= released_at + window:
        return None
    days = window.days
    return Blocked(
        "return_window_closed",
        f"The goods were released on {released_at.date().isoformat()}, more than {days} "
        "days ago: the return window has closed.",
        f"货物已于 {released_at.date().isoformat()} 放行，超过 {days} 天，退货期限已过。",
    )


def cancellation_path(standing: Standing, now: datetime, window: timedelta) -> CancelPath | Blocked:
    if (blocked := _open(standing)) is not None:
        return blocked
    if standing.status in _UNDECIDED and standing.customs not in _HELD:
        return CancelPath.WITHDRAW
    if standing.status is ClearanceStatus.CLEARED and standing.released_at is not None:
        return _window_closed(standing.released_at, now, window) or CancelPath.ASK_CUSTOMS
    if (
        standing.status in _UNDECIDED
        and standing.customs is AgencyStatus.RELEASED
        and standing.released_at is not None
    ):
        # Released by customs, the other agencies still to answer.
        return _window_closed(standing.released_at, now, window) or CancelPath.ASK_CUSTOMS
    return _not_now("declaration_not_cancellable", "cancelled", "撤销", standing)


def may_return(standing: Standing, now: datetime, window: timedelta) -> Blocked | None:
    # Returns may overlap one another (what each takes back is counted), not a
    # cancellation.
    if standing.open_action is ActionKind.CANCELLATION:
        return _open(standing)
    if standing.status not in RETURNABLE or standing.released_at is None:
        return _not_now("declaration_not_returnable", "returned", "退货", standing)
    return _window_closed(standing.released_at, now, window)


# -- the lines of a return -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoughtLine:
    gnum: int
    qty: Decimal
    total_price: Decimal


@dataclass(frozen=True, slots=True)
class ReturnLine:
    gnum: int
    qty: Decimal


def check_return_lines(
    bought: Sequence[BoughtLine],
    returned_before: Mapping[int, Decimal],
    asked: Sequence[ReturnLine],
) -> list[RuleViolation]:
    """Every line of a return that names no line bought, repeats one, or with the returns
    before it would send back more than was bought (``returned_before``: what returns not
    refused already take back, by gnum)."""
    lines = {line.gnum: line for line in bought}
    found: list[RuleViolation] = []
    seen: set[int] = set()
    for index, line in enumerate(asked):
        pointer = f"/items/{index}"
        if line.gnum not in lines:
            found.append(
                RuleViolation(
                    "return_line_unknown",
                    f"{pointer}/gnum",
                    f"the declaration has no line {line.gnum}",
                    f"申报单没有序号为 {line.gnum} 的商品",
                )
            )
            continue
        if line.gnum in seen:
            found.append(
                RuleViolation(
                    "return_line_repeated",
                    f"{pointer}/gnum",
                    f"line {line.gnum} is named twice in this return",
                    f"商品序号 {line.gnum} 在本次退货中重复出现",
                )
            )
            continue
        seen.add(line.gnum)
        if line.qty <= 0:
            found.append(
                RuleViolation(
                    "return_qty_invalid",
                    f"{pointer}/qty",
                    f"line {line.gnum}: a return sends back more than nothing, not {line.qty}",
                    f"商品序号 {line.gnum}：退货数量应大于 0，而非 {line.qty}",
                )
            )
            continue
        left = lines[line.gnum].qty - returned_before.get(line.gnum, Decimal(0))
        if line.qty > left:
            found.append(
                RuleViolation(
                    "return_exceeds_bought",
                    f"{pointer}/qty",
                    f"line {line.gnum}: {line.qty} returned, but only {left} of "
                    f"{lines[line.gnum].qty} bought is left to return",
                    f"商品序号 {line.gnum}：退货数量 {line.qty}，"
                    f"但购买的 {lines[line.gnum].qty} 中仅剩 {left} 可退",
                )
            )
    return found


def add_up(*returns: Mapping[int, Decimal] | Sequence[ReturnLine]) -> dict[int, Decimal]:
    """Quantities by gnum, summed over several returns."""
    total: dict[int, Decimal] = {}
    for lines in returns:
        pairs = lines.items() if isinstance(lines, Mapping) else ((r.gnum, r.qty) for r in lines)
        for gnum, qty in pairs:
            total[gnum] = total.get(gnum, Decimal(0)) + qty
    return total


def fully_returned(bought: Sequence[BoughtLine], returned: Mapping[int, Decimal]) -> bool:
    return all(returned.get(line.gnum, Decimal(0)) >= line.qty for line in bought)


def line_value(line: BoughtLine, qty: Decimal) -> Decimal:
    """The part of a line's total price that ``qty`` of it is worth."""
    return line.total_price * qty / line.qty


def _given_back(charge: int, bought: Sequence[BoughtLine], returned: Mapping[int, Decimal]) -> int:
    """What returns of ``returned`` give back to the quota in all: the whole charge once
    everything has come back (the freight and insurance with it), else the lines' value."""
    if fully_returned(bought, returned):
        return charge
    value = sum(
        (line_value(line, returned[line.gnum]) for line in bought if line.gnum in returned),
        Decimal(0),
    )
    return min(charge, to_quota_units(value))


def quota_given_back(
    charge: int,
    bought: Sequence[BoughtLine],
    returned_before: Mapping[int, Decimal],
    returned_now: Sequence[ReturnLine],
) -> int:
    """What one return gives back to the buyer's annual quota, in quota units: counted
    from what all returns so far give back, so that returns adding up to everything give
    back exactly what the declaration charged."""
    after = add_up(returned_before, returned_now)
    return _given_back(charge, bought, after) - _given_back(charge, bought, returned_before)


def returned_value(
    bought: Sequence[BoughtLine], returned: Sequence[ReturnLine]
) -> dict[int, Decimal]:
    """Each returned line's value, by gnum."""
    lines = {line.gnum: line for line in bought}
    return {r.gnum: line_value(lines[r.gnum], r.qty) for r in returned if r.gnum in lines}


def after_return(bought: Sequence[BoughtLine], returned: Mapping[int, Decimal]) -> ClearanceStatus:
    """The status once returns of ``returned`` (all of them so far) are done."""
    if fully_returned(bought, returned):
        return ClearanceStatus.RETURNED
    return ClearanceStatus.PARTIALLY_RETURNED


def quota_amount(units: int) -> Decimal:
    return from_quota_units(units)
