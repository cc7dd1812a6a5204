"""The wire format between the single window and the agency services.

Both sides use these models: the single window to send filings and declarations and to
read receipts, the simulated agencies (``mock_agencies``) to read what they are sent
and to answer. A real agency endpoint speaking this format could replace a simulated one.

Agency service endpoints (each agency has its own base URL):

- ``POST /filings``          body ``FilingBatch``       → 200 ``FilingBatchResult``
- ``POST /declarations``     body ``DeclarationBatch``  → 202 ``DeclarationBatchResult``
- ``GET  /declarations/{id}``                            → 200 ``Receipt`` (latest) or 404
- ``POST /actions``          body ``ActionBatch``       → 200 ``ActionBatchResult``, signed

A declaration may be amended: each message carries its ``version``, the agency decides
each version afresh, and its receipts name the version they decide (the single window
ignores receipts about a version it has replaced). What happens to a declaration after
it is declared (withdrawn, cancelled after release, goods returned) goes as actions,
answered at once in the signed answer (``ActionBatchResult``, signed as the callbacks
are); an action delivered twice gets the same answer.

Both POSTs carry an ``Idempotency-Key`` header (one per batch); agencies also deduplicate
by ``declarationId`` / ``customsCode``, so a message delivered twice in different batches
still makes one record.

A filing may also carry the registrations it applies for (两证合一) to the agency that
reviews them (``FilingMessage.applications``); that agency answers each in the same
answer (``FilingBatchResult.reviews``), signed with its secret, and the single window
applies only answers so signed (``verified_reviews``).

Decisions come back as signed callbacks: ``POST {single window}/v1/receipts/{agency}``
with body ``ReceiptBatch`` and Standard Webhooks headers (see ``app.agencies.signing``).
"""

import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pydantic_core
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from app.agencies import signing
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


class RegistrationApplication(BaseModel):
    """A registration the filing also applies for (两证合一), sent to the agency that
    reviews it: ``certificate_of_origin`` to inspection (原产地证申领企业备案)."""

    registration: str = Field(description="foreign_trade or certificate_of_origin.")
    fields: dict[str, Any] = Field(description="What the application says, as filed.")


class FilingMessage(BaseModel):
    customsCode: str
    uscc: str
    name: str
    roles: list[str]
    creditGrade: str
    status: str
    listed: bool = Field(
        default=False,
        description=(
            "On the credit negative list (信用负面清单) when sent: customs inspects every "
            "declaration of a listed e-commerce company not yet decided and sent, and every "
            "new one."
        ),
    )
    listedUntil: datetime | None = Field(
        default=None, description="When the listing ends; none while listed without an end."
    )
    applications: list[RegistrationApplication] = Field(
        default=[], description="The registrations this agency reviews that the filing asks for."
    )


class FilingBatch(BaseModel):
    filings: list[FilingMessage] = Field(min_length=1, max_length=MAX_BATCH)


class FilingRegistration(BaseModel):
    customsCode: str
    registrationNo: str


class RegistrationReview(BaseModel):
    """An agency's answer to a registration application, signed by it (``signature``,
    as its receipts are: HMAC-SHA256 with its secret, over ``review_body``)."""

    customsCode: str
    registration: str
    agency: AgencyName
    approved: bool
    registrationNo: str | None = None
    reasons: list["Reason"] = []
    decidedAt: datetime
    signature: str = Field(description="v1,<base64>: see review_signature.")


class FilingBatchResult(BaseModel):
    registrations: list[FilingRegistration]
    reviews: list[RegistrationReview] = Field(
        default=[], description="Answers to the registrations the filings applied for."
    )


def review_body(review: RegistrationReview) -> bytes:
    """What a review's signature covers: the review without it, as canonical JSON."""
    content = review.model_dump(mode="json", exclude={"signature"})
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _review_id(review: RegistrationReview) -> str:
    return f"review:{review.agency.value}:{review.customsCode}:{review.registration}"


def review_signature(secret: str, review: RegistrationReview) -> str:
    """The agency's signature of a review (Standard Webhooks' scheme, the review's own
    id and decision time in place of the headers)."""
    return signing.sign(
        secret, _review_id(review), int(review.decidedAt.timestamp()), review_body(review)
    )


def verified_reviews(
    secret: str, agency: str, reviews: Sequence[RegistrationReview]
) -> list[RegistrationReview]:
    """The reviews signed with the agency's secret and about registrations it reviews;
    any other is not applied."""
    return [
        r
        for r in reviews
        if r.agency == agency and hmac.compare_digest(r.signature, review_signature(secret, r))
    ]


class DeclarationMessage(BaseModel):
    declarationId: str
    version: int = Field(default=1, ge=1, description="Goes up with each amendment.")
    messageId: str = Field(description="The single window's outbox key for this delivery.")
    creditGrade: str = Field(description="Credit grade of the e-commerce company (ebcCode).")
    dutiableValue: Decimal
    documents: dict[str, Any] = Field(description="The declaration set, CEB field names.")


class DeclarationBatch(BaseModel):
    declarations: list[DeclarationMessage] = Field(min_length=1, max_length=MAX_BATCH)


def encode_declaration(
    *,
    declaration_id: str,
    version: int = 1,
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
            "version": version,
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
    """Why an agency decided as it did: a stable code, and the reason for people in
    English and in Chinese, each in a language of its own."""

    code: str
    message: str = Field(description="In English.")
    messageZh: str | None = Field(
        default=None, description="In Chinese; an agency that gives none leaves it out."
    )

    @model_serializer(mode="wrap")
    def _without_missing_chinese(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A reason given in English only is kept and passed on as it came, without a
        ``messageZh`` of null."""
        shown: dict[str, Any] = handler(self)
        if shown.get("messageZh") is None:
            shown.pop("messageZh", None)
        return shown


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
    version: int = Field(default=1, ge=1, description="The version of the declaration decided.")
    reasons: list[Reason] = []
    tax: TaxAssessment | None = None
    decidedAt: datetime


class ReceiptBatch(BaseModel):
    receipts: list[Receipt] = Field(min_length=1, max_length=MAX_BATCH)


class ActionKind(StrEnum):
    """What is asked of the agencies about a declaration already declared."""

    # Cancelled before release: the agency drops the declaration and its receipts to come.
    WITHDRAWAL = "withdrawal"
    # Cancelled after release: customs agrees or not; then tax voids the tax bill and
    # forex reverses the payment record.
    CANCELLATION = "cancellation"
    # Goods sent back after release: customs agrees or not; then tax refunds the tax of
    # the lines returned and forex reverses that part of the payment.
    RETURN = "return"


class ReturnedLine(BaseModel):
    gnum: int = Field(ge=1)
    qty: Decimal = Field(gt=0)


class ActionMessage(BaseModel):
    actionId: str
    kind: ActionKind
    declarationId: str
    version: int = Field(ge=1)
    reason: str
    logisticsNo: str | None = Field(default=None, description="RETURN: the return waybill.")
    lines: list[ReturnedLine] = Field(default=[], description="RETURN: the lines sent back.")
    returnedBefore: list[ReturnedLine] = Field(
        default=[], description="RETURN: what the earlier returns agreed to sent back."
    )
    documents: dict[str, Any] = Field(description="The declaration set as declared.")


class ActionBatch(BaseModel):
    actions: list[ActionMessage] = Field(min_length=1, max_length=MAX_BATCH)


class ActionStatus(StrEnum):
    WITHDRAWN = "withdrawn"  # any agency: the declaration dropped
    APPROVED = "approved"  # customs agrees to the cancellation or return
    REFUSED = "refused"  # customs does not (reasons say why)
    REFUNDED = "refunded"  # tax: the refund (the whole tax bill, voided, on cancellation)
    REVERSED = "reversed"  # forex: the payment record reversed (in part, for a return)


class ActionAnswer(BaseModel):
    actionId: str
    declarationId: str
    agency: AgencyName
    status: ActionStatus
    reasons: list[Reason] = []
    refund: TaxAssessment | None = None
    decidedAt: datetime


class ActionBatchResult(BaseModel):
    answers: list[ActionAnswer]


# A review's reasons are the receipts' (defined after it).
RegistrationReview.model_rebuild()
FilingBatchResult.model_rebuild()
