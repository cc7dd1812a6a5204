"""SQLModel tables: the storage shape. The API's shapes live in ``app.schemas``."""

from app.store.models.access import ApiKey, AuditEntry
from app.store.models.certificate import EnterpriseCertificate, SignaturePolicy
from app.store.models.declaration import (
    BuyerQuota,
    Declaration,
    DeclarationAction,
    DeclarationAgency,
    DeclarationEvent,
    DeclarationLine,
    Refusal,
    RefusalCode,
    Waybill,
)
from app.store.models.enterprise import Enterprise, EnterpriseRegistration
from app.store.models.goods import (
    DeliveryEventRecord,
    OriginCertificate,
    Product,
    Recall,
    RecallDeclaration,
    RecallParty,
    TradeRegistration,
)
from app.store.models.idempotency import IdempotencyRecord
from app.store.models.outbox import OutboxMessage
from app.store.models.party_document import PartyDocument
from app.store.models.trust import (
    BlockedProduct,
    Complaint,
    ComplaintAttachment,
    CreditEvent,
    NegativeListing,
    Takedown,
)
from app.store.models.webhook import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiKey",
    "AuditEntry",
    "BlockedProduct",
    "BuyerQuota",
    "Complaint",
    "ComplaintAttachment",
    "CreditEvent",
    "Declaration",
    "DeclarationAction",
    "DeclarationAgency",
    "DeclarationEvent",
    "DeclarationLine",
    "DeliveryEventRecord",
    "Enterprise",
    "EnterpriseCertificate",
    "EnterpriseRegistration",
    "IdempotencyRecord",
    "NegativeListing",
    "OriginCertificate",
    "OutboxMessage",
    "PartyDocument",
    "Product",
    "Recall",
    "RecallDeclaration",
    "RecallParty",
    "Refusal",
    "RefusalCode",
    "SignaturePolicy",
    "Takedown",
    "TradeRegistration",
    "Waybill",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
