"""The wire format between the single window and the agency services.

Both sides use these models: the single window to send filings and declarations and to
read receipts, the simulated agencies (``mock_agencies``) to read what they are sent
and to answer. A real agency endpoint speaking this format could replace a simulated one.

Agency service endpoints (each agency has its own base URL):

- ``POST /filings``          body ``FilingBatch``       → 200 ``FilingBatchResult``
- ``POST /declarations``     body ``DeclarationBatch``  → 202 ``DeclarationBatchResult``
- ``GET  /declarations/{id}``                            → 200 ``Receipt`` (latest) or 404

Both POSTs carry an ``Idempotency-Key`` header (one per batch); agencies also deduplicate
by ``declarationId`` / ``customsCode``, so a message delivered twice in different batches
still makes one record.

Decisions come back as signed callbacks: ``POST {single window}/v1/receipts/{agency}``
with body ``ReceiptBatch`` and Standard Webhooks headers (see ``app.agencies.signing``).
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pydantic_core
from pydantic import BaseModel, Field

from app.domain.clearance import Agency

# The agencies by name, as the single window's state machine knows them.
AgencyName = Agency

MAX_BATCH = 100  # a CEB message carries up to 100 business records


class ReceiptStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    INSPECTION = "inspection"  # customs or quarantine inspection under way
    RELEASED = "released"  # customs
    DETAINED = "detained"  # customs, after inspection
    PASSED = "passed"  # inspection and quarantine
    ASSESSED = "assessed"  # tax
    RECORDED = "recorded"  # forex
    REJECTED = "rejected"  # any agency


class FilingMessage(BaseModel):
    customsCode: str
    uscc: str
    name: str
    roles: list[str]
    creditGrade: str
    status: str


class FilingBatch(BaseModel):
    filings: list[FilingMessage] = Field(min_length=1, max_length=MAX_BATCH)


class FilingRegistration(BaseModel):
    customsCode: str
    registrationNo: str


class FilingBatchResult(BaseModel):
    registrations: list[FilingRegistration]


class DeclarationMessage(BaseModel):
    declarationId: str
    messageId: str = Field(description="The single window's outbox key for this delivery.")
    creditGrade: str = Field(description="Credit grade of the e-commerce company (ebcCode).")
    dutiableValue: Decimal
    documents: dict[str, Any] = Field(description="The declaration set, CEB field names.")


class DeclarationBatch(BaseModel):
    declarations: list[DeclarationMessage] = Field(min_length=1, max_length=MAX_BATCH)


def encode_declaration(
    *,
    declaration_id: str,
    message_id: str,
    credit_grade: str,
    dutiable_value: Decimal,
    documents_json: bytes,
) -> bytes:
    """One ``DeclarationMessage`` as JSON, with the documents spliced in as they are stored
    (JSON checked at intake) instead of parsed, validated and written out again for each
    agency: that was about a quarter of the outbox worker's CPU (profiled)."""
    head = pydantic_core.to_json(
        {
            "declarationId": declaration_id,
            "messageId": message_id,
            "creditGrade": credit_grade,
            "dutiableValue": dutiable_value,
        }
    )
    return head[:-1] + b',"documents":' + documents_json + b"}"


def declaration_batch_json(declarations: Sequence[bytes]) -> bytes:
    """A ``DeclarationBatch`` of declarations made by ``encode_declaration``."""
    if not 1 <= len(declarations) <= MAX_BATCH:
        raise ValueError(f"a batch carries 1 to {MAX_BATCH} declarations, not {len(declarations)}")
    return b'{"declarations":[' + b",".join(declarations) + b"]}"


class ItemResult(BaseModel):
    declarationId: str
    accepted: bool
    error: str | None = None  # why an item could not be taken at all (not a decision)


class DeclarationBatchResult(BaseModel):
    results: list[ItemResult]


class Reason(BaseModel):
    code: str
    message: str


class TaxAssessment(BaseModel):
    customsTax: Decimal
    valueAddedTax: Decimal
    consumptionTax: Decimal
    total: Decimal


class Receipt(BaseModel):
    """One agency's word on one declaration (a CEB receipt, 回执)."""

    declarationId: str
    agency: AgencyName
    status: ReceiptStatus
    sequence: int = Field(ge=0, description="Increases with each receipt for the declaration.")
    reasons: list[Reason] = []
    tax: TaxAssessment | None = None
    decidedAt: datetime


class ReceiptBatch(BaseModel):
    receipts: list[Receipt] = Field(min_length=1, max_length=MAX_BATCH)
