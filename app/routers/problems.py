"""``/problems/{code}``: the page each problem document's ``type`` links to.

Every error answers ``application/problem+json`` whose ``type`` is ``/problems/<code>``
on the service itself (``app.errors.problem_type``), so that following it, even on a
machine without internet, finds what the code means: its title in English and Chinese,
its HTTP status, and what to do. The pages are made from the error classes themselves
(each ``DomainError`` with a fixed code), so a new error has its page without more work;
a code set at run time (a certificate's, a signature's, an XML message's problem) gets
the general page, which still says how to read the answer. ``/problems`` lists them."""

import html
import inspect
import re
from dataclasses import dataclass
from functools import cache

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.errors import PROBLEM_TYPE_PREFIX, DomainError, NotFound
from app.problems import HTTP_PROBLEMS

router = APIRouter(include_in_schema=False)

# A code as the service writes them (``duplicate_order``); ``duplicate-order`` too.
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# Codes set where they are raised (``HttpError``), with their titles.
_RAISED_AS_HTTP: dict[str, tuple[int, str, str]] = {
    "idempotency_key_invalid": (400, "The Idempotency-Key header is not valid", "幂等键无效"),
    "internal_error": (500, "Internal error", "内部错误"),
    "http_error": (400, "HTTP error", "HTTP 错误"),
}


@dataclass(frozen=True, slots=True)
class ProblemPage:
    code: str
    status: int | None
    title: str
    title_zh: str
    about: str | None  # what the error class says of itself


@cache
def catalogue() -> dict[str, ProblemPage]:
    """Every code with a page of its own, from the error classes loaded (the app loads
    them all as it starts)."""
    pages: dict[str, ProblemPage] = {}
    for kind in _subclasses(DomainError):
        code = kind.__dict__.get("code")
        if isinstance(code, str) and code not in pages:
            pages[code] = ProblemPage(
                code, kind.status, kind.title, kind.title_zh, _first_paragraph(kind)
            )
    for status, (code, title, title_zh) in HTTP_PROBLEMS.items():
        pages.setdefault(code, ProblemPage(code, status, title, title_zh, None))
    for code, (status, title, title_zh) in _RAISED_AS_HTTP.items():
        pages.setdefault(code, ProblemPage(code, status, title, title_zh, None))
    return dict(sorted(pages.items()))


def _subclasses(kind: type[DomainError]) -> list[type[DomainError]]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _first_paragraph(kind: type) -> str | None:
    """The class's own docstring's first paragraph (not one it inherits)."""
    doc = kind.__dict__.get("__doc__")
    if not doc:
        return None
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


@router.get("/problems", response_class=HTMLResponse)
async def problem_index() -> HTMLResponse:
    rows = "".join(
        f'<tr><td><a href="{PROBLEM_TYPE_PREFIX}{p.code}"><code>{p.code}</code></a></td>'
        f"<td>{p.status or ''}</td><td>{_e(p.title)}</td><td lang=zh>{_e(p.title_zh)}</td></tr>"
        for p in catalogue().values()
    )
    body = (
        "<h1>Problems <span lang=zh>错误类型</span></h1>"
        f"<p>{_READING}</p><p lang=zh>{_READING_ZH}</p>"
        "<table><thead><tr><th>code</th><th>status</th><th>English</th><th>中文</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )
    return _page("Problems 错误类型", body)


@router.get("/problems/{code}", response_class=HTMLResponse)
async def problem_page(code: str) -> HTMLResponse:
    if not _CODE.fullmatch(code):
        raise NotFound("No such problem type.", "没有这种错误类型。")
    code = code.replace("-", "_")
    known = catalogue().get(code)
    if known is None:
        body = (
            f"<h1><code>{_e(code)}</code></h1>"
            "<p>A problem found while reading the request; the answer's <code>detail</code> "
            "and <code>violations</code> say what and where.</p>"
            "<p lang=zh>处理请求时发现的问题；应答中的 <code>detailZh</code> 和 "
            "<code>violations</code> 说明问题及位置。</p>"
        )
        return _page(code, body + _reading_and_links())
    status = f"<p>HTTP {known.status}</p>" if known.status else ""
    about = f"<p>{_e(known.about)}</p>" if known.about else ""
    body = (
        f"<h1>{_e(known.title)}</h1><p lang=zh><strong>{_e(known.title_zh)}</strong></p>"
        f"<p><code>{known.code}</code></p>{status}{about}"
    )
    return _page(f"{known.title} {known.title_zh}", body + _reading_and_links())


_READING = (
    "Every error answers <code>application/problem+json</code> (RFC 9457): a stable "
    "<code>code</code>, a <code>title</code> and <code>detail</code> in English, "
    "<code>titleZh</code> and <code>detailZh</code> in Chinese, the request's "
    "<code>requestId</code>, and for a request that breaks rules, <code>violations</code>: "
    "each problem with its code, the JSON pointer to the field and its message in both "
    "languages."
)
_READING_ZH = (
    "所有错误均以 <code>application/problem+json</code>（RFC 9457）应答：固定的 "
    "<code>code</code>，英文的 <code>title</code> 和 <code>detail</code>，中文的 "
    "<code>titleZh</code> 和 <code>detailZh</code>，请求编号 <code>requestId</code>；"
    "违反规则的请求另有 <code>violations</code>，逐项列出问题代码、字段的 JSON 指针及中英文说明。"
)


def _reading_and_links() -> str:
    return (
        f"<h2>Reading a problem <span lang=zh>如何阅读错误应答</span></h2>"
        f"<p>{_READING}</p><p lang=zh>{_READING_ZH}</p>"
        '<p><a href="/problems">Every problem 全部错误类型</a> · '
        '<a href="/docs">API documentation 接口文档</a></p>'
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · Single Window</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


_STYLE = (
    "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:0;"
    "color:#1f2328;background:#fff}main{max-width:52rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.55}code{background:#f3f4f6;padding:0 .25em;border-radius:3px}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .5em;"
    "border-bottom:1px solid #e5e7eb;vertical-align:top}a{color:#0b5cad}"
)
