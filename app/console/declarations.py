"""Finding declarations and reading one: its documents masked as the API masks them,
each agency's answer, its status timeline, and its cancellations and returns. An
enterprise finds and reads only the declarations it is a party to."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.console.access import Refused, ViewerDep
from app.console.queries import choice as chosen
from app.console.queries import optional_day_range, text
from app.console.rendering import render
from app.console.routing import page_router
from app.domain.clearance import CEB_STATUS, ClearanceStatus
from app.domain.privacy import mask_documents
from app.errors import InvalidCursor
from app.store import afterlife, console, declarations
from app.store.models import DeclarationAction, DeclarationEvent

router = page_router()

PAGE_SIZE = 50
# The timeline is read a page at a time up to this many events (a declaration has a
# handful; an amended one a few dozen).
MAX_EVENTS = 1000
_EVENT_PAGE = 200
_DECLARATION_ID = re.compile(r"[0-9A-Za-z\-]{1,36}")
# The documents' amounts in CNY (weight and quantity are not), shown with two decimals.
MONEY_FIELDS = frozenset(
    {
        "goodsValue",
        "freight",
        "discount",
        "taxTotal",
        "acturalPaid",
        "amountPaid",
        "insuredFee",
        "price",
        "totalPrice",
    }
)
_SEARCH_FIELDS = ("orderNo", "logisticsNo", "party", "status", "createdFrom", "createdTo")


@router.get("/declarations")
async def search(request: Request, viewer: ViewerDep) -> Response:
    days = optional_day_range(request, datetime.now(UTC).date())
    where = console.DeclarationSearch(
        order_no=text(request, "orderNo"),
        logistics_no=text(request, "logisticsNo"),
        party_code=text(request, "party", 20),
        status=chosen(request, "status", ClearanceStatus),
        created_from=days.start if days else None,
        created_to=days.end if days else None,
        only_party=viewer.own,
    )
    cursor = text(request, "cursor", 512)
    engine: Engine = request.app.state.engine
    notice = None if days is None or days.understood else "error.bad_range"
    try:
        found, next_cursor = await run_in_threadpool(
            console.search_declarations, engine, where, cursor, PAGE_SIZE
        )
    except InvalidCursor:
        notice = "error.bad_cursor"
        found, next_cursor = await run_in_threadpool(
            console.search_declarations, engine, where, None, PAGE_SIZE
        )
    asked = {name: request.query_params.get(name, "") for name in _SEARCH_FIELDS}
    kept = [(name, value) for name, value in asked.items() if value]
    return render(
        request,
        "declarations.html",
        viewer=viewer,
        asked=asked,
        statuses=list(ClearanceStatus),
        found=found,
        notice=notice,
        next_page=(
            "/console/declarations?" + urlencode([*kept, ("cursor", next_cursor)])
            if next_cursor
            else None
        ),
        first_page="/console/declarations?" + urlencode(kept) if cursor else None,
    )


@dataclass(frozen=True, slots=True)
class Timeline:
    events: Sequence[DeclarationEvent]
    # More events than were read.
    cut: bool


def _timeline(engine: Engine, declaration_id: str, party: str | None) -> Timeline:
    events: list[DeclarationEvent] = []
    cursor: str | None = None
    while len(events) < MAX_EVENTS:
        found, cursor = declarations.list_events(engine, declaration_id, cursor, _EVENT_PAGE, party)
        events.extend(found)
        if cursor is None:
            return Timeline(events, cut=False)
    return Timeline(events, cut=True)


@router.get("/declarations/{declaration_id}")
async def declaration(request: Request, declaration_id: str, viewer: ViewerDep) -> Response:
    if not _DECLARATION_ID.fullmatch(declaration_id):
        raise Refused(404, "error.not_found")
    engine: Engine = request.app.state.engine
    # Not a party: not found, as in the API, so that nothing tells it exists.
    record = await run_in_threadpool(
        declarations.get_declaration, engine, declaration_id, viewer.own
    )
    timeline = await run_in_threadpool(_timeline, engine, declaration_id, viewer.own)
    actions: list[DeclarationAction] = await run_in_threadpool(
        afterlife.actions_of, engine, declaration_id
    )
    d = record.declaration
    unmasked = viewer.principal.sees_personal_data
    return render(
        request,
        "declaration.html",
        viewer=viewer,
        d=d,
        ceb_status=CEB_STATUS.get(ClearanceStatus(d.status)),
        agencies=record.agencies,
        timeline=timeline,
        actions=actions,
        documents=_documents(d.documents if unmasked else mask_documents(d.documents)),
        unmasked=unmasked,
        money_fields=MONEY_FIELDS,
    )


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One document as the page shows it: its fields, then its goods lines."""

    name: str
    fields: list[tuple[str, Any]]
    item_columns: list[str]
    items: list[dict[str, Any]]


def _documents(documents: dict[str, Any]) -> list[DocumentView]:
    shown = []
    for name in ("order", "payment", "logistics"):
        part = documents.get(name)
        if not isinstance(part, dict):
            continue
        items = [i for i in part.get("items") or [] if isinstance(i, dict)]
        columns: list[str] = []
        for item in items:
            columns.extend(k for k in item if k not in columns)
        fields = [
            (k, v) for k, v in part.items() if k != "items" and not isinstance(v, dict | list)
        ]
        shown.append(DocumentView(name, fields, columns, items))
    return shown
