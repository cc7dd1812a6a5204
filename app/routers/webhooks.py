from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.idempotent import run_idempotent
from app.models import WebhookEndpoint
from app.routers.deps import EngineDep, RawBody, json_body
from app.routers.enterprises import PROBLEM
from app.schemas.parsing import parse_body
from app.schemas.webhook import WebhookCreate, WebhookCreated, WebhookPage, WebhookPublic
from app.services import webhooks

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
        "Each status change of a matching declaration is POSTed to `url`, signed like agency "
        "receipts (`webhook-id`, `webhook-timestamp`, `webhook-signature`), and retried with "
        "backoff until the endpoint answers 2xx."
    ),
    openapi_extra=json_body("WebhookCreate"),
    responses={413: PROBLEM, 422: PROBLEM},
)
async def register(request: Request, body: RawBody, engine: EngineDep) -> Response:
    async def handle() -> Response:
        wanted = parse_body(WebhookCreate, body)
        endpoint = await run_in_threadpool(
            webhooks.register,
            engine,
            str(wanted.url),
            wanted.events,
            wanted.secret,
            wanted.customsCode,
        )
        created = WebhookCreated(**to_public(endpoint).model_dump(), secret=endpoint.secret)
        return JSONResponse(
            created.model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/v1/webhooks/{endpoint.id}"},
        )

    return await run_idempotent(request, body, handle)


@router.get("", response_model=WebhookPage, summary="List webhook endpoints")
async def list_endpoints(engine: EngineDep) -> WebhookPage:
    found = await run_in_threadpool(webhooks.list_endpoints, engine)
    return WebhookPage(items=[to_public(e) for e in found])


@router.delete(
    "/{endpointId}", status_code=204, summary="Stop pushes to an endpoint", responses={404: PROBLEM}
)
async def remove(
    endpointId: Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")], engine: EngineDep
) -> Response:
    await run_in_threadpool(webhooks.remove, engine, endpointId)
    return Response(status_code=204)
