from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, PrincipalDep, allow
from app.domain.afterlife import ActionKind, ReturnLine
from app.domain.clearance import CEB_STATUS, ClearanceStatus
from app.domain.decision import from_quota_units
from app.domain.privacy import mask_documents
from app.errors import PreconditionRequired, etag
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
    NowDep,
    RawBody,
    SettingsDep,
    json_body,
    page_size,
    to_summary,
)
from app.schemas.afterlife import CancellationRequest, ReturnRequest
from app.schemas.declaration import DeclarationSet
from app.schemas.parsing import parse_body
from app.schemas.responses import (
    ActionAnswerOut,
    AgencyResult,
    DeclarationActionOut,
    DeclarationDetail,
    DeclarationEventOut,
    DeclarationEventPage,
    DeclarationPage,
    DeclarationSummary,
)
from app.store import afterlife, declarations
from app.store.models import Declaration, DeclarationAction, DeclarationAgency

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
    """Declarations, newest first, a page at a time (`nextCursor` leads to the next page),
    filtered by platform, order number, status and creation time. An enterprise sees the
    declarations it is a party to (as platform, e-commerce company, payment company or
    logistics company); buyers' ID numbers and telephones are masked for all but
    regulators."""
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
    declarationId: DeclarationId, engine: EngineDep, principal: PrincipalDep, response: Response
) -> DeclarationDetail:
    record = await run_in_threadpool(
        declarations.get_declaration, engine, declarationId, principal.only_own()
    )
    actions = await run_in_threadpool(afterlife.actions_of, engine, declarationId)
    response.headers["ETag"] = etag(record.declaration.version)
    return _detail(record.declaration, record.agencies, actions, principal.sees_personal_data)


def _detail(
    d: Declaration,
    agencies: Sequence[DeclarationAgency],
    actions: Sequence[DeclarationAction],
    sees_personal_data: bool,
) -> DeclarationDetail:
    documents = d.documents if sees_personal_data else mask_documents(d.documents)
    shown = [_action_out(a) for a in actions]
    return DeclarationDetail.model_validate(
        to_summary(d)
        | {
            "version": d.version,
            "documents": documents,
            "tax": d.tax,
            "releasedAt": d.released_at,
            "agencies": [
                AgencyResult.model_validate(
                    {
                        "agency": a.agency,
                        "status": a.status,
                        "detail": a.detail,
                        "updatedAt": a.updated_at,
                    }
                )
                for a in agencies
            ],
            "cancellations": [a for a in shown if a.kind == ActionKind.CANCELLATION.value],
            "returns": [a for a in shown if a.kind == ActionKind.RETURN.value],
        }
    )


def _action_out(a: DeclarationAction) -> DeclarationActionOut:
    return DeclarationActionOut.model_validate(
        {
            "id": a.id,
            "kind": a.kind,
            "status": a.status,
            "version": a.version,
            "reason": a.reason,
            "logisticsNo": a.logistics_no,
            "items": a.lines,
            "quotaGivenBack": from_quota_units(a.quota_given_back),
            "refund": a.refund,
            "agencies": [
                {"agency": agency} | answer for agency, answer in sorted(a.agencies.items())
            ],
            "requestedBy": a.requested_by,
            "createdAt": a.created_at,
            "completedAt": a.completed_at,
        }
    )


def _if_match(value: str | None) -> int:
    """The version an amendment was made against, from ``If-Match`` (428 without it)."""
    if value is None:
        raise PreconditionRequired(
            "Amending needs If-Match with the ETag of GET /v1/declarations/{id}, so that a "
            "change made meanwhile is not overwritten.",
            "修改申报需在 If-Match 中提供 GET /v1/declarations/{id} 返回的 ETag，"
            "以免覆盖他人的修改。",
        )
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    # Not an ETag this service gave: it matches no version (412, with the current one).
    return int(text) if text.isdigit() and len(text) <= 9 else NO_VERSION


NO_VERSION = -1


ACTING = allow(ENTERPRISE, ADMIN)
CHANGE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **AUTH_PROBLEMS,
    404: PROBLEM,
    409: PROBLEM,
    413: PROBLEM,
    415: PROBLEM,
    422: PROBLEM,
}


@router.put(
    "/{declarationId}",
    response_model=DeclarationDetail,
    summary="Amend a declaration: the full corrected set (If-Match: its ETag)",
    description=(
        "Allowed while no agency has released or detained the goods, and after a refusal "
        "(to correct and resubmit). The corrected set is checked by every rule a new "
        "declaration is; the order number, platform and e-commerce company cannot change "
        "(422 `identity_changed`). The version goes up, the status is `accepted` again and "
        "the agencies decide the new version; their answers about earlier versions no longer "
        "count. Without `If-Match`: 428; with an old ETag: 412. Not allowed now: 409 "
        "`declaration_not_amendable` with the current status. By the platform or the "
        "e-commerce company; idempotent under `Idempotency-Key`."
    ),
    dependencies=[ACTING],
    openapi_extra=json_body("DeclarationSet"),
    responses={**CHANGE_PROBLEMS, 412: PROBLEM, 428: PROBLEM},
)
async def amend_declaration(
    declarationId: DeclarationId,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=64,
            description="The ETag of the declaration as read (its version).",
        ),
    ] = None,
) -> Response:
    async def handle() -> Response:
        version = _if_match(if_match)
        documents = parse_body(DeclarationSet, body)
        amended = await run_in_threadpool(
            lambda: afterlife.amend(
                engine,
                declarationId,
                documents,
                if_match=version,
                actor=principal.actor,
                party=principal.only_own(),
                key_ttl=timedelta(hours=settings.idempotency_ttl_hours),
                now=now,
            )
        )
        record = await run_in_threadpool(declarations.get_declaration, engine, declarationId)
        actions = await run_in_threadpool(afterlife.actions_of, engine, declarationId)
        detail = _detail(
            amended.declaration, record.agencies, actions, principal.sees_personal_data
        )
        return JSONResponse(
            detail.model_dump(mode="json"),
            headers={"ETag": etag(amended.declaration.version)},
        )

    return await run_idempotent(request, body, handle)


@router.post(
    "/{declarationId}/cancellation",
    response_model=ActionAnswerOut,
    status_code=200,
    summary="Cancel a declaration (撤销申请)",
    description=(
        "Before customs releases the goods the declaration is withdrawn from the agencies at "
        "once: 200, status `cancelled`, the buyer's annual quota given the value back. After "
        "release, within the return window: 202, customs must agree, then tax voids the tax "
        "bill and forex reverses the payment record, then `cancelled` (follow it with GET "
        "or a webhook). Refused by customs: the cancellation is `refused` and the status "
        "stays. Cancelled already, detained, rejected or returned: 409 "
        "`declaration_not_cancellable`; after the window: 409 `return_window_closed`. By the "
        "platform or the e-commerce company; idempotent under `Idempotency-Key`."
    ),
    dependencies=[ACTING],
    openapi_extra=json_body("CancellationRequest"),
    responses={**CHANGE_PROBLEMS, 202: {"model": ActionAnswerOut}},
)
async def cancel_declaration(
    declarationId: DeclarationId,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
) -> Response:
    async def handle() -> Response:
        asked = parse_body(CancellationRequest, body)
        done = await run_in_threadpool(
            lambda: afterlife.cancel(
                engine,
                declarationId,
                asked.reason,
                actor=principal.actor,
                party=principal.only_own(),
                now=now,
                window=timedelta(days=settings.return_window_days),
            )
        )
        return _action_answer(done)

    return await run_idempotent(request, body, handle)


@router.post(
    "/{declarationId}/returns",
    response_model=ActionAnswerOut,
    status_code=202,
    summary="Return goods after release (退货申请), in whole or in part",
    description=(
        "After release (status `cleared` or `partially_returned`) and within the return "
        "window (default 30 days from release). Several returns may add up to everything "
        "bought; a line that was not bought, or more than is left of it, is 422 "
        "`return_refused` naming the line. Customs must agree; then tax refunds the tax of "
        "the returned lines (to the fen, as the tax was rounded; returns adding up to "
        "everything refund exactly the tax) and forex reverses that part of the payment; then "
        "the buyer's annual quota gets the lines' value back and the status is `returned` "
        "(everything back) or `partially_returned`. By the platform or the e-commerce "
        "company; idempotent under `Idempotency-Key`."
    ),
    dependencies=[ACTING],
    openapi_extra=json_body("ReturnRequest"),
    responses=CHANGE_PROBLEMS,
)
async def return_goods(
    declarationId: DeclarationId,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
) -> Response:
    async def handle() -> Response:
        asked = parse_body(ReturnRequest, body)
        done = await run_in_threadpool(
            lambda: afterlife.request_return(
                engine,
                declarationId,
                logistics_no=asked.logisticsNo,
                lines=[ReturnLine(item.gnum, item.qty) for item in asked.items],
                reason=asked.reason,
                actor=principal.actor,
                party=principal.only_own(),
                now=now,
                window=timedelta(days=settings.return_window_days),
            )
        )
        return _action_answer(done)

    return await run_idempotent(request, body, handle)


def _action_answer(done: afterlife.Requested) -> Response:
    d = done.declaration
    status = ClearanceStatus(d.status)
    answer = ActionAnswerOut(
        declarationId=d.id,
        status=status,
        cebStatus=CEB_STATUS[status],
        version=d.version,
        action=_action_out(done.action),
    )
    finished = done.action.status == "completed"
    return JSONResponse(
        answer.model_dump(mode="json"),
        status_code=200 if finished else 202,
        headers={"Location": f"/v1/declarations/{d.id}", "ETag": etag(d.version)},
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
    """Every status the declaration has had, oldest first, with the agency whose receipt
    moved it and why, a page at a time. Only the declaration's parties, regulators and
    admins see it; anyone else gets `404`."""
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
