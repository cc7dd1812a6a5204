"""The regulators' shared view: every filing and declaration, the change feed, statistics,
exports, the audit trail, and the actions regulators take on filings."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Engine
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from app.auth import (
    ADMIN,
    CHANGING_STATUS,
    GRADING,
    REGULATOR,
    Cost,
    PrincipalDep,
    allow,
    guard,
)
from app.config import Settings
from app.domain.clearance import ClearanceStatus
from app.domain.violations import RuleViolation
from app.errors import AuditCheckpointInvalid, AuditCheckpointNotFound, InvalidRequest
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
    AuditCheckpoint,
    AuditCheckpointPage,
    AuditVerification,
    CheckpointProblem,
    CreditGradeChange,
    FeedItem,
    FeedPage,
    FilingStatusChange,
    KeptCheckpointResult,
    RowProblem,
)
from app.schemas.responses import DeclarationPage, DeclarationSummary
from app.store import audit, audit_checkpoints, audit_rows, enterprises, export, regulator, stats

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
    """Every filing, newest first, a page at a time, filtered by role, status, credit grade
    and filing time."""
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
    """Every declaration, newest first, a page at a time, filtered by status, any party's
    customs code, HS chapter, origin country, the platform's credit grade and creation
    time. Regulators see buyers' personal data unmasked; admins see it masked."""
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
    summary="Verify the audit trail: its chain, its checkpoints and the rows it describes",
    description=(
        "Walks the hash chain and names the first broken row; compares every stored "
        "checkpoint with the chain (one beyond its end shows rows removed from the end); "
        "compares every filing, API key and declaration with its newest audit entry (a row "
        "changed without one is listed). A verified trail whose head moved since the last "
        "checkpoint gets a new one when one is due."
    ),
    dependencies=[HEAVY],
    responses=AUTH_PROBLEMS,
)
async def verify_audit(engine: EngineDep, settings: SettingsDep) -> AuditVerification:
    return await _verification(engine, settings, None)


@router.post(
    "/audit/verify",
    response_model=AuditVerification,
    summary="Verify the audit trail against a checkpoint you kept",
    description=(
        "As `GET`, and the trail must still hold the checkpoint's row with its hash: rows "
        "removed from the end after it was taken show here even when the stored "
        "checkpoints were removed too. A checkpoint the service did not sign answers "
        "`422 audit_checkpoint_invalid`."
    ),
    openapi_extra=json_body("AuditCheckpoint"),
    dependencies=[HEAVY],
    responses={**RESPONSES, 413: PROBLEM},
)
async def verify_audit_against(
    body: RawBody, engine: EngineDep, settings: SettingsDep
) -> AuditVerification:
    given = parse_body(AuditCheckpoint, body)
    kept = audit_checkpoints.Checkpoint(
        given.seq, given.hash, given.createdAt, given.keyId, given.signature
    )
    if not audit_checkpoints.signed_by(settings.audit_signing_key, kept):
        raise AuditCheckpointInvalid(
            "This checkpoint was not signed by this service's audit key: it was altered, or "
            "signed under a key the service no longer holds.",
            "该检查点并非由本系统当前的审计密钥签名：可能已被篡改，或签名密钥已更换。",
            seq=given.seq,
        )
    return await _verification(engine, settings, kept)


async def _verification(
    engine: Engine, settings: Settings, kept: audit_checkpoints.Checkpoint | None
) -> AuditVerification:
    key = settings.audit_signing_key
    chain = await run_in_threadpool(
        lambda: audit.verify(engine, key=key, kept=[kept] if kept is not None else [])
    )
    rows = await run_in_threadpool(audit_rows.check, engine)
    if chain.ok:
        await run_in_threadpool(
            audit.checkpoint_if_due, engine, key, settings.audit_checkpoint_seconds
        )
    problem: str | None = chain.problem
    if problem is None and not rows.ok:
        problem = "rows differ from their audit entries"
    verdict = None
    if kept is not None:
        own = [p for p in chain.checkpoint_problems if p.kept]
        unreached = chain.broken_seq is not None and chain.checked < kept.seq and not own
        verdict = KeptCheckpointResult(
            seq=kept.seq,
            ok=not own and not unreached,
            problem=own[0].problem if own else "the chain breaks before it" if unreached else None,
        )
    return AuditVerification(
        ok=chain.ok and rows.ok,
        checked=chain.checked,
        brokenSeq=chain.broken_seq,
        problem=problem,
        headHash=chain.head_hash,
        checkpointsChecked=chain.checkpoints_checked,
        checkpointProblems=[
            CheckpointProblem(seq=p.seq, problem=p.problem, kept=p.kept)
            for p in chain.checkpoint_problems
        ],
        rowsChecked=rows.checked,
        rowProblemCount=rows.problem_count,
        rowProblems=[
            RowProblem(subjectType=p.subject_type, subjectId=p.subject_id, problem=p.problem)
            for p in rows.problems
        ],
        unanchoredRows=rows.unanchored,
        checkpoint=verdict,
    )


def _public(checkpoint: audit_checkpoints.Checkpoint) -> AuditCheckpoint:
    return AuditCheckpoint(
        seq=checkpoint.seq,
        hash=checkpoint.hash,
        createdAt=checkpoint.created_at,
        keyId=checkpoint.key_id,
        signature=checkpoint.signature,
    )


@router.get(
    "/audit/checkpoints",
    response_model=AuditCheckpointPage,
    summary="The audit trail's signed checkpoints, newest first",
    description=(
        "Each says that row `seq` of the trail has hash `hash`, signed by the service. Keep "
        "them: `POST /v1/regulator/audit/verify` with one shows whether the trail still "
        "holds it."
    ),
    dependencies=[READ],
    responses=RESPONSES,
)
async def list_checkpoints(
    engine: EngineDep, settings: SettingsDep, cursor: CursorQuery = None, limit: LimitQuery = None
) -> AuditCheckpointPage:
    rows, next_cursor = await run_in_threadpool(
        audit_checkpoints.listing, engine, cursor, page_size_of(settings, limit)
    )
    return AuditCheckpointPage(items=[_public(c) for c in rows], nextCursor=next_cursor)


@router.get(
    "/audit/checkpoints/latest",
    response_model=AuditCheckpoint,
    summary="The newest signed checkpoint of the audit trail",
    dependencies=[READ],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def latest_checkpoint(engine: EngineDep) -> AuditCheckpoint:
    """The newest checkpoint: the audit trail's length and head hash, signed by the
    service, for a regulator to keep and later verify the trail against. `404` until the
    first checkpoint is taken."""
    found = await run_in_threadpool(audit_checkpoints.latest, engine)
    if found is None:
        raise AuditCheckpointNotFound(
            "No checkpoint has been taken yet; POST /v1/regulator/audit/checkpoints takes one.",
            "尚未生成检查点；可调用 POST /v1/regulator/audit/checkpoints 生成。",
        )
    return _public(found)


@router.post(
    "/audit/checkpoints",
    response_model=AuditCheckpoint,
    summary="Sign the audit trail's head now",
    description=(
        "A checkpoint of the trail as it stands (the newest one when the head has not moved "
        "since it was signed)."
    ),
    dependencies=[READ],
    responses=AUTH_PROBLEMS,
)
async def take_checkpoint(engine: EngineDep, settings: SettingsDep) -> AuditCheckpoint:
    made = await run_in_threadpool(audit.checkpoint, engine, settings.audit_signing_key)
    return _public(made)


@router.post(
    "/enterprises/{customsCode}/credit-grade",
    response_model=EnterprisePublic,
    summary="Grade an enterprise's credit (customs)",
    openapi_extra=json_body("CreditGradeChange"),
    dependencies=[guard(GRADING)],
    responses={**RESPONSES, 404: PROBLEM, 413: PROBLEM},
)
async def grade_enterprise(
    customsCode: CustomsCodePath,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
) -> Response:
    """Customs sets an enterprise's credit grade (advanced, general, discredited), with
    a reason kept in the audit trail. Customs samples a platform's declarations for
    inspection by its grade: 0.5 % of an advanced one's, 5 % of a general one's, 80 %
    of a discredited one's."""

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
        # This process stops taking the enterprise's keys at once; the others within
        # their key cache's time.
        request.app.state.authenticator.forget_enterprise(enterprise.customs_code)
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
    dependencies=[guard(CHANGING_STATUS)],
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
        # This process stops taking the enterprise's keys at once; the others within
        # their key cache's time.
        request.app.state.authenticator.forget_enterprise(enterprise.customs_code)
        (public,) = await with_registrations(engine, [enterprise])
        return JSONResponse(public.model_dump(mode="json"))

    return await run_idempotent(request, body, handle)
