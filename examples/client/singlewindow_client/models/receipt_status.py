from enum import StrEnum


class ReceiptStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    DETAINED = "detained"
    INSPECTION = "inspection"
    PASSED = "passed"
    RECORDED = "recorded"
    REJECTED = "rejected"
    RELEASED = "released"

    def __str__(self) -> str:
        return str(self.value)
