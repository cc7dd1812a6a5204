from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.schemas.enterprise import CustomsCode, EnterprisePublic
from app.store.keys import KeyKind, RegulatorAgency


class ApiKeyCreate(BaseModel):
    """`{"kind": "admin"}`, `{"kind": "regulator", "agency": "customs"}` or
    `{"kind": "enterprise", "customsCode": "..."}`."""

    model_config = ConfigDict(extra="forbid")

    kind: KeyKind
    agency: RegulatorAgency | None = Field(default=None, description="For a regulator's key.")
    customsCode: CustomsCode | None = Field(default=None, description="For an enterprise's key.")
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, description="A note to tell keys apart, e.g. where it is used."
    )


class ApiKeyPublic(BaseModel):
    id: str
    prefix: str = Field(description="The key's first characters, to recognise it.")
    kind: KeyKind
    agency: RegulatorAgency | None
    customsCode: str | None
    label: str | None
    createdBy: str
    createdAt: datetime
    revokedAt: datetime | None


class ApiKeyIssued(BaseModel):
    id: str
    prefix: str
    key: str | None = Field(
        description=(
            "The key itself, shown once: only its hash is kept. A replayed answer "
            "(same Idempotency-Key) does not show it again."
        )
    )


class ApiKeyPage(BaseModel):
    items: list[ApiKeyPublic]
    nextCursor: None = None


class EnterpriseFiled(EnterprisePublic):
    apiKey: ApiKeyIssued = Field(description="The enterprise's first API key, shown once.")
