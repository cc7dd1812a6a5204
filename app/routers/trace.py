"""Traceability (质量追溯: 源头可溯、去向可查): logistics companies' delivery events on
their waybills, the trace from a product's source to its buyers, and regulators'
recalls with the enterprises they concern."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, REGULATOR, Cost, PrincipalDep, allow
from app.domain import goods, privacy
from app.domain.clearance import ClearanceStatus
from app.domain.violations import RuleViolation
from app.errors import InvalidRequest
from app.idempotent import run_idempotent
from app.routers.deps import (
    AUTH_PROBLEMS,
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
    page_size,
)
from app.schemas.goods import (
    DeliveryEventCreate,
    DeliveryEventPublic,
    Destination,
    GoodsTrace,
    RecallAffected,
    RecallCreate,
    RecallDetail,
    RecallPage,
    RecallPublic,
    Shipment,
    ShipmentLine,
    TraceSource,
    WaybillDeliveries,
)
from app.schemas.parsing import parse_body
from app.store import deliveries, trace
from app.store.keys import RegulatorAgency
from app.store.models import Declaration, DeliveryEventRecord, Recall, RecallDeclaration

router = APIRouter(tags=["goods"])

LogisticsNoPath = Annotated[str, Path(min_length=1, max_length=60, pattern=NO_NUL)]
RecallId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f\-]+$")]
LogisticsCodeQuery = Annotated[
    str | None,
    Query(
        max_length=20,
        pattern=r"^[0-9A-Za-z]+$",
        description="The logistics company, when several declared the same number.",
    ),
]
# Who recalls goods: customs, inspection (quality and safety), market supervision.
RECALLING = allow(
    ADMIN,
    REGULATOR,
    regulators={RegulatorAgency.CUSTOMS, RegulatorAgency.INSPECTION, RegulatorAgency.MARKET},
)


def event_public(e: DeliveryEventRecord) -> DeliveryEventPublic:
    return DeliveryEventPublic(
        event=goods.DeliveryEvent(e.event),
        at=e.at,
        place=e.place,
        note=e.note,
        recordedBy=e.recorded_by,
        recordedAt=e.recorded_at,
    )


def waybill_public(found: deliveries.DeclaredWaybill) -> WaybillDeliveries:
    d = found.declaration
    return WaybillDeliveries(
        declarationId=d.id,
        logisticsCode=d.logistics_code,
        logisticsNo=d.logistics_no,
        delivered=found.delivered,
        events=[event_public(e) for e in found.events],
    )


@router.post(
    "/v1/waybills/{logisticsNo}/events",
    status_code=201,
    response_model=WaybillDeliveries,
    summary="Post a delivery event for a declared waybill (its logistics company)",
    description=(
        "picked_up, in_transit, delivered, refused_by_buyer, returned: with when and where. "
        "A logistics company posts on its own waybills only (another's answers `404`); an "
        "admin names the company in `logisticsCode` when several declared the number. The "
        "same event at the same time again answers `200` and changes nothing; an event that "
        "cannot follow the waybill's others (anything after `returned`, `in_transit` after "
        "`delivered`…) is `409 delivery_event_out_of_order`. The answer is the waybill's "
        "events, in the order they happened. In the audit trail (`delivery.recorded`)."
    ),
    openapi_extra=json_body("DeliveryEventCreate"),
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={
        200: {"model": WaybillDeliveries, "description": "Recorded already."},
        **AUTH_PROBLEMS,
        404: PROBLEM,
        409: PROBLEM,
        413: PROBLEM,
        422: PROBLEM,
    },
)
async def post_delivery_event(
    logisticsNo: LogisticsNoPath,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
    now: NowDep,
    logisticsCode: LogisticsCodeQuery = None,
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(DeliveryEventCreate, body)
        draft = deliveries.EventDraft(wanted.event, wanted.at, wanted.place, wanted.note)
        found, new = await run_in_threadpool(
            lambda: deliveries.record(
                engine,
                logisticsNo,
                draft,
                logistics_code=principal.only_own() or logisticsCode,
                actor=principal.actor,
                now=now,
            )
        )
        return JSONResponse(
            waybill_public(found).model_dump(mode="json"), status_code=201 if new else 200
        )

    return await run_idempotent(request, body, handle)


@router.get(
    "/v1/waybills/{logisticsNo}/events",
    response_model=WaybillDeliveries,
    summary="A declared waybill's delivery events (its declaration's parties; regulators)",
    description="A waybill of a declaration the caller is not a party to answers `404`.",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 422: PROBLEM},
)
async def get_delivery_events(
    logisticsNo: LogisticsNoPath,
    engine: EngineDep,
    principal: PrincipalDep,
    logisticsCode: LogisticsCodeQuery = None,
) -> WaybillDeliveries:
    found = await run_in_threadpool(
        lambda: deliveries.waybill(
            engine, logisticsNo, logistics_code=logisticsCode, party=principal.only_own()
        )
    )
    return waybill_public(found)


def _one_way_in(
    barcode: str | None, item_no: str | None, ebc_code: str | None, waybill: str | None
) -> None:
    """A trace starts from one thing: a barcode, an item number with its company, or a
    waybill."""
    given = [barcode is not None, item_no is not None or ebc_code is not None, waybill is not None]
    if sum(given) == 1 and (item_no is None) == (ebc_code is None):
        return
    raise InvalidRequest(
        [
            RuleViolation(
                "trace_start_invalid",
                None,
                "trace from one of: barcode; itemNo with ebcCode; waybill",
                "请只提供以下之一：barcode；itemNo 与 ebcCode；waybill",
                parameter="barcode",
            )
        ]
    )


@router.get(
    "/v1/trace",
    response_model=GoodsTrace,
    summary="Trace goods from their source to their buyers (源头可溯、去向可查)",
    description=(
        "From a barcode (`barcode`), an e-commerce company's item (`itemNo` and `ebcCode`) "
        "or a waybill (`waybill`): the goods' filings (manufacturer, origin, HS code), then "
        "the declarations naming them (by barcode, or by an item number filed with it), "
        "newest first and a page at a time from `createdFrom` (by default a year back), "
        "each with its clearance status, where it went and its delivery events. An "
        "enterprise sees the declarations it is a party to; buyers' phone numbers are "
        "masked for all but regulators. Counts against the heavy rate limit (it searches "
        "the declarations' documents)."
    ),
    dependencies=[allow(*EVERYONE, cost=Cost.HEAVY)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def trace_goods(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
    barcode: Annotated[str | None, Query(max_length=20, pattern=NO_NUL)] = None,
    itemNo: Annotated[str | None, Query(max_length=30, pattern=NO_NUL)] = None,
    ebcCode: Annotated[str | None, Query(max_length=20, pattern=r"^[0-9A-Za-z]+$")] = None,
    waybill: Annotated[
        str | None, Query(max_length=60, pattern=NO_NUL, description="A logisticsNo.")
    ] = None,
    logisticsCode: LogisticsCodeQuery = None,
    createdFrom: CreatedFromQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> GoodsTrace:
    _one_way_in(barcode, itemNo, ebcCode, waybill)
    kept = goods.gtin(barcode) if barcode is not None else None
    query = trace.TraceQuery(
        barcode=kept or barcode,
        item_no=itemNo,
        ebc_code=ebcCode,
        waybill=waybill,
        logistics_code=logisticsCode,
    )
    found = await run_in_threadpool(
        lambda: trace.trace(
            engine,
            query,
            party=principal.only_own(),
            since=createdFrom,
            cursor=cursor,
            limit=page_size(settings, limit),
            now=now,
        )
    )
    masked = not principal.sees_personal_data
    items = {(p.ebc_code, p.item_no) for p in found.sources}
    barcodes = {p.barcode for p in found.sources} | ({query.barcode} if query.barcode else set())
    return GoodsTrace(
        sources=[
            TraceSource(
                ebcCode=p.ebc_code,
                itemNo=p.item_no,
                name=p.name,
                hsCode=p.hs_code,
                barcode=p.barcode,
                brand=p.brand,
                manufacturer=p.manufacturer,
                originCountry=p.origin_country,
            )
            for p in found.sources
        ],
        shipments=[
            _shipment(d, found.events.get(d.id, []), masked, items, barcodes, query.waybill)
            for d in found.declarations
        ],
        nextCursor=found.next_cursor,
    )


def _shipment(
    d: Declaration,
    events: Sequence[DeliveryEventRecord],
    masked: bool,
    items: set[tuple[str, str]],
    barcodes: set[str],
    waybill: str | None,
) -> Shipment:
    documents = privacy.mask_documents(d.documents) if masked else d.documents
    order: dict[str, Any] = documents["order"]
    lines = [
        ShipmentLine(
            gnum=item["gnum"],
            itemNo=item.get("itemNo"),
            barCode=item.get("barCode"),
            itemName=item["itemName"],
            qty=str(item["qty"]),
            gcode=item["gcode"],
            country=item["country"],
        )
        for item in order["items"]
        # From a waybill: all of its goods; else the lines of the goods traced.
        if waybill is not None
        or item.get("barCode") in barcodes
        or (d.ebc_code, item.get("itemNo")) in items
    ]
    return Shipment(
        declarationId=d.id,
        createdAt=d.created_at,
        ebpCode=d.ebp_code,
        ebcCode=d.ebc_code,
        orderNo=d.order_no,
        status=ClearanceStatus(d.status),
        cebStatus=d.ceb_status,
        lines=lines,
        destination=Destination(
            consignee=order["consignee"],
            consigneeTelephone=order["consigneeTelephone"],
            consigneeAddress=order["consigneeAddress"],
            consigneeDistrict=order.get("consigneeDistrict"),
        ),
        logisticsCode=d.logistics_code,
        logisticsNo=d.logistics_no,
        delivered=deliveries.is_delivered(events),
        deliveries=[event_public(e) for e in events],
    )


# -- recalls -------------------------------------------------------------------------------


def recall_public(r: Recall) -> RecallPublic:
    return RecallPublic(
        id=r.id,
        barcode=r.barcode,
        batch=r.batch,
        reason=r.reason,
        productName=r.product_name,
        agency=r.agency,
        issuedBy=r.issued_by,
        issuedAt=r.issued_at,
        declarations=r.declarations,
        delivered=r.delivered,
    )


def _affected(a: RecallDeclaration) -> RecallAffected:
    return RecallAffected(
        declarationId=a.declaration_id,
        ebpCode=a.ebp_code,
        ebcCode=a.ebc_code,
        orderNo=a.order_no,
        logisticsCode=a.logistics_code,
        logisticsNo=a.logistics_no,
        status=ClearanceStatus(a.status),
        delivered=a.delivered,
        lines=list(a.lines),
        declaredAt=a.declared_at,
    )


@router.post(
    "/v1/regulator/recalls",
    status_code=201,
    response_model=RecallDetail,
    summary="Recall goods by barcode, and batch (customs, inspection, market supervision)",
    description=(
        "Finds every declaration of the goods (lines with the barcode, or naming an item "
        "number filed with it; of the batch in the orders' `batchNumbers`, when given) "
        "and which of their parcels were delivered, and keeps them with the recall. The "
        "platforms and e-commerce companies concerned, and the goods' filers, read it in "
        "`GET /v1/recalls` and hear of it by the `product.recalled` webhook event. The "
        "answer holds the first page of the declarations found. In the audit trail "
        "(`recall.issued`)."
    ),
    openapi_extra=json_body("RecallCreate"),
    dependencies=[RECALLING],
    responses={**AUTH_PROBLEMS, 413: PROBLEM, 422: PROBLEM},
)
async def issue_recall(
    request: Request,
    body: RawBody,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    now: NowDep,
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(RecallCreate, body)
        barcode, problems = goods.check_codes(barcode=wanted.barcode)
        if problems or barcode is None:
            raise InvalidRequest(problems)
        draft = trace.RecallDraft(
            barcode=barcode,
            batch=wanted.batch,
            reason=wanted.reason,
            agency=principal.agency.value if principal.agency else None,
        )
        issued = await run_in_threadpool(trace.recall, engine, draft, principal.actor, now)
        detail = await _detail(engine, issued.id, None, None, page_size(settings, None))
        return JSONResponse(
            detail.model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/v1/recalls/{issued.id}"},
        )

    return await run_idempotent(request, body, handle)


async def _detail(
    engine: Any, recall_id: str, party: str | None, cursor: str | None, limit: int
) -> RecallDetail:
    found, rows, next_cursor = await run_in_threadpool(
        lambda: trace.recall_detail(engine, recall_id, party=party, cursor=cursor, limit=limit)
    )
    return RecallDetail(
        **recall_public(found).model_dump(),
        affected=[_affected(a) for a in rows],
        nextCursor=next_cursor,
    )


@router.get(
    "/v1/recalls",
    response_model=RecallPage,
    summary="Recalls, newest first (an enterprise sees those concerning it)",
    description=(
        "Regulators and admins see every recall; an enterprise, those concerning it: of "
        "goods it filed, or declared on its platform or as their e-commerce company."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_recalls(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> RecallPage:
    rows, next_cursor = await run_in_threadpool(
        lambda: trace.recalls(
            engine, party=principal.only_own(), cursor=cursor, limit=page_size(settings, limit)
        )
    )
    return RecallPage(items=[recall_public(r) for r in rows], nextCursor=next_cursor)


@router.get(
    "/v1/recalls/{recallId}",
    response_model=RecallDetail,
    summary="One recall and the declarations it found (an enterprise: its own)",
    description="A recall not concerning the enterprise answers `404`, as if there were none.",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 404: PROBLEM, 422: PROBLEM},
)
async def get_recall(
    recallId: RecallId,
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> RecallDetail:
    return await _detail(engine, recallId, principal.only_own(), cursor, page_size(settings, limit))
