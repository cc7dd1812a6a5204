"""What a platform sends to cancel a declaration or return goods."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.ceb import C60, Identifier

Reason = Annotated[str, Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")]


class CancellationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class ReturnItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gnum: int = Field(ge=1, le=999, description="The line of the order returned.")
    qty: Annotated[Decimal, Field(gt=0, max_digits=19, decimal_places=5)]


class ReturnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    logisticsNo: Identifier[C60] = Field(description="The return waybill.")
    items: list[ReturnItem] = Field(min_length=1, max_length=999)
    reason: Reason
