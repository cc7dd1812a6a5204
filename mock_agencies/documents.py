"""The parts of a declaration set (CEB field names) that the agencies read.

Agencies take the single window's documents as untrusted input: they parse only what
their rules need, ignore the rest, and refuse an item they cannot read at all."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
# Ten ASCII digits: the 8-digit tariff number and 2 more.
HsCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{10}$")]
MAX_ERROR_CHARS = 500


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Item(_Lenient):
    # The order's line number (1, 2, 3 …); returns name lines by it. Taken as optional so
    # that an agency reading only codes and amounts does not refuse a set without it.
    gnum: int | None = None
    gcode: HsCode
    qty: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    totalPrice: Money


class Order(_Lenient):
    ebcCode: str
    buyerIdNumber: str
    goodsValue: Money
    freight: Money
    taxTotal: Money
    items: list[Item] = Field(min_length=1)


class Payment(_Lenient):
    payCode: str


class Logistics(_Lenient):
    insuredFee: Money | None = None


class DeclarationDocuments(_Lenient):
    order: Order
    payment: Payment
    logistics: Logistics

    @property
    def dutiable_value(self) -> Decimal:
        """Goods + freight + insurance: what the limits and the tax apply to."""
        insured = self.logistics.insuredFee or Decimal(0)
        return self.order.goodsValue + self.order.freight + insured

    @property
    def lines_by_gnum(self) -> dict[int, Item]:
        """The order's lines by line number; a line without one goes by its position."""
        return {item.gnum or n: item for n, item in enumerate(self.order.items, start=1)}

    @property
    def is_single_indivisible_item(self) -> bool:
        items = self.order.items
        return len(items) == 1 and items[0].qty == 1


class UnreadableDocuments(Exception):
    """The documents lack what the agency needs; the item is refused, not decided."""


def read_documents(documents: dict[str, Any]) -> DeclarationDocuments:
    try:
        return DeclarationDocuments.model_validate(documents)
    except ValidationError as error:
        problems = "; ".join(
            f"{'/'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise UnreadableDocuments(problems[:MAX_ERROR_CHARS]) from None
