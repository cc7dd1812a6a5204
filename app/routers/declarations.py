from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from app.auth import EVERYONE, PrincipalDep, allow
from app.domain.clearance import ClearanceStatus
from app.domain.privacy import mask_documents
from app.routers.deps import (
    AUTH_PROBLEMS,
    NO_NUL,
    PROBLEM,
    CreatedFromQuery,
    CreatedToQuery,
    CursorQuery,
    EngineDep,
    LimitQuery,
    SettingsDep,
    page_size,
    to_summary,
)
from app.schemas.responses import (
    AgencyResult,
    DeclarationDetail,
    DeclarationEventOut,
    DeclarationEventPage,
    DeclarationPage,
    DeclarationSummary,
)
from app.store import declarations

router = APIRouter(prefix="/v1/declarations", tags=["declarations"])

DeclarationId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z\-]+$")]


@router.get(
    "",
    response_model=DeclarationPage,
    summary="List declarations, newest first (an enterprise's: those it is a party to)",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_declarations(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    ebpCode: Annotated[str | None, Query(max_length=18, pattern=NO_NUL)] = None,
    orderNo: Annotated[str | None, Query(max_length=60, pattern=NO_NUL)] = None,
    status: Annotated[ClearanceStatus | None, Query()] = None,
    createdFrom: CreatedFromQuery = None,
    createdTo: CreatedToQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> DeclarationPage:
    where = declarations.DeclarationFilter(
        ebp_code=ebpCode,
        order_no=orderNo,
        status=status,
        created_from=createdFrom,
        created_to=createdTo,
        party=principal.only_own(),
    )
    rows, next_cursor = await run_in_threadpool(
        declarations.list_declarations, engine, where, cursor, page_size(settings, limit)
    )
    return DeclarationPage(
        items=[DeclarationSummary.model_validate(to_summary(d)) for d in rows],
        nextCursor=next_cursor,
    )


@router.get(
    "/{declarationId}",
    response_model=DeclarationDetail,
    summary="Read one declaration: documents, status and each agency's result",
    description=(
        "Buyers' and payers' ID and phone numbers are masked (`1101**********1234`) for "
        "everyone but regulators. An enterprise reads the declarations it is a party to; "
        "others are 404."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_declaration(
    declarationId: DeclarationId, engine: EngineDep, principal: PrincipalDep
) -> DeclarationDetail:
    record = await run_in_threadpool(
        declarations.get_declaration, engine, declarationId, principal.only_own()
    )
    d = record.declaration
    documents = d.documents if principal.sees_personal_data else mask_documents(d.documents)
    return DeclarationDetail.model_validate(
        to_summary(d)
        | {
            "documents": documents,
            "tax": d.tax,
            "agencies": [
                AgencyResult.model_validate(
                    {
                        "agency": a.agency,
                        "status": a.status,
                        "detail": a.detail,
                        "updatedAt": a.updated_at,
                    }
                )
                for a in record.agencies
            ],
        }
    )


@router.get(
    "/{declarationId}/events",
    response_model=DeclarationEventPage,
    summary="The declaration's status history, oldest first",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 404: PROBLEM},
)
async def list_events(
    declarationId: DeclarationId,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> DeclarationEventPage:
    rows, next_cursor = await run_in_threadpool(
        lambda: declarations.list_events(
            engine, declarationId, cursor, page_size(settings, limit), principal.only_own()
        )
    )
    return DeclarationEventPage(
        items=[
            DeclarationEventOut.model_validate(
                {
                    "id": e.id,
                    "status": e.status,
                    "cebStatus": e.ceb_status,
                    "agency": e.agency,
                    "note": e.note,
                    "createdAt": e.created_at,
                }
            )
            for e in rows
        ],
        nextCursor=next_cursor,
    )
