from enum import StrEnum


class DocumentKind(StrEnum):
    ORDER = "order"
    PAYMENT = "payment"
    WAYBILL = "waybill"

    def __str__(self) -> str:
        return str(self.value)
