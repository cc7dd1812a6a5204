"""The route class of every console page: what the page could not do becomes a page (or
a redirect to the login), never the API's JSON problem; and every answer says it may not
be stored, where it may be shown, and what it may load."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from app.config import Settings
from app.console import i18n
from app.console.access import LoginRequired, Refused, Viewer
from app.console.i18n import Translator, choose
from app.console.rendering import render
from app.console.session import COOKIE_PATH, clear_cookie
from app.errors import DomainError

LOGIN = "/console/login"
# Pages carry buyers' personal data and regulators' figures: never kept by a cache or
# the browser's history. Nothing loads from elsewhere; no other site may frame them.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
_LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            settings: Settings = request.app.state.settings
            try:
                response = await handler(request)
            except LoginRequired as stop:
                response = RedirectResponse(
                    f"{LOGIN}?ended=1" if stop.ended else LOGIN, status_code=303
                )
                if stop.ended:
                    clear_cookie(response, settings)
            except Refused as refused:
                t = Translator(choose(request))
                response = error_page(request, refused.status, t(refused.message_key))
            except DomainError as error:
                t = Translator(choose(request))
                response = error_page(
                    request, error.status, t.either(error.detail, error.detail_zh)
                )
                response.headers.update(error.headers)
            finish(request, response, settings)
            return response

        return answer


def error_page(request: Request, status: int, message: str) -> Response:
    viewer: Viewer | None = getattr(request.state, "console_viewer", None)
    return render(request, "error.html", viewer=viewer, status=status, message=message)


def finish(request: Request, response: Response, settings: Settings) -> None:
    response.headers.update(HEADERS)
    switched = i18n.asked_for(request)
    if switched is not None:
        response.set_cookie(
            i18n.COOKIE,
            switched,
            max_age=_LANGUAGE_COOKIE_SECONDS,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=settings.environment != "development",
        )


def page_router() -> APIRouter:
    """A router of console pages: none of them is part of the API's OpenAPI document."""
    return APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
