"""The web console (``/console``): server-rendered pages for regulators and for each
enterprise's own view, with no build step and nothing loaded from outside the service.

Its pages read through the same store functions as the API and check keys as the API
does; they are not part of the API's OpenAPI document."""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from app.console import declarations, enterprises, login, overview, published

STATIC = Path(__file__).parent / "static"
# The files the console serves, by name, as they are in the package: nothing else on
# disk can be asked for.
_STATIC_FILES = {path.name: path for path in STATIC.iterdir() if path.is_file()}
_MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}

router = APIRouter(include_in_schema=False)
for pages in (login, overview, declarations, enterprises, published):
    router.include_router(pages.router)


@router.get("/console/static/{name}")
async def static_file(name: str) -> FileResponse:
    path = _STATIC_FILES.get(name)
    if path is None:
        raise HTTPException(status_code=404)
    return FileResponse(
        path,
        media_type=_MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
