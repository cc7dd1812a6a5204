"""Enterprise filing (企业备案): filed once, shared with every agency."""

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError
from stdnum.cn import uscc

from app.schemas.ceb import Identifier
from app.schemas.pages import Page


class Role(StrEnum):
    PLATFORM = "platform"
    ECOMMERCE = "ecommerce"
    PAYMENT = "payment"
    LOGISTICS = "logistics"
    AGENT = "agent"


class FilingStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class CreditGrade(StrEnum):
    ADVANCED = "advanced"
    GENERAL = "general"
    DISCREDITED = "discredited"


def _uscc(value: str) -> str:
    value = value.strip().upper()
    if not uscc.is_valid(value):
        raise PydanticCustomError(
            "uscc_invalid",
            "must be an 18-character unified social credit code with a valid check character",
        )
    return value


_CUSTOMS_CODE = re.compile(r"[0-9A-Z]{10}")


def _customs_code(value: str) -> str:
    value = value.strip().upper()
    if not _CUSTOMS_CODE.fullmatch(value):
        raise PydanticCustomError("customs_code_invalid", "must be 10 letters or digits")
    return value


def _roles(value: list[Role]) -> list[Role]:
    return sorted(set(value))


USCC = Identifier[Annotated[str, StringConstraints(max_length=30), AfterValidator(_uscc)]]
# Surrounding spaces and lower case are forgiven; the spec says so.
CustomsCode = Identifier[
    Annotated[
        str,
        StringConstraints(max_length=20),
        AfterValidator(_customs_code),
        Field(json_schema_extra={"pattern": r"^\s*[0-9A-Za-z]{10}\s*$"}),
    ]
]


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: USCC = Field(description="18-character unified social credit code (GB 32100).")
    customsCode: CustomsCode = Field(description="10-character customs registration code.")
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    roles: Annotated[list[Role], Field(min_length=1, max_length=5), AfterValidator(_roles)]
    contactName: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    telephone: Annotated[str, StringConstraints(min_length=5, max_length=30)]


class EnterprisePublic(BaseModel):
    customsCode: str
    uscc: str
    name: str
    roles: list[Role]
    contactName: str
    telephone: str
    status: FilingStatus = Field(
        description="pending until every agency has registered the filing, then active."
    )
    creditGrade: CreditGrade
    registrations: dict[str, str] = Field(
        description="Agency → the registration number it gave the filing."
    )
    createdAt: datetime
    updatedAt: datetime


class EnterprisePage(Page):
    items: list[EnterprisePublic]
