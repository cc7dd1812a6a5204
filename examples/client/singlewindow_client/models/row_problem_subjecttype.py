from enum import StrEnum


class RowProblemSubjecttype(StrEnum):
    DECLARATION = "declaration"
    ENTERPRISE = "enterprise"
    KEY = "key"

    def __str__(self) -> str:
        return str(self.value)
