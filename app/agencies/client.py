"""One adapter per agency over HTTP, behind one Protocol.

Failures are split the way retries need them: ``RetryableError`` (5xx, 429, timeouts,
connection errors) may succeed later; ``RefusedError`` (any other 4xx, or an answer that
is not what the wire format promises) will not, as the message stands.

A receipt the single window fetches is signed by the agency like the receipts it calls
back with (``app.agencies.signing``): the answer changes a declaration's clearance, so
it counts only when it comes from the agency asked, about the declaration asked."""

from typing import Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from app.agencies import signing
from app.agencies.wire import (
    ActionBatch,
    ActionBatchResult,
    DeclarationBatchResult,
    FilingBatch,
    FilingBatchResult,
    Receipt,
)
from app.observability.metrics import timed_agency_call

Answer = TypeVar("Answer", bound=BaseModel)


class DeliveryError(Exception):
    pass


class RetryableError(DeliveryError):
    pass


class RefusedError(DeliveryError):
    pass


class UntrustedAnswer(RefusedError):
    """An answer not signed with the agency's secret, or about another agency's result
    or another declaration than the one asked: it is not applied."""


class AgencyAdapter(Protocol):
    name: str

    async def register_filings(self, batch: FilingBatch, key: str) -> FilingBatchResult: ...

    async def submit_declarations(self, batch: bytes, key: str) -> DeclarationBatchResult:
        """``batch``: a ``DeclarationBatch`` as JSON (``wire.declaration_batch_json``)."""

    async def fetch_receipt(self, declaration_id: str) -> Receipt | None: ...

    async def post_actions(self, batch: ActionBatch, key: str) -> ActionBatchResult:
        """The agency's signed answers to the actions, one per action."""


def timeouts(connect: float, read: float) -> httpx.Timeout:
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def classify(exc: Exception) -> DeliveryError:
    """A failed call as a delivery error, said in words: the error is shown to webhook
    endpoints' owners and operators, who do not know the HTTP library's class names."""
    if isinstance(exc, DeliveryError):
        return exc
    cause = f": {exc}" if str(exc) else ""
    for kind, said in _TRANSPORT_FAILURES:
        if isinstance(exc, kind):
            return RetryableError(f"{said}{cause}")
    return RetryableError(f"the call failed unexpectedly{cause}")


# The most precise first.
_TRANSPORT_FAILURES: tuple[tuple[type[Exception], str], ...] = (
    (httpx.ConnectTimeout, "the connection timed out"),
    (httpx.TimeoutException, "no answer in time"),
    (httpx.ConnectError, "could not connect"),
    (httpx.RemoteProtocolError, "the answer did not follow HTTP"),
    (httpx.TransportError, "the connection failed"),
)


def check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    text = _reason(response)
    if status >= 500 or status == 429:
        raise RetryableError(f"HTTP {status}: {text}")
    raise RefusedError(f"HTTP {status}: {text}")


def _reason(response: httpx.Response) -> str:
    """What an error answer says, without what it quotes: an agency refusing a message may
    echo it back (a validation error's ``input``), buyers' ID numbers, telephones and
    addresses with it, and the reason is logged and kept with a dead letter."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if not isinstance(body, dict):
        return ""
    detail = body.get("detail")
    if isinstance(detail, list):  # validation errors: where and why, never the value
        detail = "; ".join(
            f"{'/'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg')}"
            for error in detail
            if isinstance(error, dict)
        )
    parts = (body.get("code"), body.get("title"), detail)
    return " ".join(str(part) for part in parts if isinstance(part, str) and part)[:500]


class HttpAgency:
    """An agency service speaking ``app.agencies.wire`` at ``client.base_url``;
    ``secret``: what the agency signs its receipts with (``Settings.agency_secret``)."""

    def __init__(self, name: str, client: httpx.AsyncClient, secret: str) -> None:
        self.name = name
        self.client = client
        self.secret = secret

    async def _post(self, path: str, content: bytes, key: str, answer: type[Answer]) -> Answer:
        try:
            response = await self.client.post(
                path,
                content=content,
                headers={"Idempotency-Key": key, "Content-Type": "application/json"},
            )
        except Exception as exc:
            raise classify(exc) from exc
        check_status(response)
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise RefusedError(f"the agency's answer is not valid: {exc}") from exc

    @timed_agency_call("filings")
    async def register_filings(self, batch: FilingBatch, key: str) -> FilingBatchResult:
        content = batch.model_dump_json().encode()
        return await self._post("/filings", content, key, FilingBatchResult)

    @timed_agency_call("declarations")
    async def submit_declarations(self, batch: bytes, key: str) -> DeclarationBatchResult:
        return await self._post("/declarations", batch, key, DeclarationBatchResult)

    @timed_agency_call("actions")
    async def post_actions(self, batch: ActionBatch, key: str) -> ActionBatchResult:
        """Withdrawals, cancellations and returns. The answers change what a buyer may
        still spend and what tax is refunded: they count only when the agency signed them,
        and only those about the actions asked."""
        try:
            response = await self.client.post(
                "/actions",
                content=batch.model_dump_json().encode(),
                headers={"Idempotency-Key": key, "Content-Type": "application/json"},
            )
        except Exception as exc:
            raise classify(exc) from exc
        check_status(response)
        try:
            signing.verify(self.secret, dict(response.headers), response.content)
        except signing.SignatureError as error:
            raise UntrustedAnswer(
                f"{self.name}'s answer to actions is not signed with its secret: {error}"
            ) from None
        try:
            answer = ActionBatchResult.model_validate_json(response.content)
        except ValidationError as exc:
            raise RefusedError(f"the agency's answer is not valid: {exc}") from exc
        asked = {(a.actionId, a.declarationId) for a in batch.actions}
        stray = [
            a
            for a in answer.answers
            if a.agency != self.name or (a.actionId, a.declarationId) not in asked
        ]
        if stray:
            raise UntrustedAnswer(
                f"{self.name} answered about actions it was not asked: "
                + ", ".join(f"{a.agency.value} {a.actionId}" for a in stray[:5])
            )
        return answer

    @timed_agency_call("receipt")
    async def fetch_receipt(self, declaration_id: str) -> Receipt | None:
        try:
            response = await self.client.get(f"/declarations/{declaration_id}")
        except Exception as exc:
            raise classify(exc) from exc
        if response.status_code == 404:
            return None
        check_status(response)
        try:
            signing.verify(self.secret, dict(response.headers), response.content)
        except signing.SignatureError as error:
            raise UntrustedAnswer(
                f"{self.name}'s answer on {declaration_id} is not signed with its secret: {error}"
            ) from None
        try:
            receipt = Receipt.model_validate_json(response.content)
        except ValidationError as exc:
            raise RefusedError(f"the agency's answer is not valid: {exc}") from exc
        if receipt.agency != self.name or receipt.declarationId != declaration_id:
            raise UntrustedAnswer(
                f"{self.name} was asked about {declaration_id} and answered for "
                f"{receipt.agency.value} about {receipt.declarationId}"
            )
        return receipt
