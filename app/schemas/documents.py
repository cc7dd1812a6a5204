"""Each party's own document, and what the service answers about an order's documents.

A document posted on its own is the matching part of a declaration (CEB311 order, CEB411
payment, CEB511 waybill, field names verbatim), which may also be a change: ``appType``
2 replaces the document sent before while its order is not declared."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.domain.clearance import ClearanceStatus
from app.domain.party_documents import DocumentKind, DocumentStatus
from app.schemas.ceb import RuleCode
from app.schemas.declaration import Logistics, Order, OrderItem, Payment
from app.schemas.responses import Violation

_APP_TYPE = Field(
    default=None,
    description=(
        "1 (or absent) = a new document; sent again unchanged, it is answered as before. "
        "2 = a change: replaces the document sent before while its order is not declared."
    ),
)


class OrderDocumentItem(OrderItem):
    """A CEB311 line: its HS code may be left out, as a CEB311 has no place for it."""

    gcode: RuleCode | None = Field(  # type: ignore[assignment]
        default=None,
        description=(
            "10-digit HS code. A CEB311 carries none: an order whose lines lack it waits "
            "for the CEB621 inventory, whose lines carry it, before it is declared."
        ),
    )


class OrderDocument(Order):
    """CEB311 OrderHead and its lines, sent by the platform or the e-commerce company."""

    appType: Literal["1", "2"] | None = _APP_TYPE  # type: ignore[assignment]
    items: list[OrderDocumentItem] = Field(min_length=1, max_length=99)  # type: ignore[assignment]


class PaymentDocument(Payment):
    """CEB411 PaymentHead, sent by the payment company."""

    appType: Literal["1", "2"] | None = _APP_TYPE  # type: ignore[assignment]


class WaybillDocument(Logistics):
    """CEB511 LogisticsHead, sent by the logistics company. It names the order by number
    only: the platform is the one with documents of that order waiting (or ``ebpCode``
    in the query, when several platforms have)."""

    appType: Literal["1", "2"] | None = _APP_TYPE  # type: ignore[assignment]


DOCUMENT_MODELS: dict[DocumentKind, type[OrderDocument | PaymentDocument | WaybillDocument]] = {
    DocumentKind.ORDER: OrderDocument,
    DocumentKind.PAYMENT: PaymentDocument,
    DocumentKind.WAYBILL: WaybillDocument,
}


class DeclarationOutcome(BaseModel):
    """What became of the declaration the three documents made."""

    outcome: Literal["accepted", "declaration_refused", "duplicate_order"] = Field(
        description=(
            "`accepted`: declared (its `id`); `declaration_refused`: the rules refused it "
            "(every violation listed; send a corrected document with appType 2 to try "
            "again); `duplicate_order`: the order was declared already."
        )
    )
    id: str | None = Field(default=None, description="The declaration, when accepted.")
    status: ClearanceStatus | None = None
    cebStatus: int | None = None
    location: str | None = None
    violations: list[Violation] = []


class DocumentAnswer(BaseModel):
    """The answer to a posted document: where its order stands."""

    kind: DocumentKind
    ebpCode: str | None = Field(
        description="The order's platform; null for a waybill whose order has not arrived."
    )
    orderNo: str
    status: DocumentStatus = Field(
        description=(
            "`waiting` for the others; `assembling` while the three are declared; "
            "`assembled` into an accepted declaration; `refused` by the rules "
            "(correctable with appType 2)."
        )
    )
    received: list[DocumentKind]
    missing: list[DocumentKind]
    expiresAt: datetime | None = Field(
        description="When the document expires if its order is still not complete."
    )
    declaration: DeclarationOutcome | None = Field(
        default=None, description="Once the three have arrived: what became of them."
    )


class DocumentState(BaseModel):
    kind: DocumentKind
    status: DocumentStatus
    sender: str = Field(description="The customs code of the enterprise it speaks for.")
    appType: str
    fingerprint: str = Field(description="SHA-256 of its business fields.")
    receivedAt: datetime
    updatedAt: datetime
    expiresAt: datetime


class OrderDocuments(BaseModel):
    """What has arrived for an order, and what it still waits for."""

    ebpCode: str
    orderNo: str
    received: list[DocumentKind]
    missing: list[DocumentKind]
    documents: list[DocumentState]
    declaration: DeclarationOutcome | None = None
