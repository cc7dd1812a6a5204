from enum import StrEnum


class AgencyStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    DETAINED = "detained"
    INSPECTION = "inspection"
    PASSED = "passed"
    PENDING = "pending"
    RECORDED = "recorded"
    REJECTED = "rejected"
    RELEASED = "released"

    def __str__(self) -> str:
        return str(self.value)
