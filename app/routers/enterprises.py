import json
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, EVERYONE, PrincipalDep, allow
from app.errors import EnterpriseNotFound
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
    to_public,
    with_registrations,
)
from app.schemas.enterprise import (
    EnterpriseCreate,
    EnterprisePage,
    EnterprisePublic,
    FilingStatus,
    Role,
)
from app.schemas.keys import ApiKeyIssued, EnterpriseFiled
from app.schemas.parsing import parse_body
from app.store import enterprises, keys
from app.store.keys import KeyKind
from app.store.models import Enterprise

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])


@router.post(
    "",
    status_code=201,
    response_model=EnterpriseFiled,
    summary="File an enterprise (once; shared with every agency)",
    description=(
        "Admins file enterprises (anyone may in development with `SW_OPEN_FILING=true`). "
        "The answer carries the enterprise's first API key, shown once."
    ),
    openapi_extra=json_body("EnterpriseCreate"),
    dependencies=[allow(ADMIN, open_filing=True)],
    responses={**AUTH_PROBLEMS, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def file_enterprise(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep
) -> Response:
    async def handle() -> Response:
        filing = parse_body(EnterpriseCreate, body)
        enterprise = await run_in_threadpool(
            lambda: enterprises.file_enterprise(engine, filing, actor=principal.actor)
        )
        issued = await run_in_threadpool(
            lambda: keys.create(
                engine,
                KeyKind.ENTERPRISE,
                created_by=principal.actor,
                customs_code=enterprise.customs_code,
                label="first key",
            )
        )
        answer = EnterpriseFiled(
            **to_public(enterprise).model_dump(),
            apiKey=ApiKeyIssued(id=issued.key.id, prefix=issued.key.prefix, key=issued.plain),
        )
        return JSONResponse(
            answer.model_dump(mode="json"),
            status_code=201,
            headers={"Location": enterprises.enterprise_location(enterprise.customs_code)},
        )

    return await run_idempotent(request, body, handle, redact=_forget_first_key)


def _forget_first_key(body: bytes) -> bytes:
    answer = json.loads(body)
    answer["apiKey"]["key"] = None
    return json.dumps(answer).encode()


@router.get(
    "/{customsCode}",
    response_model=EnterprisePublic,
    summary="Read one filing (an enterprise reads its own)",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_enterprise(
    customsCode: Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")],
    engine: EngineDep,
    principal: PrincipalDep,
) -> EnterprisePublic:
    """A filing as the single window keeps it: the enterprise's codes, roles, contact,
    status (`pending` until all four agencies have registered it, then `active`), credit
    grade, and each agency's registration number. An enterprise reads only its own: any
    other customs code answers `404`, as if it were not filed."""
    own = principal.only_own()
    if own is not None and own != customsCode.upper():
        # Another enterprise's filing: as if there were none.
        raise EnterpriseNotFound(
            f"No enterprise is filed with customs code {customsCode!r}.",
            f"海关编码 {customsCode!r} 没有备案记录。",
        )
    enterprise = await run_in_threadpool(enterprises.get_enterprise, engine, customsCode)
    return (await with_registrations(engine, [enterprise]))[0]


@router.get(
    "",
    response_model=EnterprisePage,
    summary="List filings, newest first (an enterprise sees its own)",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_enterprises(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    role: Annotated[Role | None, Query()] = None,
    status: Annotated[FilingStatus | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> EnterprisePage:
    """Filings, newest first, a page at a time (`nextCursor` leads to the next page),
    filtered by role and status. An enterprise's list holds at most its own filing."""
    own = principal.only_own()
    if own is not None:
        # An enterprise's list is its own filing, if it matches the filters.
        mine = await run_in_threadpool(enterprises.get_enterprise, engine, own)
        matches = (role is None or role.value in mine.roles.split()) and (
            status is None or mine.status == status.value
        )
        if cursor is not None:
            # Its one filing is on the first page; a cursor is still checked.
            enterprises.check_cursor(cursor)
        rows: Sequence[Enterprise] = [mine] if matches and cursor is None else []
        return EnterprisePage(items=await with_registrations(engine, rows), nextCursor=None)
    rows, next_cursor = await run_in_threadpool(
        lambda: enterprises.list_enterprises(
            engine, role=role, status=status, cursor=cursor, limit=page_size(settings, limit)
        )
    )
    return EnterprisePage(items=await with_registrations(engine, rows), nextCursor=next_cursor)
