from enum import StrEnum


class KeyKind(StrEnum):
    ADMIN = "admin"
    ENTERPRISE = "enterprise"
    REGULATOR = "regulator"

    def __str__(self) -> str:
        return str(self.value)
