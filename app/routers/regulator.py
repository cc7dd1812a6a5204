"""The regulators' shared view: every filing and declaration, the change feed, statistics,
exports, the audit trail, and the actions regulators take on filings."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from app.auth import ADMIN, REGULATOR, Cost, PrincipalDep, allow
from app.domain.clearance import ClearanceStatus
from app.domain.violations import RuleViolation
from app.errors import InvalidRequest
from app.idempotent import run_idempotent
from app.routers.deps import (
    AUTH_PROBLEMS,
    NO_NUL,
    PROBLEM,
    CreatedFromQuery,
    CreatedToQuery,
    CursorQuery,
    EngineDep,
    LimitQuery,
    RawBody,
    SettingsDep,
    json_body,
    to_summary,
    with_registrations,
)
from app.routers.deps import page_size as page_size_of
from app.schemas.enterprise import CreditGrade, EnterprisePage, EnterprisePublic, FilingStatus, Role
from app.schemas.parsing import parse_body
from app.schemas.regulator import (
    AuditVerification,
    CreditGradeChange,
    FeedItem,
    FeedPage,
    FilingStatusChange,
)
from app.schemas.responses import DeclarationPage, DeclarationSummary
from app.store import audit, enterprises, export, regulator, stats
from app.store.keys import RegulatorAgency

router = APIRouter(prefix="/v1/regulator", tags=["regulators"])

READ = allow(ADMIN, REGULATOR)
HEAVY = allow(ADMIN, REGULATOR, cost=Cost.HEAVY)
CustomsCodePath = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")]
RESPONSES = {**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM}


def _range(created_from: datetime | None, created_to: datetime | None) -> tuple[datetime, datetime]:
    """A date range, by default the last 30 days; ``from`` must come before ``to``."""
    end = created_to or datetime.now(UTC)
    start = created_from or end - timedelta(days=30)
    if start >= end:
        raise InvalidRequest(
            [
                RuleViolation(
                    "range_empty",
                    None,
                    "createdFrom must be before createdTo",
                    "createdFrom 必须早于 createdTo",
                    parameter="createdFrom",
                )
            ]
        )
    return start, end


@router.get(
    "/enterprises",
    response_model=EnterprisePage,
    summary="Every filing, newest first, with filters",
    dependencies=[READ],
    responses=RESPONSES,
)
async def list_enterprises(
    engine: EngineDep,
    settings: SettingsDep,
    role: Annotated[Role | None, Query()] = None,
    status: Annotated[FilingStatus | None, Query()] = None,
    creditGrade: Annotated[CreditGrade | None, Query()] = None,
    createdFrom: CreatedFromQuery = None,
    createdTo: CreatedToQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> EnterprisePage:
    where = regulator.EnterpriseFilter(
        role=role,
        status=status,
        credit_grade=creditGrade,
        created_from=createdFrom,
        created_to=createdTo,
    )
    rows, next_cursor = await run_in_threadpool(
        regulator.list_enterprises, engine, where, cursor, page_size_of(settings, limit)
    )
    return EnterprisePage(items=await with_registrations(engine, rows), nextCursor=next_cursor)


@router.get(
    "/declarations",
    response_model=DeclarationPage,
    summary="Every declaration, newest first, with filters",
    dependencies=[READ],
    responses=RESPONSES,
)
async def list_declarations(
    engine: EngineDep,
    settings: SettingsDep,
    status: Annotated[ClearanceStatus | None, Query()] = None,
    party: Annotated[
        str | None,
        Query(max_length=20, pattern=NO_NUL, description="A party's customs code (any role)."),
    ] = None,
    hsChapter: Annotated[
        str | None, Query(pattern=r"^[0-9]{2}$", description="HS chapter, e.g. 33.")
    ] = None,
    country: Annotated[
        str | None, Query(pattern=r"^[0-9A-Z]{3}$", description="Origin country (CEB code).")
    ] = None,
    creditGrade: Annotated[
        CreditGrade | None, Query(description="The platform's credit grade.")
    ] = None,
    createdFrom: CreatedFromQuery = None,
    createdTo: CreatedToQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> DeclarationPage:
    where = regulator.DeclarationFilter(
        status=status,
        party_code=party,
        hs_chapter=hsChapter,
        country=country,
        ebp_credit_grade=creditGrade,
        created_from=createdFrom,
        created_to=createdTo,
    )
    rows, next_cursor = await run_in_threadpool(
        regulator.list_declarations, engine, where, cursor, page_size_of(settings, limit)
    )
    return DeclarationPage(
        items=[DeclarationSummary.model_validate(to_summary(d)) for d in rows],
        nextCursor=next_cursor,
    )


@router.get(
    "/declarations/export",
    summary="Export the declarations of a date range (CSV or NDJSON), streamed",
    description="Oldest first. Default range: the last 30 days.",
    dependencies=[HEAVY],
    responses={
        **RESPONSES,
        200: {
            "description": "The declarations, streamed.",
            "content": {"text/csv": {}, "application/x-ndjson": {}},
        },
    },
    response_class=StreamingResponse,
)
async def export_declarations(
    engine: EngineDep,
    createdFrom: CreatedFromQuery = None,
    createdTo: CreatedToQuery = None,
    format: Annotated[Literal["csv", "ndjson"], Query()] = "csv",
) -> StreamingResponse:
    start, end = _range(createdFrom, createdTo)
    chunks = export.iter_declarations(engine, start, end, format)
    name = f"declarations-{start:%Y%m%d}-{end:%Y%m%d}.{format}"
    return StreamingResponse(
        iterate_in_threadpool(chunks),
        media_type=export.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/stats",
    response_model=stats.Stats,
    response_model_by_alias=True,
    summary="Statistics of a date range, computed by the database",
    description=(
        "Counts by status, by day and by agency outcome; refusals by rule code; clearance "
        "time percentiles; declared value and tax totals; top HS chapters and origin "
        "countries. Default range: the last 30 days."
    ),
    dependencies=[HEAVY],
    responses=RESPONSES,
)
async def get_stats(
    engine: EngineDep, createdFrom: CreatedFromQuery = None, createdTo: CreatedToQuery = None
) -> stats.Stats:
    start, end = _range(createdFrom, createdTo)
    return await run_in_threadpool(stats.compute, engine, start, end)


@router.get(
    "/feed",
    response_model=FeedPage,
    summary="Every filing and declaration event, in order, from a cursor",
    description=(
        "Start with `after=0`; pass each page's `nextCursor` as `after` for the next. Rows "
        "come in commit order with no gaps, so a mirror built from the feed holds each "
        "record once and misses none."
    ),
    dependencies=[READ],
    responses=RESPONSES,
)
async def feed(
    engine: EngineDep,
    settings: SettingsDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="The last seq already seen.")] = 0,
    limit: LimitQuery = None,
) -> FeedPage:
    rows, next_after = await run_in_threadpool(
        audit.feed, engine, after, page_size_of(settings, limit)
    )
    return FeedPage(
        items=[
            FeedItem(
                seq=r.seq,
                kind=r.kind,
                subjectType=r.subject_type,
                subjectId=r.subject_id,
                actor=r.actor,
                occurredAt=r.occurred_at,
                data=r.data,
                hash=r.hash,
            )
            for r in rows
        ],
        nextCursor=str(next_after),
    )


@router.get(
    "/audit/verify",
    response_model=AuditVerification,
    summary="Walk the audit trail's hash chain and name the first broken row",
    dependencies=[HEAVY],
    responses=AUTH_PROBLEMS,
)
async def verify_audit(engine: EngineDep) -> AuditVerification:
    result = await run_in_threadpool(audit.verify, engine)
    return AuditVerification(
        ok=result.ok, checked=result.checked, brokenSeq=result.broken_seq, problem=result.problem
    )


@router.post(
    "/enterprises/{customsCode}/credit-grade",
    response_model=EnterprisePublic,
    summary="Grade an enterprise's credit (customs)",
    openapi_extra=json_body("CreditGradeChange"),
    dependencies=[allow(ADMIN, REGULATOR, regulators={RegulatorAgency.CUSTOMS})],
    responses={**RESPONSES, 404: PROBLEM, 413: PROBLEM},
)
async def grade_enterprise(
    customsCode: CustomsCodePath,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
) -> Response:
    async def handle() -> Response:
        change = parse_body(CreditGradeChange, body)
        enterprise = await run_in_threadpool(
            enterprises.grade,
            engine,
            customsCode.upper(),
            change.creditGrade,
            change.reason,
            principal.actor,
        )
        (public,) = await with_registrations(engine, [enterprise])
        return JSONResponse(public.model_dump(mode="json"))

    return await run_idempotent(request, body, handle)


@router.post(
    "/enterprises/{customsCode}/status",
    response_model=EnterprisePublic,
    summary="Suspend, reinstate or revoke an enterprise's filing (customs, commerce)",
    description=(
        "A suspended or revoked enterprise's new declarations are refused "
        "(`enterprise_inactive`). Revocation is final. Each change is in the audit trail."
    ),
    openapi_extra=json_body("FilingStatusChange"),
    dependencies=[
        allow(ADMIN, REGULATOR, regulators={RegulatorAgency.CUSTOMS, RegulatorAgency.COMMERCE})
    ],
    responses={**RESPONSES, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM},
)
async def change_enterprise_status(
    customsCode: CustomsCodePath,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
) -> Response:
    async def handle() -> Response:
        change = parse_body(FilingStatusChange, body)
        enterprise = await run_in_threadpool(
            enterprises.change_status,
            engine,
            customsCode.upper(),
            FilingStatus(change.status),
            change.reason,
            principal.actor,
        )
        (public,) = await with_registrations(engine, [enterprise])
        return JSONResponse(public.model_dump(mode="json"))

    return await run_idempotent(request, body, handle)
