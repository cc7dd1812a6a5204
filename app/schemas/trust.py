"""Credit records, the credit negative list and its public blacklist, complaints, take-down
notices and reverse tracing: the API's shapes."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from annotated_types import GroupedMetadata
from pydantic import (
    AfterValidator,
    AliasChoices,
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from app.domain.trust import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    ComplaintKind,
    ComplaintStatus,
    CreditEventKind,
    Triage,
)
from app.schemas.ceb import C30, C50, C60, Identifier
from app.schemas.enterprise import CreditGrade, CustomsCode, EnterprisePublic, FilingStatus
from app.schemas.pages import Page

# White space as text is trimmed of it (what Unicode calls White_Space), and a pattern for
# text with something else in it and no NUL (refused in any text: invalid_character),
# the characters spelt out so that every regular expression dialect reads it alike.
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
_SPACE += "\u2028\u2029\u202f\u205f\u3000"
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in _SPACE)
_WRITTEN = f"^[{_SPACE_CLASS}]*[^\\u0000{_SPACE_CLASS}][^\\u0000]*$"


@dataclass(frozen=True)
class _Text(GroupedMetadata):
    """Text of 1 to ``max_length`` characters as sent, kept without the white space around
    it, which does not count towards the 1. The document's pattern says what the trimming
    and the service refuse, so that a client refuses it too."""

    max_length: int

    def __iter__(self) -> Iterator[Any]:
        yield StringConstraints(strip_whitespace=True, min_length=1, max_length=self.max_length)
        # The length as sent, as the document's maxLength counts it: trimming must not
        # make room for more.
        yield BeforeValidator(self._as_sent)
        yield Field(json_schema_extra={"pattern": _WRITTEN})

    def _as_sent(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > self.max_length:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters",
                {"max_length": self.max_length},
            )
        return value


def _text(max_length: int) -> Any:
    return _Text(max_length)


def _utc(moment: datetime) -> datetime:
    """A time without an offset is read as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _storable_url(url: AnyHttpUrl) -> AnyHttpUrl:
    if len(str(url)) > MAX_URL_LENGTH:
        raise ValueError(f"the URL should have at most {MAX_URL_LENGTH} characters")
    return url


MAX_URL_LENGTH = 2000
UtcTime = Annotated[datetime, AfterValidator(_utc)]
ListingUrl = Annotated[AnyHttpUrl, AfterValidator(_storable_url)]
# Base64 of at most MAX_ATTACHMENT_BYTES, with room for a line break every 76 characters:
# anything longer is refused by the schema, before it is decoded.
MAX_BASE64_CHARS = (MAX_ATTACHMENT_BYTES + 2) // 3 * 4 * 78 // 76 + 2
# What a complaint's body may weigh: its attachments, and room for the rest.
MAX_COMPLAINT_BODY_BYTES = MAX_ATTACHMENTS * MAX_BASE64_CHARS + 64 * 1024


# -- the negative list -------------------------------------------------------------------


class ListingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customsCode: CustomsCode = Field(description="The enterprise to list (filed).")
    reason: Annotated[str, _text(500)] = Field(description="Why; published.")
    legalBasis: Annotated[str, _text(500)] = Field(
        description="The law or regulation the listing rests on."
    )
    authority: Annotated[str, _text(100)] | None = Field(
        default=None,
        description="The authority that decided it, as published; the caller's agency when "
        "omitted.",
    )
    until: UtcTime | None = Field(
        default=None,
        description="When the listing ends (ISO 8601, in the future); omitted or null: "
        "until lifted.",
    )


class ListingLift(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, _text(500)] = Field(description="Why; kept in the audit trail.")


class ListingPublic(BaseModel):
    id: str
    customsCode: str
    uscc: str
    name: str = Field(description="The enterprise's name when it was listed.")
    reason: str
    legalBasis: str
    authority: str
    agency: str | None = Field(description="The listing regulator's agency (null: an admin).")
    listedAt: datetime
    until: datetime | None = Field(description="Null: until lifted.")
    listedBy: str
    inForce: bool = Field(description="Not lifted, and its period not over.")
    liftedAt: datetime | None
    liftedBy: str | None
    liftReason: str | None


class ListingPage(Page):
    items: list[ListingPublic]


class BlacklistEntry(BaseModel):
    """A listing in force, as published (失信企业黑名单)."""

    name: str
    customsCode: str
    uscc: str
    reason: str
    authority: str
    listedAt: datetime
    until: datetime | None = Field(description="Null: until lifted.")


class BlacklistPage(Page):
    items: list[BlacklistEntry]


# -- credit records ----------------------------------------------------------------------


class CreditSummary(BaseModel):
    customsCode: str
    name: str
    creditGrade: CreditGrade
    listed: bool = Field(description="On the credit negative list now.")
    listedUntil: datetime | None = Field(
        description="When the listing ends; null when not listed, or listed until lifted."
    )


class CreditEventPublic(BaseModel):
    kind: CreditEventKind = Field(
        description="`graded` (a credit grade given), `listed` and `lifted` (the negative "
        "list), `complaint_upheld` (on the seller), `takedown_late` (a take-down notice "
        "the platform did not acknowledge in time)."
    )
    source: str = Field(description="Who recorded it: a regulator's actor, or `system`.")
    occurredAt: datetime
    detail: dict[str, Any]


class RefusalMonth(BaseModel):
    month: str = Field(description="YYYY-MM, China time.")
    rejected: int = Field(description="Its declarations (as e-commerce company) refused.")
    detained: int = Field(description="Its declarations detained after inspection.")
    source: Literal["declarations"] = "declarations"


class CreditRecord(CreditSummary):
    status: FilingStatus
    events: list[CreditEventPublic] = Field(description="Newest first (the newest 200).")
    refusalsByMonth: list[RefusalMonth] = Field(
        description="The last 24 months with any, newest first, counted from the declarations "
        "when read."
    )


# -- complaints --------------------------------------------------------------------------


class ComplaintProduct(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, _text(250)]
    itemNo: Identifier[C30] | None = Field(
        default=None, description="The seller's item number (CEB311 itemNo)."
    )
    barcode: Identifier[C50] | None = Field(
        default=None, description="The goods' barcode (CEB311 barCode), e.g. a GTIN."
    )


class Complainant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["consumer", "rights_holder"] = "consumer"
    name: Annotated[str, _text(100)] | None = None
    contact: Annotated[str, _text(100)] | None = Field(
        default=None, description="How the regulator may reach the complainant."
    )


class EvidenceAttachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, _text(255)]
    contentType: Annotated[str, _text(100)] = Field(
        description="`image/png`, `image/jpeg` or `application/pdf`; checked against the "
        "file's first bytes."
    )
    data: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BASE64_CHARS)] = Field(
        description="The file, base64; at most 2 MiB once decoded."
    )


class ComplaintCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ComplaintKind
    enterpriseCode: CustomsCode = Field(
        validation_alias=AliasChoices("enterpriseCode", "customsCode"),
        description="The customs code of the enterprise complained about: the seller "
        "(e-commerce company) or the platform. Also taken as `customsCode`.",
    )
    product: ComplaintProduct
    listingUrl: ListingUrl | None = Field(
        default=None,
        description="Where the goods are offered.",
        json_schema_extra={"maxLength": MAX_URL_LENGTH},
    )
    orderNo: Identifier[C60] | None = Field(default=None, description="The buyer's order.")
    logisticsNo: Identifier[C60] | None = Field(
        default=None,
        validation_alias=AliasChoices("logisticsNo", "waybillNo"),
        description="The waybill number (CEB511 logisticsNo). Also taken as `waybillNo`.",
    )
    description: Annotated[str, _text(4000)]
    complainant: Complainant | None = None
    attachments: list[EvidenceAttachment] = Field(
        default=[],
        max_length=MAX_ATTACHMENTS,
        description="Evidence: at most 5 PNG, JPEG or PDF files of at most 2 MiB each.",
    )


class ComplaintFiled(BaseModel):
    id: str
    status: ComplaintStatus
    followUpToken: str | None = Field(
        description="Shown once: send it as `X-Complaint-Token` (or as a bearer token) to "
        "`GET /v1/complaints/{id}` to follow the complaint. Only its hash is kept; a replay "
        "of the request under the same Idempotency-Key answers null here."
    )
    createdAt: datetime


class AttachmentInfo(BaseModel):
    position: int
    filename: str
    contentType: str
    size: int
    sha256: str


class ProductPublic(BaseModel):
    name: str
    itemNo: str | None
    barcode: str | None


class TakedownPublic(BaseModel):
    id: str
    complaintId: str
    platformCode: str
    sellerCode: str | None
    product: ProductPublic
    listingUrl: str | None
    reason: str
    issuedAt: datetime
    acknowledgeBy: datetime
    acknowledgedAt: datetime | None
    actionTaken: str | None
    late: bool = Field(description="Not acknowledged by `acknowledgeBy`, or acknowledged after it.")


class TakedownPage(Page):
    items: list[TakedownPublic]


class ComplaintOutcome(BaseModel):
    decision: Literal["rejected", "upheld"]
    reason: str
    decidedAt: datetime


class ComplaintFollowUp(BaseModel):
    """What the complainant sees of their complaint."""

    id: str
    status: ComplaintStatus
    kind: ComplaintKind
    createdAt: datetime
    updatedAt: datetime
    outcome: ComplaintOutcome | None
    takedown: TakedownPublic | None


class ComplaintRecord(ComplaintFollowUp):
    """A complaint as regulators see it."""

    enterpriseCode: str
    product: ProductPublic
    listingUrl: str | None
    orderNo: str | None
    logisticsNo: str | None
    description: str
    complainantKind: str
    complainantName: str | None
    complainantContact: str | None
    filedBy: str
    attachments: list[AttachmentInfo]
    sellerCode: str | None
    platformCode: str | None
    productBlocked: bool
    decidedBy: str | None


class ComplaintPage(Page):
    items: list[ComplaintRecord]


class ComplaintDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Triage = Field(
        description="`reject` closes it; `uphold` issues a take-down notice to the platform."
    )
    reason: Annotated[str, _text(1000)]
    blockProduct: bool = Field(
        default=False,
        description="Upheld: refuse new declarations of the goods (the seller's itemNo, or "
        "the barcode) at intake, with `product_blocked`.",
    )
    acknowledgeWithinHours: int = Field(
        default=24, ge=1, le=720, description="Upheld: the platform's time to acknowledge."
    )
    platformCode: CustomsCode | None = Field(
        default=None,
        description="Upheld: the platform to take the goods down, when the complaint does not "
        "tell (the enterprise it names is no platform, and no declaration of its order, "
        "waybill or goods does).",
    )


class TakedownAcknowledgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actionTaken: Annotated[str, _text(1000)] = Field(
        description="What the platform did (listing removed, seller warned...)."
    )


# -- reverse tracing -----------------------------------------------------------------------


class TracedLine(BaseModel):
    gnum: int
    itemNo: str | None
    barCode: str | None
    itemName: str
    qty: Decimal
    totalPrice: Decimal


class TracedPayment(BaseModel):
    payCode: str = Field(description="The payment company.")
    payName: str | None
    payTransactionId: str
    payerName: str
    payerIdNumber: str = Field(description="Masked for all but regulators.")
    payerTelephone: str | None = Field(description="Masked for all but regulators.")


class TracedWaybill(BaseModel):
    logisticsCode: str
    logisticsName: str | None
    logisticsNo: str


class TracedDeclaration(BaseModel):
    id: str
    createdAt: datetime
    status: str
    cebStatus: int
    ebpCode: str
    ebcCode: str
    orderNo: str
    lines: list[TracedLine] = Field(description="The lines naming the goods.")
    payment: TracedPayment
    waybill: TracedWaybill


class Company(BaseModel):
    customsCode: str
    name: str | None = Field(description="As filed; null when not filed.")


class Trace(Page):
    complaintId: str
    product: ProductPublic
    seller: EnterprisePublic | None = Field(description="The seller's filing, when known.")
    items: list[TracedDeclaration] = Field(
        description="The declarations of the goods, newest first."
    )
    paymentCompanies: list[Company] = Field(description="Of this page's declarations.")
    logisticsCompanies: list[Company] = Field(description="Of this page's declarations.")
