"""The declaration's one clearance status and its per-agency parts."""

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
}

# Declarations in these statuses do not count towards the buyer's annual limit.
RELEASES_QUOTA = frozenset(
    {ClearanceStatus.REJECTED, ClearanceStatus.CANCELLED, ClearanceStatus.RETURNED}
)


class Agency(StrEnum):
    CUSTOMS = "customs"
    INSPECTION = "inspection"
    TAX = "tax"
    FOREX = "forex"


class AgencyStatus(StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    # Decisions; which of them an agency can give is the agency's business.
    RELEASED = "released"
    PASSED = "passed"
    ASSESSED = "assessed"
    RECORDED = "recorded"
    INSPECTION = "inspection"
    DETAINED = "detained"
    REJECTED = "rejected"
