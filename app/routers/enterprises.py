from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.idempotent import run_idempotent
from app.models import Enterprise
from app.routers.deps import (
    CursorQuery,
    EngineDep,
    LimitQuery,
    RawBody,
    SettingsDep,
    json_body,
    page_size,
)
from app.schemas.enterprise import (
    CreditGrade,
    EnterpriseCreate,
    EnterprisePage,
    EnterprisePublic,
    FilingStatus,
    Role,
)
from app.schemas.parsing import parse_body
from app.schemas.responses import Problem
from app.services import enterprises

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])

PROBLEM: dict[str, Any] = {"model": Problem, "content": {"application/problem+json": {}}}


def to_public(e: Enterprise, registrations: dict[str, str] | None = None) -> EnterprisePublic:
    return EnterprisePublic(
        customsCode=e.customs_code,
        uscc=e.uscc,
        name=e.name,
        roles=[Role(r) for r in e.roles.split()],
        contactName=e.contact_name,
        telephone=e.telephone,
        status=FilingStatus(e.status),
        creditGrade=CreditGrade(e.credit_grade),
        registrations=registrations or {},
        createdAt=e.created_at,
        updatedAt=e.updated_at,
    )


@router.post(
    "",
    status_code=201,
    response_model=EnterprisePublic,
    summary="File an enterprise (once; shared with every agency)",
    openapi_extra=json_body("EnterpriseCreate"),
    responses={409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def file_enterprise(request: Request, body: RawBody, engine: EngineDep) -> Response:
    async def handle() -> Response:
        filing = parse_body(EnterpriseCreate, body)
        enterprise = await run_in_threadpool(enterprises.file_enterprise, engine, filing)
        return JSONResponse(
            to_public(enterprise).model_dump(mode="json"),
            status_code=201,
            headers={"Location": enterprises.enterprise_location(enterprise.customs_code)},
        )

    return await run_idempotent(request, body, handle)


@router.get(
    "/{customsCode}",
    response_model=EnterprisePublic,
    summary="Read one filing",
    responses={404: PROBLEM},
)
async def get_enterprise(
    customsCode: Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")],
    engine: EngineDep,
) -> EnterprisePublic:
    enterprise = await run_in_threadpool(enterprises.get_enterprise, engine, customsCode)
    return (await with_registrations(engine, [enterprise]))[0]


async def with_registrations(engine: Engine, found: Sequence[Enterprise]) -> list[EnterprisePublic]:
    numbers = await run_in_threadpool(
        enterprises.registrations, engine, [e.id for e in found if e.id is not None]
    )
    return [to_public(e, numbers.get(e.id or 0)) for e in found]


@router.get(
    "",
    response_model=EnterprisePage,
    summary="List filings, newest first",
    responses={400: PROBLEM, 422: PROBLEM},
)
async def list_enterprises(
    engine: EngineDep,
    settings: SettingsDep,
    role: Annotated[Role | None, Query()] = None,
    status: Annotated[FilingStatus | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> EnterprisePage:
    rows, next_cursor = await run_in_threadpool(
        lambda: enterprises.list_enterprises(
            engine, role=role, status=status, cursor=cursor, limit=page_size(settings, limit)
        )
    )
    return EnterprisePage(items=await with_registrations(engine, rows), nextCursor=next_cursor)
