"""Each party posts its own document (三单对碰): ``POST /v1/orders``, ``/v1/payments`` and
``/v1/waybills``, and ``GET /v1/orders/{ebpCode}/{orderNo}/documents``.

Once the three documents of an order are there, they are declared through the one intake
pipeline, exactly as a declaration posted as one set: the same rules, ids, events and
webhooks. The answer to the document that completes them carries what was decided."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, Principal, PrincipalDep, allow
from app.domain import party_documents as domain
from app.domain.party_documents import DocumentKind, DocumentStatus
from app.errors import OrderDocumentsNotFound
from app.idempotent import run_idempotent
from app.intake.documents import receive_document
from app.routers.deps import AUTH_PROBLEMS, NO_NUL, PROBLEM, EngineDep, RawBody, json_body
from app.schemas.documents import (
    DOCUMENT_MODELS,
    DeclarationOutcome,
    DocumentAnswer,
    DocumentState,
    OrderDocuments,
)
from app.schemas.parsing import parse_body
from app.store import party_documents as store

router = APIRouter(prefix="/v1", tags=["documents"])

_POST = allow(ENTERPRISE, ADMIN)

OrderNoPath = Annotated[str, Path(min_length=1, max_length=60, pattern=NO_NUL)]
EbpCodePath = Annotated[str, Path(min_length=1, max_length=18, pattern=NO_NUL)]
PlatformQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=18,
        pattern=NO_NUL,
        description=(
            "The order's platform, when the sender knows it: a CEB511 waybill names its "
            "order by number only, which is ambiguous when several platforms have an "
            "order with that number waiting."
        ),
    ),
]


def declaration_location(declaration_id: str) -> str:
    return f"/v1/declarations/{declaration_id}"


def documents_location(ebp_code: str, order_no: str) -> str:
    return f"/v1/orders/{ebp_code}/{order_no}/documents"


def _description(kind: DocumentKind, sender: str) -> str:
    return (
        f"Sent by {sender}. Its order is matched by platform and order number with the "
        "other two documents, whichever arrives first. Stored: `202` with what the order "
        "still waits for (`missing`). The document that completes the three declares "
        "them through the same pipeline as `POST /v1/declarations`: its answer's "
        "`declaration` says what was decided — accepted (its id and `Location`), or "
        "refused with every violation; the documents then stay, and a corrected one sent "
        "with `appType` 2 declares them again. The same document sent again answers `200` "
        "with where the order stands, storing nothing; a different one of the same kind "
        "answers `409 document_conflict` unless it is a change (`appType` 2), and "
        "`409 duplicate_order` once the order is declared. Documents still unmatched after "
        "`SW_DOCUMENT_MATCH_HOURS` (24) expire and their senders are told (webhook event "
        f"`documents.expired`). A {kind.value} sent by another enterprise than the one it "
        "names in that role: `403 not_a_party`. Takes an `Idempotency-Key`."
    )


_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_PROBLEMS,
    200: {"model": DocumentAnswer, "description": "The same document, sent again."},
    409: PROBLEM,
    413: PROBLEM,
    422: PROBLEM,
    503: PROBLEM,
}


@router.post(
    "/orders",
    status_code=202,
    response_model=DocumentAnswer,
    summary="Post an order (CEB311) on its own",
    description=_description(DocumentKind.ORDER, "the platform or e-commerce company it names"),
    openapi_extra=json_body("OrderDocument"),
    dependencies=[_POST],
    responses=_RESPONSES,
)
async def post_order(request: Request, body: RawBody, principal: PrincipalDep) -> Response:
    return await _post(request, body, principal, DocumentKind.ORDER, None)


@router.post(
    "/payments",
    status_code=202,
    response_model=DocumentAnswer,
    summary="Post a payment (CEB411) on its own",
    description=_description(DocumentKind.PAYMENT, "the payment company it names"),
    openapi_extra=json_body("PaymentDocument"),
    dependencies=[_POST],
    responses=_RESPONSES,
)
async def post_payment(request: Request, body: RawBody, principal: PrincipalDep) -> Response:
    return await _post(request, body, principal, DocumentKind.PAYMENT, None)


@router.post(
    "/waybills",
    status_code=202,
    response_model=DocumentAnswer,
    summary="Post a waybill (CEB511) on its own",
    description=_description(DocumentKind.WAYBILL, "the logistics company it names")
    + " A waybill names its order by number only: it joins the platform with documents "
    "of that order waiting, or waits for the order or payment that names the platform "
    "(`409 waybill_platform_ambiguous` when several platforms have such an order "
    "waiting: name it with `?ebpCode=`).",
    openapi_extra=json_body("WaybillDocument"),
    dependencies=[_POST],
    responses=_RESPONSES,
)
async def post_waybill(
    request: Request, body: RawBody, principal: PrincipalDep, ebpCode: PlatformQuery = None
) -> Response:
    return await _post(request, body, principal, DocumentKind.WAYBILL, ebpCode)


async def _post(
    request: Request,
    body: bytes,
    principal: Principal,
    kind: DocumentKind,
    platform: str | None,
) -> Response:
    async def handle() -> Response:
        parsed = parse_body(DOCUMENT_MODELS[kind], body)
        document = parsed.model_dump(mode="json", exclude_none=True)
        filed = await receive_document(
            request.app.state.intake,
            request.app.state.settings,
            kind,
            document,
            platform,
            own=principal.only_own(),
            actor=principal.actor,
        )
        return _answer(filed, principal)

    return await run_idempotent(request, body, handle)


def _declaration(outcome: dict[str, Any] | None) -> DeclarationOutcome | None:
    if outcome is None:
        return None
    answer = DeclarationOutcome.model_validate(outcome)
    if answer.id is not None:
        answer.location = declaration_location(answer.id)
    return answer


def _answer(filed: store.Filed, principal: Principal) -> Response:
    answer = DocumentAnswer(
        kind=filed.kind,
        ebpCode=filed.ebp_code or None,
        orderNo=filed.order_no,
        status=filed.status,
        received=filed.received,
        missing=filed.missing,
        expiresAt=filed.expires_at,
        declaration=_declaration(filed.outcome),
    )
    headers = {}
    if answer.declaration is not None and answer.declaration.location is not None:
        headers["Location"] = answer.declaration.location
    elif filed.ebp_code:
        headers["Location"] = documents_location(filed.ebp_code, filed.order_no)
    status = 202 if filed.verdict is store.Verdict.STORED else 200
    return Response(
        answer.model_dump_json().encode(),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


@router.get(
    "/orders/{ebpCode}/{orderNo}/documents",
    response_model=OrderDocuments,
    summary="What has arrived for an order, and what it waits for",
    description=(
        "The documents posted on their own for an order (with the waybills naming its "
        "number that wait for their platform), each one's status, and the declaration "
        "they made. Readable by the enterprises the documents name; anyone else is "
        "answered `404`, as if there were none."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def order_documents(
    ebpCode: EbpCodePath, orderNo: OrderNoPath, engine: EngineDep, principal: PrincipalDep
) -> OrderDocuments:
    rows = await run_in_threadpool(store.order_documents, engine, ebpCode, orderNo)
    own = principal.only_own()
    if own is not None:
        rows = [r for r in rows if r.ebp_code or r.party_code == own]
        if own not in store.parties(rows) | {ebpCode} or not rows:
            rows = []
    if not rows:
        raise OrderDocumentsNotFound(
            f"No documents of order {orderNo!r} of platform {ebpCode} are known to you.",
            f"未找到电商平台 {ebpCode} 订单 {orderNo!r} 的单证。",
        )
    live = [r for r in rows if r.status != DocumentStatus.EXPIRED]
    received = [k for k in domain.KINDS if any(r.kind == k for r in live)]
    outcome = next((r.outcome for r in rows if r.ebp_code and r.outcome is not None), None)
    return OrderDocuments(
        ebpCode=ebpCode,
        orderNo=orderNo,
        received=received,
        missing=domain.missing(received),
        documents=[
            DocumentState(
                kind=DocumentKind(r.kind),
                status=DocumentStatus(r.status),
                sender=r.party_code,
                appType=r.app_type,
                fingerprint=r.fingerprint,
                receivedAt=r.created_at,
                updatedAt=r.updated_at,
                expiresAt=r.expires_at,
            )
            for r in rows
        ],
        declaration=_declaration(outcome),
    )
