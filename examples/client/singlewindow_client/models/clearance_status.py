from enum import StrEnum


class ClearanceStatus(StrEnum):
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    CLEARED = "cleared"
    DETAINED = "detained"
    INSPECTION = "inspection"
    IN_REVIEW = "in_review"
    PARTIALLY_RETURNED = "partially_returned"
    REJECTED = "rejected"
    RETURNED = "returned"

    def __str__(self) -> str:
        return str(self.value)
