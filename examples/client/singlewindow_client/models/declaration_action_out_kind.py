from enum import StrEnum


class DeclarationActionOutKind(StrEnum):
    CANCELLATION = "cancellation"
    RETURN = "return"

    def __str__(self) -> str:
        return str(self.value)
