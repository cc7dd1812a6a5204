from enum import StrEnum


class WebhookDeliveryPublicOutcome(StrEnum):
    DELIVERED = "delivered"
    EXPIRED = "expired"
    FAILED = "failed"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
