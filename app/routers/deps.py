"""Dependencies shared by the routers."""

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import Engine

from app.config import Settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]

CursorQuery = Annotated[
    str | None,
    Query(
        max_length=512,
        pattern=r"^[A-Za-z0-9_\-]*$",
        description="`nextCursor` of the previous page; omit for the first.",
    ),
]
LimitQuery = Annotated[
    int | None, Query(ge=1, description="Page size; the service caps it (default 50, max 200).")
]


def page_size(settings: Settings, limit: int | None) -> int:
    return min(limit or settings.page_size_default, settings.page_size_max)


def json_body(schema: str) -> dict[str, Any]:
    """The OpenAPI request body of a route that parses its body itself (to keep amounts
    exact): the named schema, which ``app.main`` adds to the spec's components."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }
