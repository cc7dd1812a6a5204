"""Declaring: ``POST /v1/declarations``, ``/batch`` and ``/validate``, the intake
pipeline's HTTP side.

These are the routes a platform calls thousands of times a second at peak, so they are
plain ASGI routes (``IntakeRoute``): the same access rule, problem documents and
middleware as every route, without FastAPI's per-request dependency solving and response
validation, which cost more than deciding the declaration. Each route's handler is one
function taking the request; the OpenAPI document describes it from the same function
(``documentation``)."""

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.auth import ADMIN, ENTERPRISE, EVERYONE, Access, Principal, Rule, allow, rule_of
from app.domain.clearance import CEB_STATUS, ClearanceStatus
from app.domain.decision import Candidate, Decision, KeyUse, KeyVerdict, Outcome, not_a_party
from app.domain.violations import RuleViolation
from app.errors import (
    DeclarationRefused,
    DomainError,
    DuplicateOrder,
    HttpError,
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    InvalidRequest,
    NotAParty,
)
from app.idempotent import HEADER, replayed, run_idempotent, stored_answer
from app.intake.pipeline import IntakePipeline, ItemResult, Submission, new_id
from app.problems import problem_response
from app.routers.deps import AUTH_PROBLEMS, PROBLEM, json_body, read_body
from app.schemas.declaration import DeclarationSet
from app.schemas.parsing import parse_batch, parse_body
from app.schemas.responses import (
    BatchItemAnswer,
    DeclarationAccepted,
    DeclarationBatchAnswer,
    ValidationResult,
    Violation,
)
from app.store.idempotency import StoredAnswer

PREFIX = "/v1/declarations"
DECLARATION_BODY = json_body("DeclarationSet")
MAX_KEY_LENGTH = 255

Handler = Callable[[Request], Awaitable[Response]]


def declaration_location(declaration_id: str) -> str:
    return f"{PREFIX}/{declaration_id}"


def to_violations(found: Sequence[RuleViolation]) -> list[Violation]:
    return [
        Violation(
            code=v.code,
            pointer=v.pointer,
            parameter=v.parameter,
            message=v.message,
            messageZh=v.messageZh,
        )
        for v in found
    ]


def _pipeline(request: Request) -> IntakePipeline:
    pipeline: IntakePipeline = request.app.state.intake
    return pipeline


# -- POST /v1/declarations ----------------------------------------------------------------


async def declare(request: Request) -> Response:
    principal: Principal = request.state.principal
    body = await read_body(request)
    key = _key_use(request, principal, body)
    try:
        ds = parse_body(DeclarationSet, body)
    except InvalidRequest as invalid:
        candidate = Candidate.unreadable(invalid.violations, key)
    else:
        stranger = not_a_party(principal.only_own(), ds)
        candidate = (
            Candidate.unreadable([stranger], key, Outcome.NOT_A_PARTY)
            if stranger is not None
            else Candidate.of(ds, new_id(), key)
        )
    own = principal.only_own()
    if key is None and candidate.documents is None:
        return _answer(candidate, ItemResult(_unread(candidate)), own)
    render = None if key is None else _render_kept(candidate, own)
    result = await _pipeline(request).declare(Submission(candidate, principal.actor, render))
    return _answer(candidate, result, own)


def _unread(candidate: Candidate) -> Decision:
    return Decision(candidate.unread, candidate.found)


def _render_kept(candidate: Candidate, own: str | None) -> Callable[[ItemResult], StoredAnswer]:
    def render(result: ItemResult) -> StoredAnswer:
        return stored_answer(_answer(candidate, result, own))

    return render


def _answer(candidate: Candidate, result: ItemResult, own: str | None) -> Response:
    """A single declaration's answer to the caller (``own``: its customs code, None for
    those who read every declaration)."""
    outcome = result.outcome
    if outcome is Outcome.ACCEPTED:
        declaration = result.declaration
        assert declaration is not None
        return _accepted(declaration.id, declaration.created_at)
    if outcome is Outcome.KEYED:
        return _keyed(result)
    return problem_response(_problem(candidate, result, own))


def _accepted(declaration_id: str, created_at: Any, replay: bool = False) -> Response:
    accepted = DeclarationAccepted.model_construct(
        id=declaration_id,
        status=ClearanceStatus.ACCEPTED,
        cebStatus=CEB_STATUS[ClearanceStatus.ACCEPTED],
        createdAt=created_at,
    )
    headers = {"Location": declaration_location(declaration_id)}
    if replay:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        accepted.model_dump_json().encode(),
        status_code=202,
        media_type="application/json",
        headers=headers,
    )


def _keyed(result: ItemResult) -> Response:
    verdict = result.decision.key_verdict
    if verdict is KeyVerdict.REPLAY:
        if result.replay is not None:
            return replayed(result.replay)
        assert result.decision.existing_id is not None
        return _accepted(result.decision.existing_id, result.replay_created_at, replay=True)
    if verdict is KeyVerdict.REUSED:
        return problem_response(
            IdempotencyKeyReused(
                "This Idempotency-Key was first used with a different request; "
                "use a new key for a new request.",
                "该幂等键已用于内容不同的请求；新请求请使用新的幂等键。",
            )
        )
    return problem_response(
        IdempotencyKeyInFlight(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            "使用该幂等键的请求仍在处理中，请稍后重试。",
        )
    )


def _problem(candidate: Candidate, result: ItemResult, own: str | None) -> DomainError:
    outcome, violations = result.outcome, list(result.violations)
    if outcome is Outcome.INVALID:
        return InvalidRequest(violations)
    if outcome is Outcome.NOT_A_PARTY:
        return NotAParty(violations[0].message, violations[0].messageZh)
    if outcome is Outcome.DUPLICATE and candidate.documents is not None:
        order = candidate.documents.order
        existing = result.existing_for(own)
        if existing is None:  # another enterprise's declaration: not even its id
            return DuplicateOrder(
                f"Order {order.orderNo!r} of platform {order.ebpCode} has already been declared.",
                f"电商平台 {order.ebpCode} 的订单 {order.orderNo!r} 已申报。",
            )
        return DuplicateOrder(
            f"Order {order.orderNo!r} of platform {order.ebpCode} was declared as "
            f"{existing}; changing a declaration is not supported yet.",
            f"电商平台 {order.ebpCode} 的订单 {order.orderNo!r} 已申报为 {existing}。",
            location=declaration_location(existing),
        )
    return DeclarationRefused(violations)


def _key_use(request: Request, principal: Principal, body: bytes) -> KeyUse | None:
    """The request's Idempotency-Key (400 ``idempotency_key_invalid`` when it is not
    valid)."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise HttpError(
            400,
            "idempotency_key_invalid",
            "The Idempotency-Key header is not valid",
            "幂等键无效",
            "Use 1 to 255 printable characters, e.g. a UUID.",
        )
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(body)
    return KeyUse(principal.scope, key, digest.hexdigest())


# -- POST /v1/declarations/validate -------------------------------------------------------


async def validate(request: Request) -> Response:
    principal: Principal = request.state.principal
    body = await read_body(request)
    try:
        ds = parse_body(DeclarationSet, body)
    except InvalidRequest as invalid:
        return _validation(invalid.violations)
    stranger = not_a_party(principal.only_own(), ds)
    if stranger is not None:
        # Checked first: the other checks would tell whether someone else's order exists.
        return _validation([stranger])
    return _validation(await _pipeline(request).validate(Candidate.of(ds, new_id())))


def _validation(found: Sequence[RuleViolation]) -> Response:
    answer = ValidationResult(valid=not found, violations=to_violations(list(found)))
    # A violation's optional members (parameter, line, element) are left out when they do
    # not apply, as in problem documents, rather than sent as null.
    body = answer.model_dump_json(exclude_defaults=True)
    return Response(body.encode(), media_type="application/json")


# -- POST /v1/declarations/batch ----------------------------------------------------------


async def declare_batch(request: Request) -> Response:
    principal: Principal = request.state.principal
    body = await read_body(request)

    async def handle() -> Response:
        candidates = []
        for item in parse_batch(DeclarationSet, body):
            if not isinstance(item, DeclarationSet):
                candidates.append(Candidate.unreadable(item))
            elif (stranger := not_a_party(principal.only_own(), item)) is not None:
                # Items the caller may not post are refused on their own; the rest go on.
                candidates.append(Candidate.unreadable([stranger], outcome=Outcome.NOT_A_PARTY))
            else:
                candidates.append(Candidate.of(item, new_id()))
        results = await _pipeline(request).declare_batch(
            [Submission(c, principal.actor) for c in candidates]
        )
        own = principal.only_own()
        answers = [_batch_answer(index, r, own) for index, r in enumerate(results)]
        accepted = sum(1 for a in answers if a.outcome == Outcome.ACCEPTED.value)
        answer = DeclarationBatchAnswer(
            accepted=accepted, refused=len(answers) - accepted, results=answers
        )
        return JSONResponse(answer.model_dump(mode="json", exclude_none=True))

    return await run_idempotent(request, body, handle)


def _batch_answer(index: int, result: ItemResult, own: str | None) -> BatchItemAnswer:
    declaration = result.declaration
    if declaration is not None:
        return BatchItemAnswer(
            index=index,
            outcome=result.outcome.value,
            id=declaration.id,
            status=ClearanceStatus.ACCEPTED,
            cebStatus=declaration.ceb_status,
            location=declaration_location(declaration.id),
        )
    existing = result.existing_for(own)
    return BatchItemAnswer(
        index=index,
        outcome=result.outcome.value,
        location=declaration_location(existing) if existing else None,
        violations=to_violations(list(result.violations)),
    )


# -- the routes ---------------------------------------------------------------------------


class IntakeRoute(Route):
    """A plain ASGI route: its access rule, then its handler; a ``DomainError`` becomes
    its problem document."""

    def __init__(self, path: str, handler: Handler, rule: Rule) -> None:
        super().__init__(path, endpoint=handler, methods=["POST"], include_in_schema=False)
        self.rule = rule
        self.handler = handler
        self.access = Access(rule)
        self.app = self._serve

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            await self.access(request)
            response = await self.handler(request)
        except DomainError as error:
            response = problem_response(error)
        await response(scope, receive, send)


_DECLARE = allow(ENTERPRISE, ADMIN)
_VALIDATE = allow(*EVERYONE)


def _rule(dependency: Any) -> Rule:
    rule = rule_of([dependency])
    assert rule is not None
    return rule


routes = [
    # /validate and /batch before the path they extend.
    IntakeRoute(f"{PREFIX}/validate", validate, _rule(_VALIDATE)),
    IntakeRoute(f"{PREFIX}/batch", declare_batch, _rule(_DECLARE)),
    IntakeRoute(PREFIX, declare, _rule(_DECLARE)),
]


def documentation() -> list[APIRoute]:
    """The routes as the OpenAPI document describes them: the same handlers, described
    the FastAPI way (they are not mounted so)."""
    return [
        APIRoute(
            PREFIX,
            declare,
            methods=["POST"],
            status_code=202,
            response_model=DeclarationAccepted,
            summary="Declare one order: order, payment and waybill together",
            description=(
                "Checks the schema and every business rule in one pass. Accepted: `202` "
                "with the declaration's id and a `Location`. Refused: `422` listing every "
                "violation. An order already declared: `409 duplicate_order`, pointing at "
                "the declaration that has it only when the caller is one of its parties. "
                "More declarations waiting than the service takes on: `503 "
                "overloaded` with `Retry-After`, nothing stored."
            ),
            openapi_extra=DECLARATION_BODY,
            dependencies=[_DECLARE],
            responses={**AUTH_PROBLEMS, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM, 503: PROBLEM},
            tags=["declarations"],
        ),
        APIRoute(
            f"{PREFIX}/validate",
            validate,
            methods=["POST"],
            response_model=ValidationResult,
            summary="Run every check of a declaration without storing it",
            description=(
                "Always `200` for a JSON body within the size limit: `valid` says the outcome. "
                "An enterprise checks only declarations it may post (`not_a_party` "
                "otherwise)."
            ),
            openapi_extra=DECLARATION_BODY,
            dependencies=[_VALIDATE],
            responses={**AUTH_PROBLEMS, 413: PROBLEM},
            tags=["declarations"],
        ),
        APIRoute(
            f"{PREFIX}/batch",
            declare_batch,
            methods=["POST"],
            response_model=DeclarationBatchAnswer,
            summary="Declare up to 100 orders in one call",
            description=(
                "Each declaration is checked and accepted or refused on its own; the answer "
                "lists one result per declaration, in order, and one bad declaration never "
                "sinks the others. Pointers point into the whole body "
                "(`/declarations/3/order/orderNo`). Takes an `Idempotency-Key` like single "
                "declarations."
            ),
            openapi_extra=json_body("DeclarationBatchRequest"),
            dependencies=[_DECLARE],
            responses={**AUTH_PROBLEMS, 413: PROBLEM, 422: PROBLEM},
            tags=["declarations"],
        ),
    ]
