from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from app.agencies.signing import standard_webhook_key
from app.schemas.enterprise import CustomsCode
from app.schemas.pages import Page

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
WebhookFormat = Literal["json", "ceb"]
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
    events: list[
        Literal[
            "declaration.status_changed",
            "declaration.changed",
            "documents.expired",
            "takedown.issued",
            "product.recalled",
        ]
    ] = Field(
        min_length=1,
        description=(
            "`declaration.status_changed`: a declaration's status moved. "
            "`declaration.changed`: a declaration was amended, or a cancellation or return "
            "of it was asked for, agreed or refused by customs, or done (`change`, `state`). "
            "`documents.expired`: a document the enterprise posted on its own (order, "
            "payment, waybill) expired before the others of its order arrived. "
            "`takedown.issued`: a regulator upheld a complaint about goods on the platform, "
            "which must take their listing down and acknowledge the notice "
            "(`POST /v1/takedowns/{id}/acknowledgement`) by `acknowledgeBy`. "
            "`product.recalled`: a regulator recalled goods the enterprise filed or is a "
            "platform or e-commerce company of a declaration of (`GET /v1/recalls/{id}`)."
        ),
    )
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
    format: WebhookFormat = Field(
        default="json",
        description=(
            "`json`: each push is the event as JSON. `ceb`: a `declaration.status_changed` "
            "push is a CEB622Message (`application/xml`, valid against "
            "ceb-import-202205.xsd) with one InventoryReturn whose `returnStatus` is the "
            "declaration's CEB status (800 released, 100 refused...), keyed by `copNo` "
            "(the order number's first 20 characters) and the window's `preNo`; other "
            "events stay JSON. Either way the push is signed the same way."
        ),
    )


class WebhookHealth(BaseModel):
    """How pushing to the endpoint goes."""

    lastSuccessAt: datetime | None = Field(description="The last push it answered 2xx.")
    lastFailureAt: datetime | None = Field(description="The last push that failed.")
    lastFailureReason: str | None = Field(description="Why the last failed push failed.")
    consecutiveFailures: int = Field(description="Failed pushes since the last success.")
    parked: bool = Field(
        description=(
            "Parked after repeated failures: only a probe goes out, at the retry "
            "schedule's pace, until one succeeds; events wait in order meanwhile."
        )
    )
    nextAttemptAt: datetime | None = Field(
        description="When a failing endpoint is tried again; null when it is not failing."
    )


class WebhookPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    customsCode: str | None
    format: WebhookFormat = Field(
        description="`json`: pushes are JSON. `ceb`: status changes come as CEB622 XML."
    )
    createdAt: datetime
    health: WebhookHealth


class WebhookCreated(WebhookPublic):
    secret: str | None = Field(
        description=(
            "Shown once: verify each push's signature with it, e.g. with a Standard Webhooks "
            "library (`Webhook(secret).verify(body, headers)`). A replay of the request "
            "under the same Idempotency-Key answers null here."
        )
    )


class WebhookPage(BaseModel):
    items: list[WebhookPublic]
    nextCursor: None = None


class WebhookDeliveryPublic(BaseModel):
    """One attempt to push an event to the endpoint."""

    id: str
    eventId: str = Field(description="The event's id, sent as the `webhook-id` header.")
    outcome: Literal["delivered", "failed", "refused", "expired"] = Field(
        description=(
            "`delivered`: answered 2xx. `failed`: no answer within the deadline, a network "
            "error or a 5xx/429; tried again. `refused`: an answer retrying will not change "
            "(another 4xx, a redirect, a URL no longer allowed); the next events go on. "
            "`expired`: still undelivered 24 hours after it happened; given up on."
        )
    )
    statusCode: int | None = Field(description="The endpoint's HTTP status, if it answered.")
    error: str | None
    durationMs: int
    redelivery: bool = Field(description="Sent again on request.")
    attemptedAt: datetime


class WebhookDeliveryPage(Page):
    items: list[WebhookDeliveryPublic]
