"""Pages from templates: one Jinja environment with autoescaping on, the words of the
page's language, numbers, money and times written one way everywhere, and the
navigation the user has."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.console.access import Viewer
from app.console.i18n import Translator, choose, switch_links

TEMPLATES = Path(__file__).parent / "templates"
# Every value is escaped unless a template says otherwise (only the server-drawn charts).
_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
_CENT = Decimal("0.01")


def cents(amount: Decimal | int | float | str) -> str:
    """An amount in CNY with two decimals, rounded half up as the tax is (no separators:
    for files)."""
    return str(Decimal(str(amount)).quantize(_CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Formats:
    """How a page writes figures: money always with two decimals (CNY), counts with
    thousands separators, times in UTC to the second, durations in the page's units."""

    language: str

    def money(self, amount: Decimal | int | float | str | None) -> str:
        if amount is None:
            return ""
        try:
            return f"{Decimal(cents(amount)):,}"
        except InvalidOperation:
            return str(amount)

    def count(self, n: int | None) -> str:
        return "" if n is None else f"{n:,}"

    def percent(self, value: Decimal | float | None) -> str:
        return "—" if value is None else f"{value}%"

    def when(self, moment: datetime | str | None) -> str:
        if moment is None:
            return ""
        if isinstance(moment, str):
            # A time an agency gave, kept as text (a receipt's decidedAt).
            try:
                parsed = datetime.fromisoformat(moment)
            except ValueError:
                return moment
            return self.when(parsed.astimezone(UTC) if parsed.tzinfo else parsed)
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        units = {"en": ("s", "min", "h"), "zh": ("秒", "分钟", "小时")}[self.language]
        if seconds < 120:
            return f"{seconds:.1f} {units[0]}"
        if seconds < 7200:
            return f"{seconds / 60:.1f} {units[1]}"
        return f"{seconds / 3600:.1f} {units[2]}"


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label_key: str
    # The path prefix of the pages it stands for, to mark the current one.
    section: str


def navigation(viewer: Viewer | None) -> list[NavItem]:
    if viewer is None:
        return []
    if viewer.regulator:
        return [
            NavItem("/console/overview", "nav.overview", "/console/overview"),
            NavItem("/console/declarations", "nav.declarations", "/console/declarations"),
            NavItem("/console/enterprises", "nav.enterprises", "/console/enterprises"),
            NavItem("/console/index", "nav.index", "/console/index"),
        ]
    own = viewer.own or ""
    return [
        NavItem("/console/declarations", "nav.declarations", "/console/declarations"),
        NavItem(f"/console/enterprises/{own}", "nav.own_filing", "/console/enterprises"),
    ]


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None,
    status: int = 200,
    csrf: str | None = None,
    **context: Any,
) -> HTMLResponse:
    t = Translator(choose(request))
    html = _ENVIRONMENT.get_template(template).render(
        t=t,
        f=Formats(t.language),
        lang=t.language,
        viewer=viewer,
        nav=navigation(viewer),
        path=request.url.path,
        links=switch_links(request),
        csrf=csrf if csrf is not None else viewer.session.csrf if viewer else "",
        **context,
    )
    return HTMLResponse(html, status_code=status)
