"""Goods: product filings, delivery events, traces, recalls and certificates of origin:
the API's shapes."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.domain.clearance import ClearanceStatus
from app.domain.goods import DeliveryEvent, Fta
from app.schemas.ceb import C3, C30, Amount, Identifier
from app.schemas.enterprise import CustomsCode
from app.schemas.money import Money
from app.schemas.pages import Page


def _text(max_length: int) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


def _utc(moment: datetime) -> datetime:
    """A time without an offset is read as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


UtcTime = Annotated[datetime, AfterValidator(_utc)]
# Checked by the rules (barcode_invalid, hs_code_invalid, country_code_invalid), so that
# a wrong value is refused with the code that names it: the schema bounds the length.
BarcodeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
HsCodeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)]
CountryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3)]


# -- product filing ------------------------------------------------------------------------


class ProductFilingCreate(BaseModel):
    """A product filed once by its e-commerce company (商品备案), under its own item
    number (the CEB311 ``itemNo`` its orders name)."""

    model_config = ConfigDict(extra="forbid")

    appType: Literal["1", "2"] | None = Field(
        default=None,
        description=(
            "1 (or absent): a new filing; the same filing sent again is answered as before, "
            "other details under a filed itemNo are `409 product_already_filed`. 2: a change "
            "of a filed product, replacing its details (its version goes up)."
        ),
    )
    ebcCode: CustomsCode = Field(description="The e-commerce company's customs code (its own).")
    itemNo: Identifier[C30] = Field(description="The company's item number (CEB311 itemNo).")
    name: Annotated[str, _text(250)] = Field(description="The goods' name (CEB311 itemName).")
    hsCode: HsCodeText = Field(description="10-digit HS code the goods are declared under.")
    barcode: BarcodeText = Field(
        description="GTIN-8, -12, -13 or -14 with a valid check digit (CEB311 barCode)."
    )
    brand: Annotated[str, _text(100)]
    manufacturer: Annotated[str, _text(200)]
    originCountry: CountryText = Field(
        description="Country of origin, the 3-character CEB country code (116 Japan, 502 USA)."
    )
    unit: C3 = Field(description="The CEB unit code (007 piece, 011 pair…).")
    specification: Annotated[str, _text(510)] | None = Field(
        default=None, description="Model and specification (CEB311 gmodel)."
    )


class FiledProduct(BaseModel):
    ebcCode: str
    itemNo: str
    name: str
    hsCode: str
    barcode: str
    brand: str
    manufacturer: str
    originCountry: str
    unit: str
    specification: str | None
    version: int = Field(description="1 when filed; up by one with each change.")
    filedBy: str
    createdAt: datetime
    updatedAt: datetime


class FiledProductPage(Page):
    items: list[FiledProduct]


# -- delivery events -----------------------------------------------------------------------


class DeliveryEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: DeliveryEvent = Field(
        description="picked_up, in_transit, delivered, refused_by_buyer or returned."
    )
    at: UtcTime = Field(description="When it happened (ISO 8601; not in the future).")
    place: Annotated[str, _text(200)]
    note: Annotated[str, _text(500)] | None = None


class DeliveryEventPublic(BaseModel):
    event: DeliveryEvent
    at: datetime
    place: str
    note: str | None
    recordedBy: str
    recordedAt: datetime


class WaybillDeliveries(BaseModel):
    """A declared waybill's delivery events, in the order they happened."""

    declarationId: str
    logisticsCode: str
    logisticsNo: str
    delivered: bool = Field(description="The last event is `delivered`.")
    events: list[DeliveryEventPublic]


# -- trace ---------------------------------------------------------------------------------


class TraceSource(BaseModel):
    """Where the goods come from: the filing, with the manufacturer and origin."""

    ebcCode: str
    itemNo: str
    name: str
    hsCode: str
    barcode: str
    brand: str
    manufacturer: str
    originCountry: str


class ShipmentLine(BaseModel):
    gnum: int
    itemNo: str | None
    barCode: str | None
    itemName: str
    qty: str
    gcode: str
    country: str


class Destination(BaseModel):
    consignee: str
    consigneeTelephone: str = Field(description="Masked for all but regulators.")
    consigneeAddress: str
    consigneeDistrict: str | None


class Shipment(BaseModel):
    """One declaration of the goods: its lines of them, its clearance, where it went and
    how its delivery went."""

    declarationId: str
    createdAt: datetime
    ebpCode: str
    ebcCode: str
    orderNo: str
    status: ClearanceStatus
    cebStatus: int
    lines: list[ShipmentLine]
    destination: Destination
    logisticsCode: str
    logisticsNo: str
    delivered: bool
    deliveries: list[DeliveryEventPublic]


class GoodsTrace(BaseModel):
    """Source to destination (源头可溯、去向可查)."""

    sources: list[TraceSource] = Field(description="The filings of the goods.")
    shipments: list[Shipment] = Field(
        description="Their declarations, newest first, a page at a time (an enterprise sees "
        "those it is a party to)."
    )
    nextCursor: str | None


# -- recalls -------------------------------------------------------------------------------


class RecallCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    barcode: BarcodeText = Field(description="The recalled goods' GTIN.")
    batch: Identifier[Annotated[str, _text(100)]] | None = Field(
        default=None,
        description="Only this batch (the orders' batchNumbers); every batch when omitted.",
    )
    reason: Annotated[str, _text(1000)]


class RecallAffected(BaseModel):
    declarationId: str
    ebpCode: str
    ebcCode: str
    orderNo: str
    logisticsCode: str
    logisticsNo: str
    status: ClearanceStatus = Field(description="Its status when the recall was issued.")
    delivered: bool = Field(description="Its parcel had been delivered to the buyer.")
    lines: list[int] = Field(description="The gnum of each line of the recalled goods.")
    declaredAt: datetime


class RecallPublic(BaseModel):
    id: str
    barcode: str
    batch: str | None
    reason: str
    productName: str | None
    agency: str | None = Field(description="The recalling regulator's agency (null: an admin).")
    issuedBy: str
    issuedAt: datetime
    declarations: int = Field(description="Declarations of the goods found (of every party).")
    delivered: int = Field(description="Their parcels delivered to buyers.")


class RecallDetail(RecallPublic):
    affected: list[RecallAffected] = Field(
        description="The declarations found, a page at a time (an enterprise sees its own)."
    )
    nextCursor: str | None


class RecallPage(Page):
    items: list[RecallPublic]


# -- certificates of origin ----------------------------------------------------------------


class OriginCertificateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ebcCode: CustomsCode = Field(description="The applicant (a registered one: its own).")
    fta: Fta = Field(description="The free trade agreement the certificate is asked under.")
    hsCode: HsCodeText = Field(description="10-digit HS code of the goods.")
    value: Amount = Field(description="The goods' value, CNY.")
    exportCountry: CountryText = Field(description="Where the goods go (CEB country code).")


class OriginCertificatePublic(BaseModel):
    id: str
    ebcCode: str
    fta: Fta
    hsCode: str
    value: Money
    exportCountry: str
    appliedBy: str
    appliedAt: datetime


class OriginCertificatePage(Page):
    items: list[OriginCertificatePublic]
