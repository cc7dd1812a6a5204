"""Answers of the declaration API, and the problem document every error answers with."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.domain.clearance import Agency, AgencyStatus, ClearanceStatus
from app.schemas.declaration import DeclarationSet
from app.schemas.money import Money
from app.schemas.pages import Page


class Violation(BaseModel):
    code: str = Field(description="Stable code of the rule or schema check that failed.")
    pointer: str | None = Field(description="JSON pointer to the field in the request body.")
    parameter: str | None = Field(default=None, description="Query or path parameter, if any.")
    line: int | None = Field(default=None, description="In an XML message: the line.")
    element: str | None = Field(default=None, description="In an XML message: the element.")
    message: str
    messageZh: str


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable ``code``."""

    type: str
    title: str
    titleZh: str
    status: int
    code: str
    detail: str
    detailZh: str
    requestId: str | None = None
    location: str | None = Field(default=None, description="The existing record, on a 409.")
    violations: list[Violation] | None = None


class DeclarationAccepted(BaseModel):
    id: str
    status: ClearanceStatus
    cebStatus: int = Field(description="CEB receipt code: 120 entered into the system.")
    createdAt: datetime


class AgencyResult(BaseModel):
    agency: Agency
    status: AgencyStatus
    detail: dict[str, Any] | None
    updatedAt: datetime


class DeclarationSummary(BaseModel):
    id: str
    ebpCode: str
    ebcCode: str
    orderNo: str
    logisticsCode: str
    logisticsNo: str
    tradeMode: str
    status: ClearanceStatus
    cebStatus: int
    dutiableValue: Money
    createdAt: datetime
    updatedAt: datetime


class TaxAssessed(BaseModel):
    customsTax: Money
    valueAddedTax: Money
    consumptionTax: Money
    total: Money


class ActionAgencyAnswer(BaseModel):
    agency: Agency
    status: str = Field(
        description="withdrawn, approved, refused (customs), refunded (tax), reversed (forex)."
    )
    reasons: list[dict[str, str]] = []
    refund: TaxAssessed | None = None
    decidedAt: datetime


class ReturnedLineOut(BaseModel):
    gnum: int
    qty: Decimal
    value: Money = Field(description="What the returned quantity of the line is worth.")


class DeclarationActionOut(BaseModel):
    """A cancellation or a return: where it stands, what it gives back, each agency's
    answer."""

    id: str
    kind: Literal["cancellation", "return"]
    status: Literal["awaiting_customs", "awaiting_agencies", "completed", "refused"]
    version: int = Field(description="The declaration's version it was asked about.")
    reason: str
    logisticsNo: str | None = Field(description="A return's waybill.")
    items: list[ReturnedLineOut] = Field(description="A return's lines.")
    quotaGivenBack: Money = Field(
        description="CNY given back to the buyer's annual quota (once completed; an "
        "estimate before)."
    )
    refund: TaxAssessed | None = Field(description="The tax refunded, once tax has answered.")
    agencies: list[ActionAgencyAnswer]
    requestedBy: str
    createdAt: datetime
    completedAt: datetime | None


class DeclarationDetail(DeclarationSummary):
    version: int = Field(description="Goes up with each amendment; the ETag header quotes it.")
    documents: DeclarationSet
    agencies: list[AgencyResult]
    tax: TaxAssessed | None = Field(description="The tax agency's assessment, once made.")
    releasedAt: datetime | None = Field(description="When customs released the goods.")
    cancellations: list[DeclarationActionOut]
    returns: list[DeclarationActionOut]


class ActionAnswerOut(BaseModel):
    """The answer to a cancellation or return: the action, and the declaration's status
    and version as it left them."""

    declarationId: str
    status: ClearanceStatus
    cebStatus: int
    version: int
    action: DeclarationActionOut


class DeclarationPage(Page):
    items: list[DeclarationSummary]


class DeclarationEventOut(BaseModel):
    id: int
    status: ClearanceStatus
    cebStatus: int
    agency: Agency | None
    note: str | None
    createdAt: datetime


class DeclarationEventPage(Page):
    items: list[DeclarationEventOut]


class ValidationResult(BaseModel):
    valid: bool
    violations: list[Violation]


class DeclarationBatchRequest(BaseModel):
    """Up to 100 declarations, as a CEB message carries up to 100 business records."""

    # As the envelope is parsed (``app.schemas.parsing``): nothing beside the list.
    model_config = ConfigDict(extra="forbid")

    declarations: list[DeclarationSet] = Field(min_length=1, max_length=100)


class BatchItemAnswer(BaseModel):
    index: int = Field(description="Position of the declaration in the request.")
    outcome: str = Field(
        description=(
            "accepted, declaration_refused, invalid_request, duplicate_order or not_a_party."
        )
    )
    id: str | None = None
    status: ClearanceStatus | None = None
    cebStatus: int | None = None
    location: str | None = Field(
        default=None,
        description=(
            "The declaration; for a duplicate, the existing one, if the caller is one of "
            "its parties."
        ),
    )
    violations: list[Violation] = []


class DeclarationBatchAnswer(BaseModel):
    accepted: int
    refused: int
    results: list[BatchItemAnswer]
