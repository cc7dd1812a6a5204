"""SQLModel tables: the storage shape. The API's shapes live in ``app.schemas``."""

from app.models.declaration import (
    BuyerQuota,
    Declaration,
    DeclarationAgency,
    DeclarationEvent,
    Refusal,
    Waybill,
)
from app.models.enterprise import Enterprise
from app.models.idempotency import IdempotencyRecord
from app.models.outbox import OutboxMessage

__all__ = [
    "BuyerQuota",
    "Declaration",
    "DeclarationAgency",
    "DeclarationEvent",
    "Enterprise",
    "IdempotencyRecord",
    "OutboxMessage",
    "Refusal",
    "Waybill",
]
