"""Who is looking at a console page, and whether they may: the session's key, checked on
every page as the API checks keys, the regulators-only pages, the actions' rules, and the
CSRF token of every form."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Request

from app import auth
from app.auth import Cost, Principal, Rule
from app.config import Settings
from app.console.session import COOKIE, CSRF_FIELD, Session, open_sealed, session_secret
from app.errors import Forbidden, Unauthenticated

# The rules of the regulators' actions: the same ones the API's routes declare.
GRADING, CHANGING_STATUS = auth.GRADING, auth.CHANGING_STATUS
# A form has a token and a few fields; more is not one of ours.
_MAX_FIELDS = 20
_FORM = "application/x-www-form-urlencoded"


class LoginRequired(Exception):
    """No session, or its key no longer works: the page sends the user to log in."""

    def __init__(self, *, ended: bool) -> None:
        super().__init__("login required")
        # A session there was, which has ended (shown as such, and its cookie cleared).
        self.ended = ended


class Refused(Exception):
    """A page or action this user may not have, or a form that did not come from the
    console: an error page with this status and message."""

    def __init__(self, status: int, message_key: str) -> None:
        super().__init__(message_key)
        self.status = status
        self.message_key = message_key


@dataclass(frozen=True, slots=True)
class Viewer:
    principal: Principal
    session: Session

    @property
    def regulator(self) -> bool:
        """Regulators and administrators see the whole console."""
        return self.principal.sees_everything

    @property
    def own(self) -> str | None:
        """An enterprise's customs code: everything it sees is limited to it."""
        return self.principal.only_own()

    def may(self, rule: Rule) -> bool:
        return rule.admits(self.principal)


def session_of(request: Request) -> Session | None:
    settings: Settings = request.app.state.settings
    return open_sealed(request.cookies.get(COOKIE), session_secret(settings))


class Gate:
    """The dependency of every console page: the session's key checked now, as the API
    checks it (a revoked key or a suspended enterprise ends the session), the request
    counted against the key's rate limit, and the regulators' pages kept to them."""

    def __init__(self, *, regulators_only: bool = False, cost: Cost = Cost.DEFAULT) -> None:
        self.regulators_only = regulators_only
        self.cost = cost

    async def __call__(self, request: Request) -> Viewer:
        session = session_of(request)
        if session is None or session.key is None:
            raise LoginRequired(ended=request.cookies.get(COOKIE) is not None)
        state = request.app.state
        try:
            principal: Principal = await state.authenticator.authenticate(f"Bearer {session.key}")
        except (Unauthenticated, Forbidden):
            raise LoginRequired(ended=True) from None
        await state.rate_limits.hit(self.cost, principal.key_id)
        viewer = Viewer(principal, session)
        # The error page, if one follows, shows the navigation this user has.
        request.state.console_viewer = viewer
        if self.regulators_only and not viewer.regulator:
            raise Refused(403, "error.forbidden")
        return viewer


ViewerDep = Annotated[Viewer, Depends(Gate())]
RegulatorDep = Annotated[Viewer, Depends(Gate(regulators_only=True))]
# Pages whose figures scan a lot of data count against the API's heavy limit, as
# /v1/regulator/stats does.
HeavyRegulatorDep = Annotated[Viewer, Depends(Gate(regulators_only=True, cost=Cost.HEAVY))]


async def checked_form(request: Request, session: Session | None) -> dict[str, str]:
    """The fields of a form the console sent, once its CSRF token matches the session's
    (403 otherwise: a form posted from another site, or without the token)."""
    fields: dict[str, list[str]] = {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == _FORM:
        body = await request.body()
        try:
            fields = parse_qs(
                body.decode("utf-8"),
                keep_blank_values=True,
                max_num_fields=_MAX_FIELDS,
                strict_parsing=False,
            )
        except (UnicodeDecodeError, ValueError):
            fields = {}
    token = fields.get(CSRF_FIELD, [None])[0]
    if session is None or not session.csrf_matches(token):
        raise Refused(403, "error.csrf")
    return {name: values[0] for name, values in fields.items()}
