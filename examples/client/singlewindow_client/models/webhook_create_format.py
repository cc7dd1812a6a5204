from enum import StrEnum


class WebhookCreateFormat(StrEnum):
    CEB = "ceb"
    JSON = "json"

    def __str__(self) -> str:
        return str(self.value)
