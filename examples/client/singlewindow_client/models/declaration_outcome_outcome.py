from enum import StrEnum


class DeclarationOutcomeOutcome(StrEnum):
    ACCEPTED = "accepted"
    DECLARATION_REFUSED = "declaration_refused"
    DUPLICATE_ORDER = "duplicate_order"

    def __str__(self) -> str:
        return str(self.value)
