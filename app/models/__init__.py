"""SQLModel tables: the storage shape. The API's shapes live in ``app.schemas``."""

from app.models.access import ApiKey, AuditEntry
from app.models.declaration import (
    BuyerQuota,
    Declaration,
    DeclarationAgency,
    DeclarationEvent,
    DeclarationLine,
    Refusal,
    RefusalCode,
    Waybill,
)
from app.models.enterprise import Enterprise, EnterpriseRegistration
from app.models.idempotency import IdempotencyRecord
from app.models.outbox import OutboxMessage
from app.models.webhook import WebhookEndpoint

__all__ = [
    "ApiKey",
    "AuditEntry",
    "BuyerQuota",
    "Declaration",
    "DeclarationAgency",
    "DeclarationEvent",
    "DeclarationLine",
    "Enterprise",
    "EnterpriseRegistration",
    "IdempotencyRecord",
    "OutboxMessage",
    "Refusal",
    "RefusalCode",
    "Waybill",
    "WebhookEndpoint",
]
