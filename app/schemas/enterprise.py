"""Enterprise filing (企业备案): filed once, shared with every agency."""

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError
from stdnum.cn import uscc

from app.domain.goods import ReviewStatus
from app.schemas.ceb import Amount, Identifier
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


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


class ForeignTradeApplication(BaseModel):
    """对外贸易经营者备案登记: what commerce reviews."""

    model_config = ConfigDict(extra="forbid")

    operatorType: Literal["company", "partnership", "sole_proprietorship", "individual"] = Field(
        description="The kind of operator (经营者类型)."
    )
    legalRepresentative: Annotated[str, _text(60)]
    registeredCapital: Amount = Field(description="CNY.")
    address: Annotated[str, _text(200)] = Field(description="The registered address.")
    englishName: Annotated[str, _text(200)] | None = None


class CertificateOfOriginApplication(BaseModel):
    """原产地证申领企业备案: what inspection reviews."""

    model_config = ConfigDict(extra="forbid")

    legalRepresentative: Annotated[str, _text(60)]
    productionAddress: Annotated[str, _text(200)] = Field(
        description="Where the goods the certificates are for are made."
    )
    applicantName: Annotated[str, _text(60)] = Field(
        description="The staff member who applies for certificates (申领员)."
    )
    applicantTelephone: Annotated[str, StringConstraints(min_length=5, max_length=30)]
    hsCodes: list[Annotated[str, StringConstraints(min_length=1, max_length=10)]] = Field(
        min_length=1,
        max_length=20,
        description="10-digit HS codes of the goods the enterprise will ask certificates for.",
    )


class AlsoRegister(BaseModel):
    """两证合一: one filing, also applying for these registrations, each reviewed on its
    own by its authority."""

    model_config = ConfigDict(extra="forbid")

    foreignTrade: ForeignTradeApplication | None = Field(
        default=None, description="Foreign-trade operator registration (reviewed by commerce)."
    )
    certificateOfOrigin: CertificateOfOriginApplication | None = Field(
        default=None,
        description="Certificate-of-origin applicant registration (reviewed by inspection).",
    )


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: USCC = Field(description="18-character unified social credit code (GB 32100).")
    customsCode: CustomsCode = Field(description="10-character customs registration code.")
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    roles: Annotated[list[Role], Field(min_length=1, max_length=5), AfterValidator(_roles)]
    contactName: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    telephone: Annotated[str, StringConstraints(min_length=5, max_length=30)]
    alsoRegister: AlsoRegister | None = Field(
        default=None,
        description=(
            "两证合一: apply in the same filing for foreign-trade operator registration "
            "and certificate-of-origin applicant registration; each is reviewed on its own "
            "and shown in the filing's `registrations`."
        ),
    )


class TradeRegistrationPublic(BaseModel):
    """A registration the filing applied for, and its reviewer's answer."""

    status: ReviewStatus = Field(description="pending until reviewed; approved or refused.")
    reviewer: str = Field(description="commerce or inspection.")
    registrationNo: str | None = Field(description="Given when approved.")
    reasonCode: str | None = Field(description="Why refused: a stable code.")
    reason: str | None = Field(description="Why refused, in English.")
    reasonZh: str | None = Field(description="Why refused, in Chinese.")
    appliedAt: datetime
    reviewedAt: datetime | None


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
    registrations: dict[str, str | TradeRegistrationPublic] = Field(
        description=(
            "Agency → the registration number it gave the filing; and, when the filing "
            "applied for them (两证合一), `foreignTrade` and `certificateOfOrigin`, each "
            "with its review's status, number and reason."
        )
    )
    createdAt: datetime
    updatedAt: datetime


class EnterprisePage(Page):
    items: list[EnterprisePublic]
