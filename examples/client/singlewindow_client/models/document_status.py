from enum import StrEnum


class DocumentStatus(StrEnum):
    ASSEMBLED = "assembled"
    ASSEMBLING = "assembling"
    EXPIRED = "expired"
    REFUSED = "refused"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
