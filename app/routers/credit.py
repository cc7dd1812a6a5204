"""Credit records (信用记录查询), the credit negative list (信用负面清单) and its published
blacklist (失信企业黑名单)."""

import hashlib
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, EVERYONE, REGULATOR, PrincipalDep, allow
from app.domain import trust
from app.errors import EnterpriseNotFound
from app.idempotent import run_idempotent
from app.routers.deps import (
    AUTH_PROBLEMS,
    NO_NUL,
    PROBLEM,
    CursorQuery,
    EngineDep,
    LimitQuery,
    NowDep,
    RawBody,
    SettingsDep,
    json_body,
    open_to_all,
    page_size,
)
from app.schemas.enterprise import CreditGrade, FilingStatus
from app.schemas.parsing import parse_body
from app.schemas.trust import (
    BlacklistEntry,
    BlacklistPage,
    CreditEventPublic,
    CreditRecord,
    CreditSummary,
    ListingCreate,
    ListingLift,
    ListingPage,
    ListingPublic,
    RefusalMonth,
)
from app.store import credit
from app.store.keys import RegulatorAgency
from app.store.models import Enterprise, NegativeListing

router = APIRouter(tags=["credit"])

CustomsCodePath = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")]
ListingId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")]
# Who puts enterprises on the negative list and takes them off.
LISTING = allow(
    ADMIN,
    REGULATOR,
    regulators={RegulatorAgency.CUSTOMS, RegulatorAgency.COMMERCE, RegulatorAgency.MARKET},
)
# How often one address may read the blacklist without a key.
BLACKLIST_LIMIT = "60/minute;1000/hour"
# The published list may be this many seconds old in caches.
BLACKLIST_MAX_AGE = 60
# The authority a listing names when its regulator gives none.
AUTHORITIES = {
    RegulatorAgency.CUSTOMS: "海关 Customs",
    RegulatorAgency.COMMERCE: "商务主管部门 Commerce",
    RegulatorAgency.MARKET: "市场监督管理部门 Market supervision",
}


def summary_of(e: Enterprise, now: datetime) -> CreditSummary:
    listed = trust.is_listed(e.listed_until, now)
    return CreditSummary(
        customsCode=e.customs_code,
        name=e.name,
        creditGrade=CreditGrade(e.credit_grade),
        listed=listed,
        listedUntil=trust.public_until(e.listed_until) if listed else None,
    )


def listing_public(listing: NegativeListing, now: datetime) -> ListingPublic:
    return ListingPublic(
        id=listing.id,
        customsCode=listing.customs_code,
        uscc=listing.uscc,
        name=listing.name,
        reason=listing.reason,
        legalBasis=listing.legal_basis,
        authority=listing.authority,
        agency=listing.agency,
        listedAt=listing.listed_at,
        until=listing.until,
        listedBy=listing.listed_by,
        inForce=trust.is_current(listing.until, listing.lifted_at, now),
        liftedAt=listing.lifted_at,
        liftedBy=listing.lifted_by,
        liftReason=listing.lift_reason,
    )


@router.get(
    "/v1/enterprises/{customsCode}/credit",
    response_model=CreditRecord,
    summary="An enterprise's credit record (an enterprise reads its own)",
    description=(
        "Its credit grade and whether it is on the credit negative list; the grades it was "
        "given, its listings and their lifting, complaints upheld against it and take-down "
        "notices it (as platform) did not acknowledge in time, each with its source and "
        "time; and its declarations refused or detained, by month. Late take-downs and "
        "the monthly counts are computed when read."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_credit_record(
    customsCode: CustomsCodePath, engine: EngineDep, principal: PrincipalDep, now: NowDep
) -> CreditRecord:
    own = principal.only_own()
    if own is not None and own != customsCode.upper():
        # Another enterprise's record: as if it were not filed.
        raise EnterpriseNotFound(
            f"No enterprise is filed with customs code {customsCode!r}.",
            f"海关编码 {customsCode!r} 没有备案记录。",
        )
    found = await run_in_threadpool(credit.credit_record, engine, customsCode, now)
    return CreditRecord(
        **summary_of(found.enterprise, now).model_dump(),
        status=FilingStatus(found.enterprise.status),
        events=[
            CreditEventPublic(
                kind=trust.CreditEventKind(e.kind),
                source=e.source,
                occurredAt=e.occurred_at,
                detail=e.detail,
            )
            for e in found.events
        ],
        refusalsByMonth=[
            RefusalMonth(month=m.month, rejected=m.rejected, detained=m.detained)
            for m in found.refusals
        ],
    )


@router.get(
    "/v1/credit/{customsCode}",
    response_model=CreditSummary,
    summary="Any enterprise's credit summary: its grade, and whether it is listed",
    description=(
        "What any key holder may check of an enterprise before trading with it: its credit "
        "grade, and whether it is on the credit negative list now and until when (null: "
        "until lifted). The record behind it is the enterprise's own and regulators' to "
        "read (`GET /v1/enterprises/{customsCode}/credit`). An enterprise not filed answers "
        "`404`."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_credit_summary(
    customsCode: CustomsCodePath, engine: EngineDep, now: NowDep
) -> CreditSummary:
    found = await run_in_threadpool(credit.enterprise, engine, customsCode)
    return summary_of(found, now)


@router.post(
    "/v1/regulator/negative-list",
    status_code=201,
    response_model=ListingPublic,
    summary="Put an enterprise on the credit negative list (customs, commerce, market)",
    description=(
        "From then on the enterprise cannot file again (`409 enterprise_listed`) nor be a "
        "party to a new declaration (refused with `enterprise_listed` at the field naming "
        "it); its filing, marked listed, is sent to every agency again, and customs "
        "inspects each of its declarations not yet decided and every new one. Published "
        "in `GET /v1/public/blacklist` while in force. In the audit trail (`filing.listed`)."
    ),
    openapi_extra=json_body("ListingCreate"),
    dependencies=[LISTING],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def put_on_list(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep, now: NowDep
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(ListingCreate, body)
        agency = principal.agency
        authority = wanted.authority or (AUTHORITIES.get(agency, agency) if agency else "admin")
        draft = credit.ListingDraft(
            customs_code=wanted.customsCode,
            reason=wanted.reason,
            legal_basis=wanted.legalBasis,
            authority=authority,
            until=wanted.until,
            agency=agency.value if agency else None,
        )
        listing = await run_in_threadpool(credit.put_on_list, engine, draft, principal.actor, now)
        answer = listing_public(listing, now)
        return JSONResponse(answer.model_dump(mode="json"), status_code=201)

    return await run_idempotent(request, body, handle)


@router.get(
    "/v1/regulator/negative-list",
    response_model=ListingPage,
    summary="The negative list's entries, newest first, in force or not",
    description=(
        "Every listing, in force or not (lifted, or its period over), with who listed it, "
        "on what legal basis, and who lifted it and why: the regulators' view of the list, "
        "of which `GET /v1/public/blacklist` publishes the listings in force. Filtered by "
        "enterprise (`customsCode`) or by `inForce`; a page at a time."
    ),
    dependencies=[allow(ADMIN, REGULATOR)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_listings(
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    customsCode: Annotated[
        str | None, Query(max_length=20, pattern=NO_NUL, description="One enterprise's.")
    ] = None,
    inForce: Annotated[
        bool | None, Query(description="Only those in force (true) or no longer (false).")
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> ListingPage:
    rows, next_cursor = await run_in_threadpool(
        lambda: credit.listings(
            engine,
            customs_code=customsCode,
            current=inForce,
            now=now,
            cursor=cursor,
            limit=page_size(settings, limit),
        )
    )
    return ListingPage(items=[listing_public(r, now) for r in rows], nextCursor=next_cursor)


@router.post(
    "/v1/regulator/negative-list/{listingId}/lift",
    response_model=ListingPublic,
    summary="Take an enterprise off the negative list (customs, commerce, market)",
    description=(
        "Ends this listing (another one in force keeps the enterprise listed). The filing is "
        "sent to every agency again. In the audit trail (`filing.lifted`). A listing lifted "
        "already, or whose period is over, answers `409 listing_not_current`."
    ),
    openapi_extra=json_body("ListingLift"),
    dependencies=[LISTING],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def lift_listing(
    listingId: ListingId,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
    now: NowDep,
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(ListingLift, body)
        listing = await run_in_threadpool(
            credit.lift, engine, listingId, wanted.reason, principal.actor, now
        )
        return JSONResponse(listing_public(listing, now).model_dump(mode="json"))

    return await run_idempotent(request, body, handle)


CACHEABLE = {
    "ETag": {"description": "The page's version.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "public, max-age=60", "schema": {"type": "string"}},
}


@router.get(
    "/v1/public/blacklist",
    response_model=BlacklistPage,
    summary="The published blacklist: enterprises on the credit negative list (no key)",
    description=(
        "The listings in force, newest first (有序公开), with their public fields. No API key "
        "needed; callers without one are limited per address (60 a minute, 1,000 an hour). "
        "Cacheable for 60 seconds; send the `ETag` back as `If-None-Match` to get `304` "
        "when the page has not changed."
    ),
    dependencies=[open_to_all(BLACKLIST_LIMIT, "blacklist")],
    responses={
        200: {"headers": CACHEABLE},
        304: {"description": "Not modified since the ETag given.", "headers": CACHEABLE},
        **AUTH_PROBLEMS,
        400: PROBLEM,
        422: PROBLEM,
    },
)
async def blacklist(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> Response:
    rows, next_cursor = await run_in_threadpool(
        credit.blacklist, engine, now, cursor, page_size(settings, limit)
    )
    answer = BlacklistPage(
        items=[
            BlacklistEntry(
                name=r.name,
                customsCode=r.customs_code,
                uscc=r.uscc,
                reason=r.reason,
                authority=r.authority,
                listedAt=r.listed_at,
                until=r.until,
            )
            for r in rows
        ],
        nextCursor=next_cursor,
    )
    body = answer.model_dump_json().encode()
    headers = {
        "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        "Cache-Control": f"public, max-age={BLACKLIST_MAX_AGE}",
    }
    if _matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak or strong), or any (``*``)."""
    if not if_none_match:
        return False
    given = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in given or any(tag.removeprefix("W/") == etag for tag in given)
