from enum import StrEnum


class Agency(StrEnum):
    CUSTOMS = "customs"
    FOREX = "forex"
    INSPECTION = "inspection"
    TAX = "tax"

    def __str__(self) -> str:
        return str(self.value)
