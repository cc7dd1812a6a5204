from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.agencies import signing
from app.agencies.wire import ReceiptBatch
from app.auth import agency_signed
from app.domain.clearance import Agency
from app.errors import InvalidSignature, ReceiptAgencyMismatch
from app.routers.deps import PROBLEM, SettingsDep, SignedBody, check_json, json_body
from app.schemas.parsing import parse_body
from app.store.group_commit import ReceiptCommitter

router = APIRouter(prefix="/v1/receipts", tags=["agencies"])


class ReceiptsApplied(BaseModel):
    applied: int
    ignored: int
    unknown: list[str]


@router.post(
    "/{agency}",
    response_model=ReceiptsApplied,
    summary="An agency's signed receipts (回执): its decisions on declarations",
    description=(
        "Signed Standard Webhooks style: `webhook-id`, `webhook-timestamp` and "
        "`webhook-signature` (`v1,` + base64 HMAC-SHA256 over `id.timestamp.body` with the "
        "agency's secret). Receipts only move a status forward; duplicates and late "
        "receipts are counted as ignored."
    ),
    openapi_extra=json_body("ReceiptBatch"),
    dependencies=[agency_signed()],
    responses={401: PROBLEM, 413: PROBLEM, 415: PROBLEM, 422: PROBLEM, 429: PROBLEM},
)
async def receive(agency: Agency, request: Request, body: SignedBody, settings: SettingsDep) -> Any:
    try:
        signing.verify(settings.agency_secret(agency), dict(request.headers), body)
    except signing.SignatureError as error:
        raise InvalidSignature(f"Receipt refused: {error}.", "回执签名校验失败，已拒收。") from None
    check_json(request, body)
    batch = parse_body(ReceiptBatch, body)
    strangers = {r.agency.value for r in batch.receipts} - {agency.value}
    if strangers:
        raise ReceiptAgencyMismatch(
            f"Receipts posted to {agency.value} name {sorted(strangers)}.",
            f"提交给 {agency.value} 的回执属于其他机构。",
        )
    # Applied with the other agencies' callbacks that arrive meanwhile, in one transaction.
    committer: ReceiptCommitter = request.app.state.receipt_committer
    outcome = await committer.apply(batch.receipts)
    return ReceiptsApplied(
        applied=outcome.applied, ignored=outcome.ignored, unknown=sorted(set(outcome.unknown))
    )
