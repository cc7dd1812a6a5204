from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.auth import EVERYONE, Principal, PrincipalDep, PrincipalKind, allow
from app.dispatch.pusher import push_once
from app.dispatch.webhook_client import webhook_client
from app.domain import webhook_targets
from app.errors import Forbidden, WebhookUrlForbidden
from app.idempotent import run_idempotent
from app.routers.deps import (
    AUTH_PROBLEMS,
    PROBLEM,
    CursorQuery,
    EngineDep,
    LimitQuery,
    RawBody,
    SettingsDep,
    json_body,
    page_size,
)
from app.schemas.parsing import parse_body
from app.schemas.webhook import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPage,
    WebhookDeliveryPublic,
    WebhookHealth,
    WebhookPage,
    WebhookPublic,
)
from app.store import webhooks
from app.store.models import WebhookDelivery, WebhookEndpoint

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


EndpointId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")]
DeliveryId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")]


def to_public(e: WebhookEndpoint) -> WebhookPublic:
    return WebhookPublic(
        id=e.id,
        url=e.url,
        events=e.events,
        customsCode=e.customs_code,
        format="ceb" if e.format == webhooks.CEB else "json",
        createdAt=e.created_at,
        health=WebhookHealth(
            lastSuccessAt=e.last_success_at,
            lastFailureAt=e.last_failure_at,
            lastFailureReason=e.last_failure_reason,
            consecutiveFailures=e.consecutive_failures,
            parked=e.parked,
            nextAttemptAt=e.next_attempt_at if e.consecutive_failures else None,
        ),
    )


def to_delivery(d: WebhookDelivery) -> WebhookDeliveryPublic:
    return WebhookDeliveryPublic(
        id=d.id,
        eventId=d.event_key,
        outcome=d.outcome,
        statusCode=d.status_code,
        error=d.error,
        durationMs=d.duration_ms,
        redelivery=d.redelivery,
        attemptedAt=d.attempted_at,
    )


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    summary="Register an endpoint for status pushes",
    description=(
        "Each status change of a matching declaration is POSTed to `url`, signed as Standard "
        "Webhooks specifies: headers `webhook-id`, `webhook-timestamp` and "
        "`webhook-signature` (`v1,` + base64 HMAC-SHA256 over `id.timestamp.body`, the key "
        "being the base64-decoded part of the secret after `whsec_`), so that any Standard "
        "Webhooks library verifies it. With `format` `ceb`, a status change is pushed as a "
        "CEB622 receipt (`application/xml`) instead of JSON, signed the same way. A push is "
        "retried with backoff until the endpoint "
        "answers 2xx, or until 24 hours have passed; redirects are not followed (a 3xx is "
        "a failed push). Each endpoint gets its pushes in order, one at a time, each attempt "
        "cut off after 10 seconds; an endpoint that keeps failing is parked (see its "
        "`health`) and probed until it answers again, without slowing anyone else's "
        "pushes or clearance. An owner may have up to 10 endpoints (409 "
        "`webhook_limit_reached` beyond). The URL's host "
        "must be a public address: loopback, private, link-local, shared and reserved "
        "addresses, `localhost` and `*.localhost` are refused with 422 "
        "`webhook_url_forbidden` (in any spelling: `2130706433`, `0x7f000001`, `127.1`, "
        "`[::ffff:127.0.0.1]`...), and a name that resolves to one is not pushed to."
    ),
    openapi_extra=json_body("WebhookCreate"),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def register(
    request: Request,
    body: RawBody,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(WebhookCreate, body)
        refusal = webhook_targets.url_refusal(str(wanted.url), settings.webhook_hosts_allowed())
        if refusal is not None:
            raise WebhookUrlForbidden(refusal.message, refusal.message_zh)
        own = principal.only_own()
        if own is not None:
            # An enterprise hears about its own declarations only.
            if wanted.customsCode not in (None, own):
                raise Forbidden(
                    "An enterprise registers endpoints for its own declarations only.",
                    "企业只能为自身的申报注册推送地址。",
                )
            wanted.customsCode = own
        endpoint = await run_in_threadpool(
            webhooks.register,
            engine,
            str(wanted.url),
            wanted.events,
            wanted.secret,
            wanted.customsCode,
            principal.owner,
            settings.webhook_max_endpoints,
            principal.actor,
            wanted.format,
        )
        created = WebhookCreated(**to_public(endpoint).model_dump(), secret=endpoint.secret)
        return JSONResponse(
            created.model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/v1/webhooks/{endpoint.id}"},
        )

    return await run_idempotent(request, body, handle)


@router.get(
    "",
    response_model=WebhookPage,
    summary="List webhook endpoints (the caller's own; admins see all)",
    dependencies=[allow(*EVERYONE)],
    responses=AUTH_PROBLEMS,
)
async def list_endpoints(engine: EngineDep, principal: PrincipalDep) -> WebhookPage:
    """The endpoints the caller registered (an enterprise's, a regulator's agency's, or all
    of them for admins), with their health: failures in a row, whether parked, the last
    success and failure. Secrets are never shown again after registration."""
    found = await run_in_threadpool(webhooks.list_endpoints, engine, _owner_filter(principal))
    return WebhookPage(items=[to_public(e) for e in found])


@router.delete(
    "/{endpointId}",
    status_code=204,
    summary="Stop pushes to an endpoint",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def remove(endpointId: EndpointId, engine: EngineDep, principal: PrincipalDep) -> Response:
    """Removes the endpoint: nothing more is pushed to it. Only its owner (or an admin)
    may; anyone else gets `404`."""
    await run_in_threadpool(
        webhooks.remove, engine, endpointId, _owner_filter(principal), principal.actor
    )
    return Response(status_code=204)


@router.get(
    "/{endpointId}",
    response_model=WebhookPublic,
    summary="One webhook endpoint and its health",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_endpoint(
    endpointId: EndpointId, engine: EngineDep, principal: PrincipalDep
) -> WebhookPublic:
    """One endpoint the caller owns: its URL, the events it takes, its format, and how
    pushing to it goes (failures in a row, parked, next attempt, last success and
    failure with its reason)."""
    return to_public(await _own_endpoint(engine, endpointId, principal))


@router.get(
    "/{endpointId}/deliveries",
    response_model=WebhookDeliveryPage,
    summary="Recent push attempts to an endpoint, newest first",
    description=(
        "Every attempt of the last three days: when, what the endpoint answered, how long "
        "it took, and why it failed."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 404: PROBLEM},
)
async def list_deliveries(
    endpointId: EndpointId,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> WebhookDeliveryPage:
    await _own_endpoint(engine, endpointId, principal)
    rows, next_cursor = await run_in_threadpool(
        webhooks.deliveries, engine, endpointId, cursor, page_size(settings, limit)
    )
    return WebhookDeliveryPage(items=[to_delivery(d) for d in rows], nextCursor=next_cursor)


@router.post(
    "/{endpointId}/deliveries/{deliveryId}/redeliver",
    status_code=201,
    response_model=WebhookDeliveryPublic,
    summary="Send a delivery's event again",
    description=(
        "Pushes the event of an earlier attempt again, now, with the same `webhook-id` "
        "(a receiver that deduplicates by it sees the same event), and answers the new "
        "attempt. It is kept with the endpoint's deliveries; the endpoint's place in its "
        "events and its retry schedule do not change."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def redeliver(
    request: Request,
    body: RawBody,
    endpointId: EndpointId,
    deliveryId: DeliveryId,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> Response:
    async def handle() -> Response:
        endpoint = await _own_endpoint(engine, endpointId, principal)
        event = await run_in_threadpool(webhooks.delivered_event, engine, endpoint.id, deliveryId)
        async with webhook_client(settings) as client:
            attempt = await push_once(
                client, webhooks.Target.of(endpoint), event, settings, redelivery=True
            )
        delivery = await run_in_threadpool(webhooks.record_redelivery, engine, attempt)
        return JSONResponse(to_delivery(delivery).model_dump(mode="json"), status_code=201)

    return await run_idempotent(request, body, handle)


async def _own_endpoint(engine: Engine, endpoint_id: str, principal: Principal) -> WebhookEndpoint:
    found = await run_in_threadpool(
        webhooks.endpoint, engine, endpoint_id, _owner_filter(principal)
    )
    if found is None:
        raise webhooks.not_found(endpoint_id)
    return found


def _owner_filter(principal: Principal) -> str | None:
    return None if principal.kind is PrincipalKind.ADMIN else principal.owner
