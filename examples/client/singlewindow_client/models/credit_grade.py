from enum import StrEnum


class CreditGrade(StrEnum):
    ADVANCED = "advanced"
    DISCREDITED = "discredited"
    GENERAL = "general"

    def __str__(self) -> str:
        return str(self.value)
