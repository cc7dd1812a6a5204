from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    ECOMMERCE = "ecommerce"
    LOGISTICS = "logistics"
    PAYMENT = "payment"
    PLATFORM = "platform"

    def __str__(self) -> str:
        return str(self.value)
