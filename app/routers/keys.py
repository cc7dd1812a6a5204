from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, Authenticator, PrincipalDep, PrincipalKind, allow
from app.domain.violations import RuleViolation
from app.errors import Forbidden, InvalidRequest
from app.idempotent import run_idempotent
from app.routers.deps import AUTH_PROBLEMS, PROBLEM, EngineDep, RawBody, json_body
from app.schemas.keys import ApiKeyCreate, ApiKeyIssued, ApiKeyPage, ApiKeyPublic
from app.schemas.parsing import parse_body
from app.store import keys
from app.store.keys import KeyKind, RegulatorAgency
from app.store.models import ApiKey

router = APIRouter(prefix="/v1/keys", tags=["keys"])

KeyId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-f\-]+$")]


def to_public(key: ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=key.id,
        prefix=key.prefix,
        kind=KeyKind(key.kind),
        agency=RegulatorAgency(key.agency) if key.agency else None,
        customsCode=key.customs_code,
        label=key.label,
        createdBy=key.created_by,
        createdAt=key.created_at,
        revokedAt=key.revoked_at,
    )


def issued_response(issued: keys.IssuedKey) -> JSONResponse:
    answer = ApiKeyIssued(id=issued.key.id, prefix=issued.key.prefix, key=issued.plain)
    return JSONResponse(
        answer.model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/v1/keys/{issued.key.id}"},
    )


def _field_missing(pointer: str, message: str, message_zh: str) -> InvalidRequest:
    return InvalidRequest([RuleViolation("required", pointer, message, message_zh)])


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyIssued,
    summary="Issue an API key (shown once)",
    description=(
        "Admins issue any key. An enterprise issues keys for itself only "
        '(`{"kind": "enterprise"}`). The key is in this answer only; only its hash is kept.'
    ),
    openapi_extra=json_body("ApiKeyCreate"),
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def create_key(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(ApiKeyCreate, body)
        if principal.kind is PrincipalKind.ENTERPRISE:
            if wanted.kind is not KeyKind.ENTERPRISE or wanted.customsCode not in (
                None,
                principal.customs_code,
            ):
                raise Forbidden(
                    "An enterprise issues keys for itself only.", "企业只能为自身签发密钥。"
                )
            wanted.customsCode = principal.customs_code
        if wanted.kind is KeyKind.REGULATOR and wanted.agency is None:
            raise _field_missing(
                "/agency", "A regulator's key names its agency.", "监管机构密钥须指明所属机构。"
            )
        if wanted.kind is KeyKind.ENTERPRISE and wanted.customsCode is None:
            raise _field_missing(
                "/customsCode",
                "An enterprise's key names its customs code.",
                "企业密钥须指明海关编码。",
            )
        issued = await run_in_threadpool(
            lambda: keys.create(
                engine,
                wanted.kind,
                created_by=principal.actor,
                agency=wanted.agency if wanted.kind is KeyKind.REGULATOR else None,
                customs_code=wanted.customsCode if wanted.kind is KeyKind.ENTERPRISE else None,
                label=wanted.label,
            )
        )
        return issued_response(issued)

    # The new key is not kept for a replay (app.idempotent.SHOWN_ONCE).
    return await run_idempotent(request, body, handle)


@router.get(
    "",
    response_model=ApiKeyPage,
    summary="List API keys (an enterprise sees its own)",
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses=AUTH_PROBLEMS,
)
async def list_keys(engine: EngineDep, principal: PrincipalDep) -> ApiKeyPage:
    """API keys by their ids, kinds and owners, never the keys themselves (only their
    hashes are kept). An enterprise sees its own keys; an admin every key."""
    found = await run_in_threadpool(keys.list_keys, engine, principal.only_own())
    return ApiKeyPage(items=[to_public(k) for k in found])


@router.post(
    "/{keyId}/rotate",
    status_code=201,
    response_model=ApiKeyIssued,
    summary="Replace a key: a new one with the same powers; the old one is revoked",
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def rotate_key(
    keyId: KeyId, request: Request, engine: EngineDep, principal: PrincipalDep
) -> Response:
    """Issues a new key with the same kind and owner, shown once in the answer, and revokes
    the old one at once in this process (in the others within `SW_KEY_CACHE_SECONDS`).
    Retrying with the same `Idempotency-Key` does not rotate twice; the new key is not
    shown again."""

    async def handle() -> Response:
        old, issued = await run_in_threadpool(
            lambda: keys.rotate(
                engine, keyId, created_by=principal.actor, customs_code=principal.only_own()
            )
        )
        authenticator(request).forget(old.id)
        return issued_response(issued)

    return await run_idempotent(request, b"", handle)


@router.delete(
    "/{keyId}",
    status_code=204,
    summary="Revoke a key",
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def revoke_key(
    keyId: KeyId, request: Request, engine: EngineDep, principal: PrincipalDep
) -> Response:
    """The key stops working at once in this process and within `SW_KEY_CACHE_SECONDS`
    in the others. An enterprise revokes only its own keys."""
    await run_in_threadpool(
        lambda: keys.revoke(engine, keyId, principal.only_own(), actor=principal.actor)
    )
    authenticator(request).forget(keyId)
    return Response(status_code=204)


def authenticator(request: Request) -> Authenticator:
    found: Authenticator = request.app.state.authenticator
    return found
