"""Every error answers ``application/problem+json`` (RFC 9457) with a stable code."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.errors import DatabaseUnavailable, DomainError, HttpError, InvalidRequest, NotFound
from app.request_context import current_request_id
from app.schemas.parsing import violation_from_error

log = logging.getLogger("app.errors")

PROBLEM_JSON = "application/problem+json"
# How long a caller is asked to wait before retrying when the database is unreachable.
DATABASE_RETRY_AFTER_SECONDS = 5


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem_response(error: DomainError) -> ProblemResponse:
    body = error.problem() | {"requestId": current_request_id()}
    return ProblemResponse(body, status_code=error.status, headers=error.headers or None)


# Errors of the HTTP layer itself, by status: their code and titles (their pages too:
# app.routers.problems).
HTTP_PROBLEMS: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "Not found", "未找到"),
    405: ("method_not_allowed", "Method not allowed", "不支持该请求方法"),
    406: ("not_acceptable", "Not acceptable", "无法提供所要求的格式"),
    415: ("unsupported_media_type", "Unsupported media type", "不支持的媒体类型"),
}


# The methods a path may answer, in the order Allow lists them.
_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method the path answers. Starlette's 405 names only the first route that
    matched the path, but each method of a path may be a route of its own here, in the
    app's routes or in a router included into them (which FastAPI keeps as one route that
    holds its own): each method is asked of the app's routes as routing would ask it."""

    def answered(method: str) -> bool:
        probe = {
            "type": "http",
            "method": method,
            "path": request.scope["path"],
            "root_path": request.scope.get("root_path", ""),
            "path_params": {},
        }
        return any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes)

    return [method for method in _METHODS if answered(method)]


def database_unavailable(exc: Exception) -> bool:
    """Whether a database error means the database cannot be reached or cannot take the
    work now (refused or lost connections, a server shutting down, no connection free in
    the pool, SQLite's file locked past the busy timeout or not openable): a condition
    that passes, for the caller to retry. Other database errors are the service's bugs."""
    if isinstance(exc, OperationalError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> ProblemResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> ProblemResponse:
        violations = [violation_from_error(e) for e in exc.errors()]
        return problem_response(InvalidRequest(violations))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> ProblemResponse:
        if exc.status_code == 404:
            error: DomainError = NotFound("No such resource.", "资源不存在。")
        else:
            code, title, title_zh = HTTP_PROBLEMS.get(
                exc.status_code, ("http_error", "HTTP error", "HTTP 错误")
            )
            error = HttpError(exc.status_code, code, title, title_zh, str(exc.detail))
        error.status = exc.status_code
        response = problem_response(error)
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _database(_: Request, exc: Exception) -> ProblemResponse:
        if not database_unavailable(exc):
            raise exc  # a bug: answered by the handler of unexpected errors, below
        # One line, no traceback: an outage would write one per request. The driver's own
        # message names the cause (the statement's values are never in it).
        cause = getattr(exc, "orig", None) or exc
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        log.error("the database is unavailable: %s: %s", type(cause).__name__, first_line)
        return problem_response(DatabaseUnavailable(DATABASE_RETRY_AFTER_SECONDS))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> ProblemResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem_response(
            HttpError(
                500,
                "internal_error",
                "Internal error",
                "内部错误",
                "The service failed; the request id identifies it in the logs.",
            )
        )
