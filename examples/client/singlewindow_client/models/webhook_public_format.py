from enum import StrEnum


class WebhookPublicFormat(StrEnum):
    CEB = "ceb"
    JSON = "json"

    def __str__(self) -> str:
        return str(self.value)
