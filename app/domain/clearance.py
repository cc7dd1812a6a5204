"""The clearance state machine: per-agency results fold into one declaration status.

Pure functions. Receipts only move an agency's status forward (by rank), and the
declaration's status only moves forward too, so duplicate, late and reordered receipts
all end in the same place."""

from collections.abc import Mapping
from enum import StrEnum


class ClearanceStatus(StrEnum):
    ACCEPTED = "accepted"
    IN_REVIEW = "in_review"
    INSPECTION = "inspection"
    CLEARED = "cleared"
    DETAINED = "detained"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    PARTIALLY_RETURNED = "partially_returned"


# The CEB622 receipt code (returnStatus) users know for each status.
CEB_STATUS: dict[ClearanceStatus, int] = {
    ClearanceStatus.ACCEPTED: 120,  # 入库: entered into the customs system
    ClearanceStatus.IN_REVIEW: 300,  # 人工审核: under review
    ClearanceStatus.INSPECTION: 500,  # 查验: inspection
    ClearanceStatus.CLEARED: 800,  # 放行: released
    ClearanceStatus.DETAINED: 501,  # 扣留移送通关: detained
    ClearanceStatus.REJECTED: 100,  # 退单: returned by customs (refused)
    ClearanceStatus.CANCELLED: 899,  # 结关/撤销: closed
    ClearanceStatus.RETURNED: 700,  # 退运: returned abroad
    # Some of the goods returned: the rest stays released.
    ClearanceStatus.PARTIALLY_RETURNED: 800,
}

# Declarations in these statuses do not count towards the buyer's annual limit.
RELEASES_QUOTA = frozenset(
    {ClearanceStatus.REJECTED, ClearanceStatus.CANCELLED, ClearanceStatus.RETURNED}
)
FINAL = frozenset(
    {
        ClearanceStatus.CLEARED,
        ClearanceStatus.DETAINED,
        ClearanceStatus.REJECTED,
        ClearanceStatus.CANCELLED,
        ClearanceStatus.RETURNED,
        ClearanceStatus.PARTIALLY_RETURNED,
    }
)
# How far along the agencies' folded answer is. A detention outranks a rejection: customs
# may detain goods after another agency has already refused the declaration, and the
# status must end the same whichever receipt arrives first.
_DECLARATION_RANK: dict[ClearanceStatus, int] = {
    ClearanceStatus.ACCEPTED: 0,
    ClearanceStatus.IN_REVIEW: 1,
    ClearanceStatus.INSPECTION: 2,
    ClearanceStatus.CLEARED: 3,
    ClearanceStatus.REJECTED: 4,
    ClearanceStatus.DETAINED: 5,
}
# Set by the platform or after release, never by the agencies' fold: receipts no longer
# change a declaration in these.
CLOSED = frozenset(
    {ClearanceStatus.CANCELLED, ClearanceStatus.RETURNED, ClearanceStatus.PARTIALLY_RETURNED}
)


class Agency(StrEnum):
    CUSTOMS = "customs"
    INSPECTION = "inspection"
    TAX = "tax"
    FOREX = "forex"


class AgencyStatus(StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    INSPECTION = "inspection"
    RELEASED = "released"
    DETAINED = "detained"
    PASSED = "passed"
    ASSESSED = "assessed"
    RECORDED = "recorded"
    REJECTED = "rejected"


AGENCY_RANK: dict[AgencyStatus, int] = {
    AgencyStatus.PENDING: 0,
    AgencyStatus.ACKNOWLEDGED: 1,
    AgencyStatus.INSPECTION: 2,
    AgencyStatus.RELEASED: 3,
    AgencyStatus.DETAINED: 3,
    AgencyStatus.PASSED: 3,
    AgencyStatus.ASSESSED: 3,
    AgencyStatus.RECORDED: 3,
    AgencyStatus.REJECTED: 3,
}

# What each agency answers when it has nothing against the declaration.
CLEARS: dict[Agency, AgencyStatus] = {
    Agency.CUSTOMS: AgencyStatus.RELEASED,
    Agency.INSPECTION: AgencyStatus.PASSED,
    Agency.TAX: AgencyStatus.ASSESSED,
    Agency.FOREX: AgencyStatus.RECORDED,
}


def advances(current: AgencyStatus, received: AgencyStatus) -> bool:
    """Whether a receipt moves an agency's status forward. The first decision stands."""
    return AGENCY_RANK[received] > AGENCY_RANK[current]


def fold(statuses: Mapping[Agency, AgencyStatus]) -> ClearanceStatus:
    """The one status the per-agency results add up to."""
    values = set(statuses.values())
    if statuses.get(Agency.CUSTOMS) == AgencyStatus.DETAINED:
        return ClearanceStatus.DETAINED
    if AgencyStatus.REJECTED in values:
        return ClearanceStatus.REJECTED
    if all(statuses.get(agency) == cleared for agency, cleared in CLEARS.items()):
        return ClearanceStatus.CLEARED
    if AgencyStatus.INSPECTION in values:
        return ClearanceStatus.INSPECTION
    if values <= {AgencyStatus.PENDING}:
        return ClearanceStatus.ACCEPTED
    return ClearanceStatus.IN_REVIEW


def next_status(current: ClearanceStatus, folded: ClearanceStatus) -> ClearanceStatus:
    """Move forward only: an inspection stays an inspection until it ends, and once the
    agencies' answers are final only a graver outcome replaces them."""
    if current in CLOSED:
        return current
    return folded if _DECLARATION_RANK[folded] > _DECLARATION_RANK[current] else current
