"""SQLModel tables: the storage shape. The API's shapes live in ``app.schemas``."""

from app.models.declaration import (
    BuyerQuota,
    Declaration,
    DeclarationAgency,
    DeclarationEvent,
    Refusal,
    Waybill,
)
from app.models.enterprise import Enterprise, EnterpriseRegistration
from app.models.idempotency import IdempotencyRecord
from app.models.outbox import OutboxMessage
from app.models.webhook import WebhookEndpoint

__all__ = [
    "BuyerQuota",
    "Declaration",
    "DeclarationAgency",
    "DeclarationEvent",
    "Enterprise",
    "EnterpriseRegistration",
    "IdempotencyRecord",
    "OutboxMessage",
    "Refusal",
    "Waybill",
    "WebhookEndpoint",
]
