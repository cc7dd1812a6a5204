from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import EVERYONE, Principal, PrincipalDep, PrincipalKind, allow
from app.domain import webhook_targets
from app.errors import Forbidden, WebhookUrlForbidden
from app.idempotent import run_idempotent
from app.routers.deps import AUTH_PROBLEMS, PROBLEM, EngineDep, RawBody, SettingsDep, json_body
from app.schemas.parsing import parse_body
from app.schemas.webhook import WebhookCreate, WebhookCreated, WebhookPage, WebhookPublic
from app.store import webhooks
from app.store.models import WebhookEndpoint

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


def to_public(e: WebhookEndpoint) -> WebhookPublic:
    return WebhookPublic(
        id=e.id, url=e.url, events=e.events, customsCode=e.customs_code, createdAt=e.created_at
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
        "Webhooks library verifies it. A push is retried with backoff until the endpoint "
        "answers 2xx; redirects are not followed (a 3xx is a failed push). The URL's host "
        "must be a public address: loopback, private, link-local, shared and reserved "
        "addresses, `localhost` and `*.localhost` are refused with 422 "
        "`webhook_url_forbidden` (in any spelling: `2130706433`, `0x7f000001`, `127.1`, "
        "`[::ffff:127.0.0.1]`...), and a name that resolves to one is not pushed to."
    ),
    openapi_extra=json_body("WebhookCreate"),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 413: PROBLEM, 422: PROBLEM},
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
    found = await run_in_threadpool(webhooks.list_endpoints, engine, _owner_filter(principal))
    return WebhookPage(items=[to_public(e) for e in found])


@router.delete(
    "/{endpointId}",
    status_code=204,
    summary="Stop pushes to an endpoint",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def remove(
    endpointId: Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")],
    engine: EngineDep,
    principal: PrincipalDep,
) -> Response:
    await run_in_threadpool(webhooks.remove, engine, endpointId, _owner_filter(principal))
    return Response(status_code=204)


def _owner_filter(principal: Principal) -> str | None:
    return None if principal.kind is PrincipalKind.ADMIN else principal.owner
