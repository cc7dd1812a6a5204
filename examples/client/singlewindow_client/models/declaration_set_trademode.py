from enum import StrEnum


class DeclarationSetTrademode(StrEnum):
    VALUE_0 = "9610"
    VALUE_1 = "1210"

    def __str__(self) -> str:
        return str(self.value)
