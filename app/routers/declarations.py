from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, Principal, PrincipalDep, allow
from app.domain.clearance import ClearanceStatus
from app.domain.privacy import mask_documents
from app.domain.violations import RuleCode, RuleViolation, violation
from app.errors import DeclarationRefused, DomainError, InvalidRequest, NotAParty
from app.idempotent import key_claim, replayed, run_idempotent, stored_answer
from app.problems import problem_response
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
    page_size,
    to_summary,
)
from app.schemas.declaration import DeclarationSet
from app.schemas.parsing import parse_batch, parse_body
from app.schemas.responses import (
    AgencyResult,
    BatchItemAnswer,
    DeclarationAccepted,
    DeclarationBatchAnswer,
    DeclarationDetail,
    DeclarationEventOut,
    DeclarationEventPage,
    DeclarationPage,
    DeclarationSummary,
    ValidationResult,
    Violation,
)
from app.services import batch_intake, intake
from app.services.group_commit import GroupCommitter
from app.store import declarations, idempotency

router = APIRouter(prefix="/v1/declarations", tags=["declarations"])

DECLARATION_BODY = json_body("DeclarationSet")

DeclarationId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z\-]+$")]
# No NUL characters: PostgreSQL cannot compare text with them.


def not_a_party(principal: Principal, ds: DeclarationSet) -> RuleViolation | None:
    """An enterprise posts declarations only as the platform or e-commerce company."""
    own = principal.only_own()
    if own is None or own in (ds.order.ebpCode, ds.order.ebcCode):
        return None
    return violation(
        RuleCode.NOT_A_PARTY,
        "/order/ebpCode",
        caller=own,
        found=ds.order.ebpCode,
        ecommerce=ds.order.ebcCode,
    )


def to_violations(found: list[RuleViolation]) -> list[Violation]:
    return [
        Violation(
            code=v.code,
            pointer=v.pointer,
            parameter=v.parameter,
            message=v.message,
            messageZh=v.messageZh,
        )
        for v in found
    ]


@router.post(
    "",
    status_code=202,
    response_model=DeclarationAccepted,
    summary="Declare one order: order, payment and waybill together",
    description=(
        "Checks the schema and every business rule in one pass. Accepted: `202` with the "
        "declaration's id and a `Location`. Refused: `422` listing every violation. "
        "An order already declared: `409 duplicate_order` pointing at it. More "
        "declarations waiting than the service takes on: `503 overloaded` with "
        "`Retry-After`, nothing stored."
    ),
    openapi_extra=DECLARATION_BODY,
    dependencies=[allow(ENTERPRISE, ADMIN)],
    responses={**AUTH_PROBLEMS, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM, 503: PROBLEM},
)
async def declare(request: Request, body: RawBody, principal: PrincipalDep) -> Response:
    committer: GroupCommitter = request.app.state.committer

    async def handle() -> Response:
        ds = _parse(principal, body)
        return _answer(ds, await committer.declare(ds, actor=principal.actor))

    claim = key_claim(request, body)
    if not isinstance(claim, idempotency.KeyClaim):
        return await run_idempotent(request, body, handle)  # no key, or a key not valid
    try:
        ds = _parse(principal, body)
    except DomainError:
        # Refused before deciding anything: stored for the key as any other answer.
        return await run_idempotent(request, body, handle)
    # The key is claimed and answered in the transaction that decides the declaration.
    rendered: list[Response] = []

    def render(result: batch_intake.ItemResult) -> idempotency.StoredAnswer:
        rendered.append(_answer(ds, result))
        return stored_answer(rendered[-1])

    result = await committer.declare(
        ds, actor=principal.actor, keyed=batch_intake.Keyed(claim, render)
    )
    if result.key_problem is not None:
        raise result.key_problem
    if result.replay is not None:
        return replayed(result.replay)
    return rendered[-1]


def _parse(principal: Principal, body: bytes) -> DeclarationSet:
    ds = parse_body(DeclarationSet, body)
    if (refused := not_a_party(principal, ds)) is not None:
        raise NotAParty(refused.message, refused.messageZh)
    return ds


def _answer(ds: DeclarationSet, result: batch_intake.ItemResult) -> Response:
    """A single declaration's answer: accepted, refused or a duplicate."""
    declaration = result.declaration
    if declaration is None:
        if result.outcome == batch_intake.DUPLICATE and result.existing_id:
            return problem_response(intake.duplicate_order(ds, result.existing_id))
        return problem_response(DeclarationRefused(result.violations))
    accepted = DeclarationAccepted(
        id=declaration.id,
        status=ClearanceStatus(declaration.status),
        cebStatus=declaration.ceb_status,
        createdAt=declaration.created_at,
    )
    return JSONResponse(
        accepted.model_dump(mode="json"),
        status_code=202,
        headers={"Location": intake.declaration_location(declaration.id)},
    )


@router.post(
    "/validate",
    response_model=ValidationResult,
    summary="Run every check of a declaration without storing it",
    description=(
        "Always `200` for a body within the size limit: `valid` says the outcome. An "
        "enterprise checks only declarations it may post (`not_a_party` otherwise)."
    ),
    openapi_extra=DECLARATION_BODY,
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 413: PROBLEM},
)
async def validate(body: RawBody, engine: EngineDep, principal: PrincipalDep) -> ValidationResult:
    try:
        ds = parse_body(DeclarationSet, body)
    except InvalidRequest as invalid:
        return ValidationResult(valid=False, violations=to_violations(invalid.violations))
    if (refused := not_a_party(principal, ds)) is not None:
        # Checked first: the other checks would tell whether someone else's order exists.
        return ValidationResult(valid=False, violations=to_violations([refused]))
    found = await run_in_threadpool(intake.validate, engine, ds)
    return ValidationResult(valid=not found, violations=to_violations(found))


@router.post(
    "/batch",
    response_model=DeclarationBatchAnswer,
    summary="Declare up to 100 orders in one call",
    description=(
        "Each declaration is checked and accepted or refused on its own; the answer lists "
        "one result per declaration, in order, and one bad declaration never sinks the "
        "others. Pointers point into the whole body (`/declarations/3/order/orderNo`). "
        "Takes an `Idempotency-Key` like single declarations."
    ),
    openapi_extra=json_body("DeclarationBatchRequest"),
    dependencies=[allow(ENTERPRISE, ADMIN)],
    responses={**AUTH_PROBLEMS, 413: PROBLEM, 422: PROBLEM},
)
async def declare_batch(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep
) -> Response:
    async def handle() -> Response:
        items = parse_batch(DeclarationSet, body)
        # Items the caller may not post are refused on their own; the rest go ahead.
        strangers = {
            index: refused
            for index, item in enumerate(items)
            if isinstance(item, DeclarationSet)
            and (refused := not_a_party(principal, item)) is not None
        }
        mine = [item for index, item in enumerate(items) if index not in strangers]
        decided = iter(
            await run_in_threadpool(
                lambda: batch_intake.declare_batch(engine, mine, actor=principal.actor)
            )
        )
        results = [
            batch_intake.ItemResult(RuleCode.NOT_A_PARTY.value, violations=[strangers[index]])
            if index in strangers
            else next(decided)
            for index in range(len(items))
        ]
        answers = [_batch_answer(index, result) for index, result in enumerate(results)]
        accepted = sum(1 for a in answers if a.outcome == batch_intake.ACCEPTED)
        answer = DeclarationBatchAnswer(
            accepted=accepted, refused=len(answers) - accepted, results=answers
        )
        return JSONResponse(answer.model_dump(mode="json", exclude_none=True))

    return await run_idempotent(request, body, handle)


def _batch_answer(index: int, result: batch_intake.ItemResult) -> BatchItemAnswer:
    declaration = result.declaration
    if declaration is not None:
        return BatchItemAnswer(
            index=index,
            outcome=result.outcome,
            id=declaration.id,
            status=ClearanceStatus(declaration.status),
            cebStatus=declaration.ceb_status,
            location=intake.declaration_location(declaration.id),
        )
    return BatchItemAnswer(
        index=index,
        outcome=result.outcome,
        location=intake.declaration_location(result.existing_id) if result.existing_id else None,
        violations=to_violations(result.violations),
    )


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
        "Buyers' ID and phone numbers are masked (`1101**********1234`) for everyone but "
        "regulators. An enterprise reads the declarations it is a party to; others are 404."
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
