from enum import StrEnum


class FeedItemSubjecttype(StrEnum):
    CERTIFICATE = "certificate"
    DECLARATION = "declaration"
    ENTERPRISE = "enterprise"
    KEY = "key"
    OUTBOX = "outbox"
    WEBHOOK = "webhook"

    def __str__(self) -> str:
        return str(self.value)
