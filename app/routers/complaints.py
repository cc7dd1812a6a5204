"""Complaints and reports (投诉举报) by consumers and rights holders, their triage by
regulators, take-down notices to platforms, and reverse tracing (反向追溯) from a
complaint to the seller and every declaration of the goods."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, REGULATOR, PrincipalDep, allow
from app.domain import privacy, trust
from app.idempotent import run_idempotent
from app.routers.deps import (
    AUTH_PROBLEMS,
    COMPLAINT_TOKEN_PREFIX,
    NO_NUL,
    PROBLEM,
    CreatedFromQuery,
    CursorQuery,
    EngineDep,
    LimitQuery,
    NowDep,
    RawBody,
    SettingsDep,
    json_body,
    open_to_all,
    page_size,
    with_registrations,
)
from app.schemas.parsing import parse_body
from app.schemas.trust import (
    AttachmentInfo,
    Company,
    ComplaintCreate,
    ComplaintDecision,
    ComplaintFiled,
    ComplaintFollowUp,
    ComplaintOutcome,
    ComplaintPage,
    ComplaintRecord,
    ProductPublic,
    TakedownAcknowledgement,
    TakedownPage,
    TakedownPublic,
    Trace,
    TracedDeclaration,
    TracedLine,
    TracedPayment,
    TracedWaybill,
)
from app.store import complaints
from app.store.keys import RegulatorAgency
from app.store.models import Complaint, ComplaintAttachment, Declaration, Takedown

router = APIRouter(tags=["complaints"])

ComplaintId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")]
TakedownId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")]
# How often one address may file, and read, without a key.
FILING_LIMIT = "10/minute;100/day"
READING_LIMIT = "120/minute"
# Who triages: customs (goods at the border), inspection (quality), commerce, market
# supervision (counterfeits, infringement).
TRIAGE = allow(
    ADMIN,
    REGULATOR,
    regulators={
        RegulatorAgency.CUSTOMS,
        RegulatorAgency.INSPECTION,
        RegulatorAgency.COMMERCE,
        RegulatorAgency.MARKET,
    },
)
READ = allow(ADMIN, REGULATOR)


def product_of(c: Complaint | Takedown) -> ProductPublic:
    return ProductPublic(name=c.product_name, itemNo=c.item_no, barcode=c.barcode)


def takedown_public(t: Takedown, now: datetime) -> TakedownPublic:
    return TakedownPublic(
        id=t.id,
        complaintId=t.complaint_id,
        platformCode=t.platform_code,
        sellerCode=t.seller_code,
        product=product_of(t),
        listingUrl=t.listing_url,
        reason=t.reason,
        issuedAt=t.issued_at,
        acknowledgeBy=t.due_at,
        acknowledgedAt=t.acknowledged_at,
        actionTaken=t.action_taken,
        late=trust.is_late(t.due_at, t.acknowledged_at, now),
    )


def follow_up(c: Complaint, takedown: Takedown | None, now: datetime) -> dict[str, Any]:
    outcome = None
    if c.status != trust.ComplaintStatus.OPEN and c.decided_at is not None:
        outcome = ComplaintOutcome(
            decision="upheld" if c.status == trust.ComplaintStatus.UPHELD else "rejected",
            reason=c.decision_reason or "",
            decidedAt=c.decided_at,
        )
    return {
        "id": c.id,
        "status": trust.ComplaintStatus(c.status),
        "kind": trust.ComplaintKind(c.kind),
        "createdAt": c.created_at,
        "updatedAt": c.updated_at,
        "outcome": outcome,
        "takedown": takedown_public(takedown, now) if takedown is not None else None,
    }


def record_of(
    c: Complaint,
    takedown: Takedown | None,
    attachments: Sequence[ComplaintAttachment],
    now: datetime,
) -> ComplaintRecord:
    return ComplaintRecord(
        **follow_up(c, takedown, now),
        enterpriseCode=c.enterprise_code,
        product=product_of(c),
        listingUrl=c.listing_url,
        orderNo=c.order_no,
        logisticsNo=c.logistics_no,
        description=c.description,
        complainantKind=c.complainant_kind,
        complainantName=c.complainant_name,
        complainantContact=c.complainant_contact,
        filedBy=c.filed_by,
        attachments=[
            AttachmentInfo(
                position=a.position,
                filename=a.filename,
                contentType=a.content_type,
                size=a.size,
                sha256=a.sha256,
            )
            for a in attachments
        ],
        sellerCode=c.seller_code,
        platformCode=c.platform_code,
        productBlocked=c.product_blocked,
        decidedBy=c.decided_by,
    )


async def records(
    engine: Engine, found: Sequence[Complaint], now: datetime
) -> list[ComplaintRecord]:
    """Complaints as regulators see them, with their take-downs and attachments."""
    ids = [c.id for c in found]
    takedowns = await run_in_threadpool(complaints.takedowns_of, engine, ids)
    attachments = await run_in_threadpool(complaints.attachments_of, engine, ids)
    return [record_of(c, takedowns.get(c.id), attachments[c.id], now) for c in found]


def _read_complaint(body: bytes) -> tuple[complaints.ComplaintDraft, list[trust.Evidence]]:
    """The complaint and its evidence, each attachment decoded and checked."""
    wanted = parse_body(ComplaintCreate, body)
    evidence: list[trust.Evidence] = []
    problems = []
    for index, sent in enumerate(wanted.attachments):
        checked, found = trust.read_evidence(index, sent.filename, sent.contentType, sent.data)
        problems.extend(found)
        if checked is not None:
            evidence.append(checked)
    if problems:
        raise trust.EvidenceRefused(problems)
    complainant = wanted.complainant
    draft = complaints.ComplaintDraft(
        complainant_kind=complainant.kind if complainant else "consumer",
        complainant_name=complainant.name if complainant else None,
        complainant_contact=complainant.contact if complainant else None,
        kind=wanted.kind,
        product_name=wanted.product.name,
        item_no=wanted.product.itemNo,
        barcode=wanted.product.barcode,
        listing_url=str(wanted.listingUrl) if wanted.listingUrl is not None else None,
        order_no=wanted.orderNo,
        logistics_no=wanted.logisticsNo,
        enterprise_code=wanted.enterpriseCode,
        description=wanted.description,
    )
    return draft, evidence


def _forget_token(body: bytes) -> bytes:
    """A replayed answer never shows the token again."""
    answer = ComplaintFiled.model_validate_json(body)
    return answer.model_copy(update={"followUpToken": None}).model_dump_json().encode()


@router.post(
    "/v1/complaints",
    status_code=201,
    response_model=ComplaintFiled,
    summary="File a complaint about goods (no key needed)",
    description=(
        "By a consumer or a rights holder, with or without an API key (without one, each "
        "address may file 10 a minute and 100 a day). Evidence: at most 5 attachments, "
        "PNG, JPEG or PDF, at most 2 MiB each once decoded, their type told by their "
        "content (`422 evidence_refused` otherwise). The answer carries the complaint's "
        "follow-up token, shown once: `GET /v1/complaints/{id}` with it shows the "
        "complaint's status and outcome. In the audit trail (`complaint.filed`, without the "
        "complainant's name and contact)."
    ),
    openapi_extra=json_body("ComplaintCreate"),
    dependencies=[open_to_all(FILING_LIMIT, "complaints")],
    responses={**AUTH_PROBLEMS, 413: PROBLEM, 422: PROBLEM},
)
async def file_complaint(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep, now: NowDep
) -> Response:
    async def handle() -> Response:
        draft, evidence = await run_in_threadpool(_read_complaint, body)
        filed = await run_in_threadpool(
            complaints.file_complaint, engine, draft, evidence, principal.actor, now
        )
        answer = ComplaintFiled(
            id=filed.complaint.id,
            status=trust.ComplaintStatus(filed.complaint.status),
            followUpToken=filed.token,
            createdAt=filed.complaint.created_at,
        )
        return JSONResponse(
            answer.model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/v1/complaints/{filed.complaint.id}"},
        )

    return await run_idempotent(request, body, handle, redact=_forget_token)


@router.get(
    "/v1/complaints/{complaintId}",
    response_model=ComplaintFollowUp | ComplaintRecord,
    summary="Follow a complaint (its complainant, with the token; regulators)",
    description=(
        "The complainant sends the follow-up token as `X-Complaint-Token` (or as the bearer "
        "token) and sees the complaint's status, its outcome and the take-down notice, if "
        "any. Regulators and admins see the whole complaint with their key. Without the "
        "right token, `404` as if there were no such complaint."
    ),
    dependencies=[open_to_all(READING_LIMIT, "complaint-reads")],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_complaint(
    complaintId: ComplaintId,
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
    now: NowDep,
    token: Annotated[
        str | None,
        Header(alias="X-Complaint-Token", max_length=100, description="The follow-up token."),
    ] = None,
) -> ComplaintFollowUp | ComplaintRecord:
    if principal.sees_everything and token is None:
        found = await run_in_threadpool(complaints.complaint, engine, complaintId)
        (record,) = await records(engine, [found], now)
        return record
    given = token or _bearer_token(request)
    # No token: nothing matches (an empty one hashes to no complaint's).
    found = await run_in_threadpool(complaints.complaint, engine, complaintId, given or "")
    takedown = (await run_in_threadpool(complaints.takedowns_of, engine, [found.id])).get(found.id)
    return ComplaintFollowUp(**follow_up(found, takedown, now))


def _bearer_token(request: Request) -> str | None:
    _, _, credential = (request.headers.get("authorization") or "").partition(" ")
    credential = credential.strip()
    return credential if credential.startswith(COMPLAINT_TOKEN_PREFIX) else None


@router.get(
    "/v1/regulator/complaints",
    response_model=ComplaintPage,
    summary="Every complaint, newest first, with filters",
    description=(
        "Each complaint whole, as regulators see it: the complainant's name and contact, "
        "the list of its evidence (each file read with `GET /v1/regulator/complaints/"
        "{complaintId}/attachments/{position}`), its outcome and take-down notice. Filtered "
        "by `status`, `kind` or the enterprise complained about; a page at a time."
    ),
    dependencies=[READ],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_complaints(
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    status: Annotated[trust.ComplaintStatus | None, Query()] = None,
    kind: Annotated[trust.ComplaintKind | None, Query()] = None,
    enterpriseCode: Annotated[
        str | None,
        Query(max_length=20, pattern=NO_NUL, description="The enterprise complained about."),
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> ComplaintPage:
    rows, next_cursor = await run_in_threadpool(
        lambda: complaints.list_complaints(
            engine,
            status=status,
            kind=kind,
            enterprise_code=enterpriseCode,
            cursor=cursor,
            limit=page_size(settings, limit),
        )
    )
    return ComplaintPage(items=await records(engine, rows, now), nextCursor=next_cursor)


@router.post(
    "/v1/regulator/complaints/{complaintId}/decision",
    response_model=ComplaintRecord,
    summary="Reject or uphold an open complaint (customs, inspection, commerce, market)",
    description=(
        "`reject` closes it. `uphold` issues a take-down notice to the platform (read with "
        "`GET /v1/takedowns`, and pushed as the `takedown.issued` webhook event), which it "
        "must acknowledge within `acknowledgeWithinHours`; puts the upheld complaint on the "
        "seller's credit record; and with `blockProduct`, refuses new declarations of the "
        "goods at intake (`product_blocked`). A complaint decided already answers `409 "
        "complaint_already_decided`. In the audit trail."
    ),
    openapi_extra=json_body("ComplaintDecision"),
    dependencies=[TRIAGE],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def decide_complaint(
    complaintId: ComplaintId,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
    now: NowDep,
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(ComplaintDecision, body)
        triage = complaints.TriageDraft(
            decision=wanted.decision,
            reason=wanted.reason,
            block_product=wanted.blockProduct,
            acknowledge_within_hours=wanted.acknowledgeWithinHours,
            platform_code=wanted.platformCode,
        )
        decided = await run_in_threadpool(
            complaints.decide, engine, complaintId, triage, principal.actor, now
        )
        attachments = await run_in_threadpool(
            complaints.attachments_of, engine, [decided.complaint.id]
        )
        record = record_of(
            decided.complaint, decided.takedown, attachments[decided.complaint.id], now
        )
        return JSONResponse(record.model_dump(mode="json"))

    return await run_idempotent(request, body, handle)


ATTACHMENT_TYPES: dict[str, Any] = {media_type: {} for media_type in trust.ALLOWED_TYPES}


@router.get(
    "/v1/regulator/complaints/{complaintId}/attachments/{position}",
    summary="A complaint's attachment, as filed",
    description=(
        "The file the complainant sent, byte for byte, with the media type its content was "
        "checked to be (PNG, JPEG or PDF). Answered with `Content-Disposition: attachment` "
        "and `X-Content-Type-Options: nosniff`, so that a browser saves it rather than "
        "opening it. `position` counts from 1, in the order filed; a complaint without an "
        "attachment there answers `404`."
    ),
    dependencies=[READ],
    response_class=Response,
    responses={
        200: {"description": "The file.", "content": ATTACHMENT_TYPES},
        **AUTH_PROBLEMS,
        404: PROBLEM,
    },
)
async def get_attachment(
    complaintId: ComplaintId,
    position: Annotated[int, Path(ge=1, le=trust.MAX_ATTACHMENTS)],
    engine: EngineDep,
) -> Response:
    found = await run_in_threadpool(complaints.attachment, engine, complaintId, position)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            # Evidence is downloaded, never rendered by the browser as a page of ours.
            "Content-Disposition": "attachment",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/v1/regulator/complaints/{complaintId}/trace",
    response_model=Trace,
    summary="Reverse tracing: from a complaint to the seller and every declaration of the goods",
    description=(
        "The seller's filing, and the declarations naming the goods (the seller's itemNo, or "
        "the barcode), newest first and a page at a time, from `createdFrom` (by default a "
        "year back): each with its payment (the payment company; the payer's ID and phone "
        "numbers masked for all but regulators) and its waybill. A complaint naming no goods "
        "traces the declaration of the order or waybill it names."
    ),
    dependencies=[READ],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 404: PROBLEM, 422: PROBLEM},
)
async def trace(
    complaintId: ComplaintId,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
    createdFrom: CreatedFromQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> Trace:
    found = await run_in_threadpool(
        lambda: complaints.trace(
            engine,
            complaintId,
            cursor=cursor,
            limit=page_size(settings, limit),
            since=createdFrom,
            now=now,
        )
    )
    c = found.complaint
    masked = not principal.sees_personal_data
    seller = (await with_registrations(engine, [found.seller]))[0] if found.seller else None
    items = [_traced(d, c, masked, found.companies) for d in found.declarations]

    def companies(codes: set[str]) -> list[Company]:
        return [Company(customsCode=code, name=found.companies.get(code)) for code in sorted(codes)]

    return Trace(
        complaintId=c.id,
        product=product_of(c),
        seller=seller,
        items=items,
        paymentCompanies=companies({d.pay_code for d in found.declarations}),
        logisticsCompanies=companies({d.logistics_code for d in found.declarations}),
        nextCursor=found.next_cursor,
    )


def _traced(d: Declaration, c: Complaint, masked: bool, names: dict[str, str]) -> TracedDeclaration:
    documents = privacy.mask_documents(d.documents) if masked else d.documents
    order, payment, waybill = documents["order"], documents["payment"], documents["logistics"]
    lines = [
        TracedLine(
            gnum=item["gnum"],
            itemNo=item.get("itemNo"),
            barCode=item.get("barCode"),
            itemName=item["itemName"],
            qty=item["qty"],
            totalPrice=item["totalPrice"],
        )
        for item in order["items"]
        if (c.barcode is not None and item.get("barCode") == c.barcode)
        or (c.item_no is not None and item.get("itemNo") == c.item_no)
    ]
    return TracedDeclaration(
        id=d.id,
        createdAt=d.created_at,
        status=d.status,
        cebStatus=d.ceb_status,
        ebpCode=d.ebp_code,
        ebcCode=d.ebc_code,
        orderNo=d.order_no,
        lines=lines,
        payment=TracedPayment(
            payCode=payment["payCode"],
            payName=payment.get("payName") or names.get(payment["payCode"]),
            payTransactionId=payment["payTransactionId"],
            payerName=payment["payerName"],
            payerIdNumber=payment["payerIdNumber"],
            payerTelephone=payment.get("telephone"),
        ),
        waybill=TracedWaybill(
            logisticsCode=waybill["logisticsCode"],
            logisticsName=waybill.get("logisticsName") or names.get(waybill["logisticsCode"]),
            logisticsNo=waybill["logisticsNo"],
        ),
    )


@router.get(
    "/v1/takedowns",
    response_model=TakedownPage,
    summary="Take-down notices, newest first (a platform reads its own)",
    description=(
        "The notices issued when a regulator upholds a complaint: what to take down, from "
        "which listing, by when (`acknowledgeBy`), and whether the platform is late. An "
        "enterprise's key reads those addressed to it as platform; regulators and admins "
        "read all. `acknowledged=false` lists those still to act on, each acknowledged with "
        "`POST /v1/takedowns/{takedownId}/acknowledgement`; new ones are also pushed as the "
        "`takedown.issued` webhook event."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_takedowns(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
    acknowledged: Annotated[
        bool | None, Query(description="Only those acknowledged (true) or not yet (false).")
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> TakedownPage:
    rows, next_cursor = await run_in_threadpool(
        lambda: complaints.takedowns(
            engine,
            platform_code=principal.only_own(),
            acknowledged=acknowledged,
            cursor=cursor,
            limit=page_size(settings, limit),
        )
    )
    return TakedownPage(items=[takedown_public(t, now) for t in rows], nextCursor=next_cursor)


@router.post(
    "/v1/takedowns/{takedownId}/acknowledgement",
    response_model=TakedownPublic,
    summary="Acknowledge a take-down notice, saying what was done (the platform)",
    description=(
        "Once; `409 takedown_already_acknowledged` after that. An acknowledgement after the "
        "time given is kept, and the notice stays late on the platform's credit record. "
        "Another platform's notice answers `404`."
    ),
    openapi_extra=json_body("TakedownAcknowledgement"),
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def acknowledge_takedown(
    takedownId: TakedownId,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
    now: NowDep,
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(TakedownAcknowledgement, body)
        done = await run_in_threadpool(
            lambda: complaints.acknowledge(
                engine,
                takedownId,
                wanted.actionTaken,
                principal.actor,
                now,
                platform_code=principal.only_own(),
            )
        )
        return JSONResponse(takedown_public(done, now).model_dump(mode="json"))

    return await run_idempotent(request, body, handle)
