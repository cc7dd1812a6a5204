from enum import StrEnum


class DeclarationActionOutStatus(StrEnum):
    AWAITING_AGENCIES = "awaiting_agencies"
    AWAITING_CUSTOMS = "awaiting_customs"
    COMPLETED = "completed"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
