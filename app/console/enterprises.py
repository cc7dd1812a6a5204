"""Filings: the list regulators look through, one filing with its registrations, and the
regulators' actions on it (grade, suspend, reinstate), taken through the same store
functions and rules as the API's, with the same audit entries. An enterprise sees its
own filing only."""

import re
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.console.access import (
    CHANGING_STATUS,
    GRADING,
    Refused,
    RegulatorDep,
    Viewer,
    ViewerDep,
    checked_form,
)
from app.console.i18n import Translator, choose
from app.console.queries import choice, text
from app.console.rendering import render
from app.console.routing import page_router
from app.errors import DomainError, EnterpriseNotFound, InvalidCursor
from app.schemas.enterprise import CreditGrade, FilingStatus, Role
from app.schemas.regulator import CreditGradeChange, FilingStatusChange
from app.store import enterprises, regulator
from app.store.models import Enterprise

router = page_router()

PAGE_SIZE = 50
_CUSTOMS_CODE = re.compile(r"[0-9A-Za-z]{1,20}")
# The status changes the console offers: from each status, the one it may go to.
# Revocation, which is final, is left to the API.
STATUS_ACTIONS: dict[str, tuple[str, str]] = {
    FilingStatus.ACTIVE: (FilingStatus.SUSPENDED, "enterprise.suspend"),
    FilingStatus.SUSPENDED: (FilingStatus.ACTIVE, "enterprise.reinstate"),
}
_FIELD_PROBLEMS = {
    "creditGrade": "enterprise.grade_missing",
    "status": "enterprise.status_missing",
    "reason": "enterprise.reason_missing",
}
_DONE = {"graded", FilingStatus.SUSPENDED.value, FilingStatus.ACTIVE.value}


@router.get("/enterprises")
async def listing(request: Request, viewer: RegulatorDep) -> Response:
    code = text(request, "code", 20)
    if code is not None and _CUSTOMS_CODE.fullmatch(code):
        return RedirectResponse(f"/console/enterprises/{code.upper()}", status_code=303)
    where = regulator.EnterpriseFilter(
        role=choice(request, "role", Role),
        status=choice(request, "status", FilingStatus),
        credit_grade=choice(request, "creditGrade", CreditGrade),
    )
    cursor = text(request, "cursor", 512)
    engine: Engine = request.app.state.engine
    notice = None
    try:
        found, next_cursor = await run_in_threadpool(
            regulator.list_enterprises, engine, where, cursor, PAGE_SIZE
        )
    except InvalidCursor:
        notice = "error.bad_cursor"
        found, next_cursor = await run_in_threadpool(
            regulator.list_enterprises, engine, where, None, PAGE_SIZE
        )
    numbers = await run_in_threadpool(
        enterprises.registrations, engine, [e.id for e in found if e.id is not None]
    )
    asked = {name: request.query_params.get(name, "") for name in ("role", "status", "creditGrade")}
    kept = [(name, value) for name, value in asked.items() if value]
    return render(
        request,
        "enterprises.html",
        viewer=viewer,
        asked=asked,
        roles=list(Role),
        statuses=list(FilingStatus),
        grades=list(CreditGrade),
        found=[(e, numbers.get(e.id or 0, {})) for e in found],
        notice=notice,
        next_page=(
            "/console/enterprises?" + urlencode([*kept, ("cursor", next_cursor)])
            if next_cursor
            else None
        ),
    )


def _visible_code(viewer: Viewer, customs_code: str) -> str:
    """The customs code asked for, if this user may see that filing: an enterprise sees
    its own only, and another's is not found, as in the API."""
    code = customs_code.upper()
    if not _CUSTOMS_CODE.fullmatch(code):
        raise Refused(404, "error.not_found")
    if viewer.own is not None and viewer.own != code:
        raise EnterpriseNotFound(
            f"No enterprise is filed with customs code {customs_code!r}.",
            f"海关编码 {customs_code!r} 没有备案记录。",
        )
    return code


@router.get("/enterprises/{customs_code}")
async def filing(request: Request, customs_code: str, viewer: ViewerDep) -> Response:
    code = _visible_code(viewer, customs_code)
    done = request.query_params.get("done")
    return await _filing_page(
        request, viewer, code, done=done if done in _DONE else None, problem=None, status=200
    )


async def _filing_page(
    request: Request,
    viewer: Viewer,
    code: str,
    *,
    done: str | None,
    problem: str | None,
    status: int,
) -> Response:
    engine: Engine = request.app.state.engine
    enterprise: Enterprise = await run_in_threadpool(enterprises.get_enterprise, engine, code)
    numbers = await run_in_threadpool(
        enterprises.registrations, engine, [enterprise.id] if enterprise.id else []
    )
    return render(
        request,
        "enterprise.html",
        viewer=viewer,
        status=status,
        e=enterprise,
        registrations=numbers.get(enterprise.id or 0, {}),
        grades=list(CreditGrade),
        may_grade=viewer.may(GRADING),
        may_change_status=viewer.may(CHANGING_STATUS),
        status_action=STATUS_ACTIONS.get(enterprise.status),
        done=done,
        problem=problem,
    )


@router.post("/enterprises/{customs_code}/credit-grade")
async def grade(request: Request, customs_code: str, viewer: ViewerDep) -> Response:
    form = await checked_form(request, viewer.session)
    code = _visible_code(viewer, customs_code)
    if not viewer.may(GRADING):
        raise Refused(403, "error.action_forbidden")
    try:
        change = CreditGradeChange.model_validate(
            {"creditGrade": form.get("creditGrade"), "reason": form.get("reason", "")}
        )
    except ValidationError as invalid:
        return await _invalid(request, viewer, code, invalid)
    engine: Engine = request.app.state.engine
    try:
        await run_in_threadpool(
            enterprises.grade,
            engine,
            code,
            change.creditGrade,
            change.reason,
            viewer.principal.actor,
        )
    except DomainError as error:
        return await _not_done(request, viewer, code, error)
    return _done(request, code, "graded")


@router.post("/enterprises/{customs_code}/status")
async def change_status(request: Request, customs_code: str, viewer: ViewerDep) -> Response:
    form = await checked_form(request, viewer.session)
    code = _visible_code(viewer, customs_code)
    if not viewer.may(CHANGING_STATUS):
        raise Refused(403, "error.action_forbidden")
    try:
        change = FilingStatusChange.model_validate(
            {"status": form.get("status"), "reason": form.get("reason", "")}
        )
    except ValidationError as invalid:
        return await _invalid(request, viewer, code, invalid)
    if change.status not in (FilingStatus.SUSPENDED, FilingStatus.ACTIVE):
        raise Refused(403, "error.action_forbidden")
    engine: Engine = request.app.state.engine
    try:
        await run_in_threadpool(
            enterprises.change_status,
            engine,
            code,
            FilingStatus(change.status),
            change.reason,
            viewer.principal.actor,
        )
    except DomainError as error:
        return await _not_done(request, viewer, code, error)
    return _done(request, code, change.status)


def _done(request: Request, code: str, what: str) -> Response:
    """After a change: this process stops taking the enterprise's keys at once (the others
    within their key cache's time), and the page is shown afresh (POST, then GET)."""
    request.app.state.authenticator.forget_enterprise(code)
    return RedirectResponse(f"/console/enterprises/{code}?done={what}", status_code=303)


async def _invalid(
    request: Request, viewer: Viewer, code: str, invalid: ValidationError
) -> Response:
    fields = [str(error["loc"][0]) for error in invalid.errors() if error["loc"]]
    key = _FIELD_PROBLEMS.get(fields[0] if fields else "", "enterprise.reason_missing")
    return await _filing_page(
        request, viewer, code, done=None, problem=Translator(choose(request))(key), status=422
    )


async def _not_done(request: Request, viewer: Viewer, code: str, error: DomainError) -> Response:
    if isinstance(error, EnterpriseNotFound):
        raise error
    message = Translator(choose(request)).either(error.detail, error.detail_zh)
    return await _filing_page(
        request, viewer, code, done=None, problem=message, status=error.status
    )
