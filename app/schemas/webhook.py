from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from app.schemas.enterprise import CustomsCode


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(description="Where to POST status changes (http or https).")
    events: list[Literal["declaration.status_changed"]] = Field(min_length=1)
    secret: Annotated[str, StringConstraints(min_length=16, max_length=200)] | None = Field(
        default=None,
        description="Signs each push (Standard Webhooks). Made for you when omitted.",
    )
    customsCode: CustomsCode | None = Field(
        default=None,
        description="Only declarations this enterprise is a party to; all when omitted.",
    )


class WebhookPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    customsCode: str | None
    createdAt: datetime


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="Shown once: verify each push's signature with it.")


class WebhookPage(BaseModel):
    items: list[WebhookPublic]
    nextCursor: None = None
