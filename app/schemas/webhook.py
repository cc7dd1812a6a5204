from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from app.agencies.signing import standard_webhook_key
from app.schemas.enterprise import CustomsCode

# What the URL column holds; the URL is measured as stored (percent-encoded, its host
# in lower case), which may be longer than as sent.
MAX_URL_LENGTH = 2000


def _storable(url: AnyHttpUrl) -> AnyHttpUrl:
    if len(str(url)) > MAX_URL_LENGTH:
        raise PydanticCustomError(
            "string_too_long",
            "The URL should have at most {max_length} characters",
            {"max_length": MAX_URL_LENGTH},
        )
    return url


def _standard_secret(secret: str) -> str:
    if standard_webhook_key(secret) is None:
        raise PydanticCustomError(
            "webhook_secret_invalid",
            "A webhook secret is whsec_ followed by the base64 of 32 to 64 random bytes",
        )
    return secret


WebhookUrl = Annotated[AnyHttpUrl, AfterValidator(_storable)]
# whsec_ and the base64 of 32 bytes without its padding (49), to 64 bytes with it (94).
WebhookSecret = Annotated[
    str, StringConstraints(min_length=49, max_length=94), AfterValidator(_standard_secret)
]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl = Field(
        description=(
            "Where to POST status changes: an http or https URL of at most 2,000 characters, "
            "without user name or password, whose host is a public address. Loopback, "
            "private, link-local, shared and reserved addresses, `localhost` and "
            "`*.localhost` are refused (422 `webhook_url_forbidden`), and so is a name "
            "that resolves to one when a push goes out."
        ),
        json_schema_extra={"maxLength": MAX_URL_LENGTH},
    )
    events: list[Literal["declaration.status_changed"]] = Field(min_length=1)
    secret: WebhookSecret | None = Field(
        default=None,
        description=(
            "Signs each push (Standard Webhooks): `whsec_` followed by the base64 of 32 to "
            "64 random bytes, the HMAC-SHA256 key. Made for you when omitted."
        ),
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
    secret: str = Field(
        description=(
            "Shown once: verify each push's signature with it, e.g. with a Standard Webhooks "
            "library (`Webhook(secret).verify(body, headers)`)."
        )
    )


class WebhookPage(BaseModel):
    items: list[WebhookPublic]
    nextCursor: None = None
