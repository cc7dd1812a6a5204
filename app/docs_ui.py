"""The API's documents as a person reads them: ``/docs`` (Swagger UI) and ``/redoc``
(ReDoc), whose scripts and styles come from the installed ``fastapi-offline`` package,
not a CDN, so that they work on a machine without internet; and ``GET /``, which says
where everything is."""

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

DOCS = "/docs"
REDOC = "/redoc"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
# Swagger UI's and ReDoc's files: swagger-ui-bundle.js, swagger-ui.css,
# redoc.standalone.js, favicon.png.
ASSETS = "/docs/assets"
CONSOLE = "/console"
METRICS = "/metrics"

# Swagger UI: keep the key given under "Authorize" across reloads, and never send the
# document to the public validator it calls by default.
_SWAGGER_PARAMETERS = {
    "persistAuthorization": True,
    "validatorUrl": None,
    "displayRequestDuration": True,
    "tryItOutEnabled": False,
}


def assets_directory() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


class ServiceLinks(BaseModel):
    """Where to go from the service's root."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Single Window",
                    "version": "0.1.0",
                    "docs": "/docs",
                    "redoc": "/redoc",
                    "openapi": "/openapi.json",
                    "console": "/console",
                    "healthz": "/healthz",
                    "readyz": "/readyz",
                    "metrics": "/metrics",
                }
            ]
        }
    )

    name: str = Field(description="The service.")
    version: str = Field(description="Its API's version.")
    docs: str = Field(description="The API reference, interactive (Swagger UI).")
    redoc: str = Field(description="The API reference, to read (ReDoc).")
    openapi: str = Field(description="The OpenAPI 3.1 document.")
    console: str = Field(description="The web console for regulators and operators.")
    healthz: str = Field(description="Whether the process is up.")
    readyz: str = Field(description="Whether the service reaches its database.")
    metrics: str = Field(
        description="Prometheus metrics (an admin's or a regulator's key, by default)."
    )


def install(app: FastAPI) -> None:
    """Adds the documentation pages, their files and the root to ``app`` (created with
    ``docs_url=None, redoc_url=None``: FastAPI's own pages load their files from a CDN)."""
    app.mount(ASSETS, StaticFiles(directory=assets_directory()), name="docs-assets")
    app.include_router(_router(app))


def _router(app: FastAPI) -> APIRouter:
    router = APIRouter()
    title = app.title

    @router.get(
        "/",
        response_model=ServiceLinks,
        tags=["service"],
        summary="Where everything is",
    )
    async def root(request: Request) -> ServiceLinks:
        """Links to the API's documents, the console and the health checks, relative to
        this service. No key needed."""
        base = request.scope.get("root_path", "")
        return ServiceLinks(
            name=title,
            version=app.version,
            docs=base + DOCS,
            redoc=base + REDOC,
            openapi=base + (app.openapi_url or "/openapi.json"),
            console=base + CONSOLE,
            healthz=base + "/healthz",
            readyz=base + "/readyz",
            metrics=base + METRICS,
        )

    @router.get(DOCS, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        base = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=base + (app.openapi_url or "/openapi.json"),
            title=f"{title} — API",
            swagger_js_url=f"{base}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{base}{ASSETS}/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            swagger_ui_parameters=_SWAGGER_PARAMETERS,
        )

    @router.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @router.get(REDOC, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        base = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=base + (app.openapi_url or "/openapi.json"),
            title=f"{title} — API",
            redoc_js_url=f"{base}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{base}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    return router
