"""Enterprises' signing certificates (非否认: the CEB messages they sign are theirs), their
signature policy, and the window's own certificate, published for clients to verify
what it signs."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, Principal, PrincipalDep, allow
from app.ceb.certificates import CertificateError, read_certificate, window_identity
from app.errors import CertificateRefused, EnterpriseNotFound
from app.idempotent import run_idempotent
from app.routers.deps import AUTH_PROBLEMS, PROBLEM, EngineDep, RawBody, SettingsDep, json_body
from app.schemas.certificates import (
    CertificatePage,
    CertificatePublic,
    CertificateRegistration,
    SignaturePolicyChange,
    SignaturePolicyPublic,
)
from app.schemas.parsing import parse_body
from app.store import certificates
from app.store.models import EnterpriseCertificate

router = APIRouter(tags=["certificates"])

CustomsCodePath = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")]
CertificateId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PEM_FILE = "application/x-pem-file"


def own_filing(principal: Principal, customs_code: str) -> str:
    """The filing's code, once the caller may manage it: the enterprise itself, or an
    admin or regulator. Another enterprise's filing answers as if there were none."""
    code = customs_code.upper()
    own = principal.only_own()
    if own is not None and own != code:
        raise EnterpriseNotFound(
            f"No enterprise is filed with customs code {customs_code!r}.",
            f"海关编码 {customs_code!r} 没有备案记录。",
        )
    return code


def to_public(row: EnterpriseCertificate) -> CertificatePublic:
    assert row.id is not None
    return CertificatePublic(
        id=row.id,
        customsCode=row.customs_code,
        fingerprint=row.fingerprint,
        algorithm="sm2" if row.algorithm == "sm2" else "rsa",
        subject=row.subject,
        notBefore=row.not_before,
        notAfter=row.not_after,
        createdAt=row.created_at,
        revokedAt=row.revoked_at,
        certificate=row.pem,
    )


@router.post(
    "/v1/enterprises/{customsCode}/certificates",
    status_code=201,
    response_model=CertificatePublic,
    summary="Register a signing certificate (X.509, RSA or SM2, PEM)",
    description=(
        "The enterprise's CEB messages signed with this certificate are then verified "
        "against it. 422 with `certificate_unreadable`, `certificate_not_x509`, "
        "`certificate_expired` or `certificate_key_unsupported`; 409 if already registered."
    ),
    openapi_extra=json_body("CertificateRegistration"),
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def register_certificate(
    customsCode: CustomsCodePath,
    request: Request,
    body: RawBody,
    engine: EngineDep,
    principal: PrincipalDep,
) -> Response:
    code = own_filing(principal, customsCode)

    async def handle() -> Response:
        wanted = parse_body(CertificateRegistration, body)
        try:
            certificate = read_certificate(wanted.certificate)
        except CertificateError as error:
            raise CertificateRefused(error.code, error.message, error.message_zh) from None
        if certificate.not_after < datetime.now(UTC):
            raise CertificateRefused(
                "certificate_expired",
                f"The certificate expired on {certificate.not_after:%Y-%m-%d %H:%M} UTC.",
                f"证书已于 {certificate.not_after:%Y-%m-%d %H:%M}（UTC）过期。",
            )
        row = await run_in_threadpool(
            lambda: certificates.register(engine, code, certificate, actor=principal.actor)
        )
        return JSONResponse(
            to_public(row).model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/v1/enterprises/{code}/certificates/{row.id}"},
        )

    return await run_idempotent(request, body, handle)


@router.get(
    "/v1/enterprises/{customsCode}/certificates",
    response_model=CertificatePage,
    summary="List an enterprise's signing certificates, revoked ones included",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def list_certificates(
    customsCode: CustomsCodePath, engine: EngineDep, principal: PrincipalDep
) -> CertificatePage:
    """The certificates an enterprise registered to sign its CEB messages, revoked ones
    included, and whether its unsigned messages are still accepted. An enterprise reads
    only its own."""
    code = own_filing(principal, customsCode)
    rows = await run_in_threadpool(certificates.list_for, engine, code)
    accepted = await run_in_threadpool(certificates.unsigned_accepted, engine, code)
    return CertificatePage(items=[to_public(r) for r in rows], unsignedAccepted=accepted)


@router.delete(
    "/v1/enterprises/{customsCode}/certificates/{certificateId}",
    status_code=204,
    summary="Revoke a signing certificate: messages signed with it are refused from now on",
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def revoke_certificate(
    customsCode: CustomsCodePath,
    certificateId: CertificateId,
    engine: EngineDep,
    principal: PrincipalDep,
) -> Response:
    """From now on, CEB messages signed with this certificate are refused; messages
    accepted before stay accepted. An enterprise revokes only its own."""
    code = own_filing(principal, customsCode)
    await run_in_threadpool(
        lambda: certificates.revoke(engine, code, certificateId, actor=principal.actor)
    )
    return Response(status_code=204)


@router.put(
    "/v1/enterprises/{customsCode}/signature-policy",
    response_model=SignaturePolicyPublic,
    summary="Whether the enterprise's unsigned CEB messages are accepted (default: yes)",
    openapi_extra=json_body("SignaturePolicyChange"),
    dependencies=[allow(ADMIN, ENTERPRISE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def set_signature_policy(
    customsCode: CustomsCodePath, body: RawBody, engine: EngineDep, principal: PrincipalDep
) -> SignaturePolicyPublic:
    """Once an enterprise signs its messages, it can have the window refuse any of its
    CEB messages that come unsigned (`unsignedAccepted: false`), so that a stolen API key
    alone cannot declare in its name."""
    code = own_filing(principal, customsCode)
    wanted = parse_body(SignaturePolicyChange, body)
    policy = await run_in_threadpool(
        lambda: certificates.set_unsigned_accepted(
            engine, code, wanted.unsignedAccepted, actor=principal.actor
        )
    )
    return SignaturePolicyPublic(
        customsCode=code, unsignedAccepted=policy.unsigned_accepted, updatedAt=policy.updated_at
    )


@router.get(
    "/v1/ceb/certificate",
    summary="The window's certificate, which signs the CEB messages it sends (PEM)",
    response_class=Response,
    dependencies=[allow(*EVERYONE)],
    responses={200: {"content": {PEM_FILE: {"schema": {"type": "string"}}}}, **AUTH_PROBLEMS},
)
async def window_certificate(settings: SettingsDep) -> Response:
    """The X.509 certificate (PEM) whose key signs the CEB messages the window sends:
    receipts and pushes in CEB XML. Its SHA-256 fingerprint is in
    `X-Certificate-Fingerprint`."""
    identity = await run_in_threadpool(window_identity, settings)
    return Response(
        identity.certificate.pem,
        media_type=PEM_FILE,
        headers={"X-Certificate-Fingerprint": f"sha256:{identity.certificate.fingerprint}"},
    )
