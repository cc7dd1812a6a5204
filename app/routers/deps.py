"""What the routers share: dependencies, query parameter types, the problem responses
they declare, and the shaping of stored rows into answers. Not a router itself."""

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence, Set
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.params import Depends as DependsParam
from limits import parse_many
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.auth import (
    ANONYMOUS,
    EVERYONE,
    Access,
    Principal,
    PrincipalKind,
    RateLimits,
    Rule,
    client_address,
)
from app.config import Settings
from app.domain.trust import AddressRateLimited
from app.schemas.enterprise import CreditGrade, EnterprisePublic, FilingStatus, Role
from app.schemas.parsing import JSON_ONLY, BodyFormat, body_format
from app.schemas.responses import Problem
from app.store import enterprises
from app.store.models import Declaration, Enterprise
from app.store.models.types import utcnow
from app.store.pagination import CURSOR_ALPHABET, MAX_CURSOR_LENGTH


# Plain look-ups, so ``async``: FastAPI runs a ``def`` dependency in a worker thread,
# a thread hop per request for nothing.
async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def current_time(request: Request) -> datetime:
    """Now, by the application's clock (``app.state.clock``, which tests may set)."""
    clock: Callable[[], datetime] = getattr(request.app.state, "clock", utcnow)
    return clock()


NowDep = Annotated[datetime, Depends(current_time)]


async def read_body(request: Request, accepted: Set[BodyFormat] = JSON_ONLY) -> bytes:
    """The request's body, once its Content-Type says it is in a format the route takes
    (415 ``unsupported_media_type`` otherwise). Every route that takes a body reads it
    here, the routes that parse it themselves included; those whose callers sign their
    bodies read it with ``signed_body``."""
    body = await request.body()
    body_format(request.headers.get("content-type"), body, accepted)
    return body


async def raw_body(request: Request) -> bytes:
    return await read_body(request)


RawBody = Annotated[bytes, Depends(raw_body)]


async def signed_body(request: Request) -> bytes:
    """The body of a route whose caller is known by the body's signature: the route
    checks the signature first and the format after (``check_json``), so that nothing
    about the route is told to a caller who cannot sign."""
    return await request.body()


SignedBody = Annotated[bytes, Depends(signed_body)]


def check_json(request: Request, body: bytes) -> None:
    body_format(request.headers.get("content-type"), body, JSON_ONLY)


# The spec says what a cursor looks like; the paginator checks it, so that any cursor the
# service did not issue, whether or not it looks like one, answers 400 invalid_cursor.
CursorText = Annotated[
    str,
    WithJsonSchema({"type": "string", "maxLength": MAX_CURSOR_LENGTH, "pattern": CURSOR_ALPHABET}),
]
CursorQuery = Annotated[
    CursorText | None,
    Query(description="`nextCursor` of the previous page; omit for the first."),
]
LimitQuery = Annotated[
    int | None, Query(ge=1, description="Page size; the service caps it (default 50, max 200).")
]

_ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def _iso_date_time(value: Any) -> Any:
    """A date and time as ISO 8601 text. pydantic alone would also take a bare date or a
    number of seconds since 1970, which the spec (``format: date-time``) does not."""
    if isinstance(value, str) and not _ISO_DATE_TIME.match(value):
        raise PydanticCustomError(
            "datetime_parsing", "Input should be an ISO 8601 date and time, e.g. 2026-11-27T10:30Z"
        )
    return value


def _utc(moment: datetime) -> datetime:
    """Times without an offset are read as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


DateTimeQuery = Annotated[datetime, BeforeValidator(_iso_date_time), AfterValidator(_utc)]
CreatedFromQuery = Annotated[
    DateTimeQuery | None, Query(description="Created at or after (ISO 8601).")
]
CreatedToQuery = Annotated[DateTimeQuery | None, Query(description="Created before (ISO 8601).")]


def page_size(settings: Settings, limit: int | None) -> int:
    return min(limit or settings.page_size_default, settings.page_size_max)


def json_body(schema: str) -> dict[str, Any]:
    """The OpenAPI request body of a route that parses its body itself (to keep amounts
    exact): the named schema, which ``app.main`` adds to the spec's components. Such a
    route reads its body with ``read_body``, so it also answers 415 to a body of another
    type: said here, with the body, so that no route taking one can leave it out."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        },
        "responses": {"415": UNSUPPORTED_MEDIA_TYPE},
    }


PROBLEM: dict[str, Any] = {"model": Problem, "content": {"application/problem+json": {}}}
# PROBLEM as FastAPI writes it into the spec, for the routes' ``openapi_extra``.
UNSUPPORTED_MEDIA_TYPE: dict[str, Any] = {
    "description": "Unsupported Media Type",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
# What any route with an access rule may answer besides its own.
AUTH_PROBLEMS: dict[int | str, dict[str, Any]] = {401: PROBLEM, 403: PROBLEM, 429: PROBLEM}

NO_NUL = r"^[^\x00]*$"


def to_public(e: Enterprise, registrations: Mapping[str, Any] | None = None) -> EnterprisePublic:
    return EnterprisePublic(
        customsCode=e.customs_code,
        uscc=e.uscc,
        name=e.name,
        roles=[Role(r) for r in e.roles.split()],
        contactName=e.contact_name,
        telephone=e.telephone,
        status=FilingStatus(e.status),
        creditGrade=CreditGrade(e.credit_grade),
        registrations=dict(registrations or {}),
        createdAt=e.created_at,
        updatedAt=e.updated_at,
    )


async def with_registrations(engine: Engine, found: Sequence[Enterprise]) -> list[EnterprisePublic]:
    numbers = await run_in_threadpool(
        enterprises.public_registrations, engine, [e.id for e in found if e.id is not None]
    )
    return [to_public(e, numbers.get(e.id or 0)) for e in found]


def to_summary(d: Declaration) -> dict[str, Any]:
    return {
        "id": d.id,
        "ebpCode": d.ebp_code,
        "ebcCode": d.ebc_code,
        "orderNo": d.order_no,
        "logisticsCode": d.logistics_code,
        "logisticsNo": d.logistics_no,
        "tradeMode": d.trade_mode,
        "status": d.status,
        "cebStatus": d.ceb_status,
        "dutiableValue": d.dutiable_value,
        "createdAt": d.created_at,
        "updatedAt": d.updated_at,
    }


# Follow-up tokens of complaints start so; sent as a bearer token, one is not an API key.
COMPLAINT_TOKEN_PREFIX = "swc_"


class OpenAccess(Access):
    """The rule of a route anyone may call (the public blacklist, complaints). A caller
    without an API key is anonymous and counted by address, against ``limits`` (``limits``
    notation) of its own; a caller with one is authenticated and counted as on any route.
    A complaint's follow-up token sent as the bearer token is no key: its caller is
    anonymous (the route checks the token)."""

    def __init__(self, rule: Rule, limits: str, namespace: str) -> None:
        super().__init__(rule)
        self.limits = parse_many(limits)
        self.namespace = namespace

    async def __call__(self, request: Request) -> Principal:
        authorization = request.headers.get("authorization") or ""
        _, _, credential = authorization.partition(" ")
        if authorization and not credential.strip().startswith(COMPLAINT_TOKEN_PREFIX):
            return await super().__call__(request)
        rate_limits: RateLimits = request.app.state.rate_limits
        if rate_limits.enabled:
            address = client_address(request)
            for item in self.limits:
                if not await rate_limits.limiter.hit(item, self.namespace, address):
                    reset_at, _ = await rate_limits.limiter.get_window_stats(
                        item, self.namespace, address
                    )
                    wait = max(1, math.ceil(reset_at - time.time()))
                    raise AddressRateLimited(wait, str(item))
        request.state.principal = ANONYMOUS
        return ANONYMOUS


def open_to_all(limits: str, namespace: str) -> DependsParam:
    """The access rule of a route anyone may call, with or without a key; ``limits``:
    how often one address may call it without a key."""
    rule = Rule(frozenset({*EVERYONE, PrincipalKind.ANONYMOUS}))
    guard: DependsParam = Depends(OpenAccess(rule, limits, namespace))
    return guard
