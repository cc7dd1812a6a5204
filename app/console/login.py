"""Logging in with an API key, and out; the console's front door."""

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from app.auth import Principal, client_address
from app.config import Settings
from app.console.access import ViewerDep, checked_form, session_of
from app.console.i18n import Translator, choose
from app.console.rendering import render
from app.console.routing import LOGIN, page_router
from app.console.session import clear_cookie, new_session, set_cookie
from app.errors import Forbidden, Unauthenticated

router = page_router()


def home_of(principal: Principal) -> str:
    """Where a user lands: regulators on the overview, an enterprise on its declarations."""
    return "/console/overview" if principal.sees_everything else "/console/declarations"


@router.get("")
async def console_home(viewer: ViewerDep) -> Response:
    return RedirectResponse(home_of(viewer.principal), status_code=303)


@router.get("/login")
async def login_form(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    session = session_of(request)
    fresh = session is None
    if session is None:
        session = new_session(None)
    notice = None
    if request.query_params.get("ended"):
        notice = "login.ended"
    elif request.query_params.get("out"):
        notice = "login.logged_out"
    response = render(
        request, "login.html", viewer=None, csrf=session.csrf, notice=notice, problem=None
    )
    if fresh:
        set_cookie(response, session, settings)
    return response


@router.post("/login")
async def log_in(request: Request) -> Response:
    """The key is checked as the API checks it, with the same limit on an address that
    keeps sending keys that are not valid."""
    settings: Settings = request.app.state.settings
    state = request.app.state
    session = session_of(request)
    form = await checked_form(request, session)
    key = form.get("key", "").strip()
    address = client_address(request)
    await state.rate_limits.refuse_failing_address(address)
    t = Translator(choose(request))
    try:
        principal: Principal = await state.authenticator.authenticate(f"Bearer {key}")
    except Unauthenticated:
        await state.rate_limits.count_failed_authentication(address)
        return _refused(request, session.csrf if session else "", 401, t("login.refused"))
    except Forbidden as error:
        # A suspended or revoked enterprise's key: said as the API says it.
        return _refused(
            request, session.csrf if session else "", 403, t.either(error.detail, error.detail_zh)
        )
    response = RedirectResponse(home_of(principal), status_code=303)
    set_cookie(response, new_session(key), settings)
    return response


def _refused(request: Request, csrf: str, status: int, problem: str) -> Response:
    return render(
        request, "login.html", viewer=None, csrf=csrf, status=status, notice=None, problem=problem
    )


@router.post("/logout")
async def log_out(request: Request, viewer: ViewerDep) -> Response:
    settings: Settings = request.app.state.settings
    await checked_form(request, viewer.session)
    response = RedirectResponse(f"{LOGIN}?out=1", status_code=303)
    clear_cookie(response, settings)
    return response
