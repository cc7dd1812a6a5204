"""The declaration: CEB311 order, CEB411 payment and CEB511 waybill, field names verbatim."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from app.schemas.ceb import (
    C3,
    C4,
    C6,
    C18,
    C30,
    C36,
    C37,
    C50,
    C60,
    C100,
    C200,
    C250,
    C510,
    C1000,
    QUANTITY_SCHEMA,
    Amount,
    CebTime,
    Identifier,
    RuleCode,
)


class CebModel(BaseModel):
    # Unknown fields are refused: a misspelt CEB tag (``actualPaid`` for the standard's
    # ``acturalPaid``) must not be dropped silently.
    model_config = ConfigDict(extra="forbid")


class BusinessHead(CebModel):
    """Fields every CEB business head starts with; optional here, the service fills them."""

    guid: Identifier[C36] | None = None
    appType: Literal["1"] | None = Field(
        default=None, description="1 = add. Changes and deletions are not yet supported."
    )
    appTime: CebTime | None = None
    appStatus: Literal["2"] | None = Field(default=None, description="2 = declared.")


class OrderItem(CebModel):
    """CEB311 OrderList, plus ``gcode`` (the 10-digit HS code)."""

    gnum: int = Field(description="Line number: 1, 2, 3 … in order.")
    itemNo: Identifier[C30] | None = None
    itemName: C250
    gmodel: C510
    itemDescribe: C1000 | None = None
    barCode: Identifier[C50] | None = None
    unit: C3
    qty: Annotated[
        Decimal,
        Field(max_digits=19, decimal_places=5, gt=0),
        WithJsonSchema(QUANTITY_SCHEMA),
    ]
    price: Amount
    totalPrice: Amount
    currency: RuleCode
    country: C3
    note: C1000 | None = None
    gcode: RuleCode = Field(description="10-digit HS code (8-digit tariff number + 2 digits).")


class Order(BusinessHead):
    """CEB311 OrderHead and its lines."""

    orderType: Literal["I"] = "I"
    orderNo: Identifier[C60]
    ebpCode: Identifier[C18]
    ebpName: C100
    ebcCode: Identifier[C18]
    ebcName: C100
    goodsValue: Amount
    freight: Amount
    discount: Amount
    taxTotal: Amount
    acturalPaid: Amount = Field(description="goodsValue + freight + taxTotal − discount.")
    currency: RuleCode
    buyerRegNo: Identifier[C60]
    buyerName: C60
    buyerTelephone: C30
    buyerIdType: RuleCode
    buyerIdNumber: Identifier[C60]
    payCode: Identifier[C18] | None = None
    payName: C100 | None = None
    payTransactionId: Identifier[C60] | None = None
    batchNumbers: Identifier[C100] | None = None
    consignee: C100
    consigneeTelephone: C50
    consigneeAddress: C200
    consigneeDistrict: Identifier[C6] | None = None
    note: C1000 | None = None
    items: list[OrderItem] = Field(min_length=1, max_length=99)


class Payment(BusinessHead):
    """CEB411 PaymentHead."""

    payCode: Identifier[C18]
    payName: C100
    payTransactionId: Identifier[C60]
    orderNo: Identifier[C60]
    ebpCode: Identifier[C18]
    ebpName: C100
    payerIdType: RuleCode
    payerIdNumber: Identifier[C60]
    payerName: C60
    telephone: C60 | None = None
    amountPaid: Amount
    currency: RuleCode
    payTime: CebTime
    note: C1000 | None = None


class Logistics(BusinessHead):
    """CEB511 LogisticsHead (the waybill)."""

    logisticsCode: Identifier[C18]
    logisticsName: C100
    logisticsNo: Identifier[C60]
    billNo: Identifier[C37] | None = None
    orderNo: Identifier[C60]
    freight: Amount | None = None
    insuredFee: Amount | None = None
    currency: RuleCode
    weight: Amount
    packNo: int = Field(ge=1)
    goodsInfo: C200 | None = None
    consignee: C100
    consigneeAddress: C200
    consigneeTelephone: C50
    note: C1000 | None = None


class DeclarationSet(CebModel):
    """One retail-import declaration: the three documents for one order."""

    order: Order
    payment: Payment
    logistics: Logistics
    tradeMode: Literal["9610", "1210"] = Field(
        default="9610", description="9610 direct purchase, 1210 bonded."
    )
    customsCode: Identifier[C4] | None = None
    portCode: Identifier[C4] | None = None
