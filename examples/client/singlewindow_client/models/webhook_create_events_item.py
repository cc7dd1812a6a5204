from enum import StrEnum


class WebhookCreateEventsItem(StrEnum):
    DECLARATION_CHANGED = "declaration.changed"
    DECLARATION_STATUS_CHANGED = "declaration.status_changed"
    DOCUMENTS_EXPIRED = "documents.expired"

    def __str__(self) -> str:
        return str(self.value)
