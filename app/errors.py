"""One family of domain errors, each with a stable code, rendered as RFC 9457 problems."""

from collections.abc import Sequence
from typing import Any

from app.domain.violations import RuleViolation

# Where a problem's ``type`` points: a page of the service's own about the code
# (app.routers.problems), which resolves without internet.
PROBLEM_TYPE_PREFIX = "/problems/"


def problem_type(code: str) -> str:
    return f"{PROBLEM_TYPE_PREFIX}{code}"


class DomainError(Exception):
    """An error the caller can act on. ``code`` is stable; the texts are for people."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"
    title_zh: str = "请求错误"

    def __init__(self, detail: str, detail_zh: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_zh = detail_zh
        self.extra = extra
        self.headers: dict[str, str] = {}

    def problem(self) -> dict[str, Any]:
        standard = {
            "type": problem_type(self.code),
            "title": self.title,
            "titleZh": self.title_zh,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
            "detailZh": self.detail_zh,
        }
        # Extensions never replace the standard members (RFC 9457 §3.2).
        return standard | {k: v for k, v in self.extra.items() if k not in standard}


class InvalidRequest(DomainError):
    status = 422
    code = "invalid_request"
    title = "The request does not follow the schema"
    title_zh = "请求不符合报文规范"

    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__(
            f"{len(violations)} field(s) do not follow the schema.",
            f"{len(violations)} 个字段不符合报文规范。",
            violations=[_violation_body(v) for v in violations],
        )
        self.violations = list(violations)


class DeclarationRefused(DomainError):
    status = 422
    code = "declaration_refused"
    title = "The declaration breaks business rules"
    title_zh = "申报未通过业务规则校验"

    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__(
            f"The declaration breaks {len(violations)} rule(s) and was not accepted.",
            f"申报违反 {len(violations)} 条规则，未予受理。",
            violations=[_violation_body(v) for v in violations],
        )
        self.violations = list(violations)


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"
    title_zh = "未找到"


class DeclarationNotFound(NotFound):
    code = "declaration_not_found"
    title = "No such declaration"
    title_zh = "申报单不存在"


class EnterpriseNotFound(NotFound):
    code = "enterprise_not_found"
    title = "No such enterprise filing"
    title_zh = "企业备案不存在"


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    title = "No such webhook endpoint"
    title_zh = "推送地址不存在"


class WebhookUrlForbidden(DomainError):
    """Pushes may not go to the URL given (app.domain.webhook_targets)."""

    status = 422
    code = "webhook_url_forbidden"
    title = "Pushes may not go to this URL"
    title_zh = "推送地址不被允许"

    def __init__(self, reason: str, reason_zh: str) -> None:
        super().__init__(
            f"url: {reason}.",
            f"url：{reason_zh}。",
            violations=[
                _violation_body(RuleViolation(self.code, "/url", reason, reason_zh)),
            ],
        )


class WebhookLimitReached(DomainError):
    """An owner has as many webhook endpoints as SW_WEBHOOK_MAX_ENDPOINTS allows."""

    status = 409
    code = "webhook_limit_reached"
    title = "Too many webhook endpoints"
    title_zh = "推送地址数量已达上限"


class WebhookDeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"
    title = "No such delivery"
    title_zh = "推送记录不存在"


class InvalidSignature(DomainError):
    status = 401
    code = "invalid_signature"
    title = "The receipt's signature is not valid"
    title_zh = "回执签名无效"


class ReceiptAgencyMismatch(DomainError):
    status = 422
    code = "receipt_agency_mismatch"
    title = "A receipt names another agency"
    title_zh = "回执所属机构不符"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"
    title_zh = "冲突"

    def __init__(self, detail: str, detail_zh: str, location: str | None = None) -> None:
        extra = {"location": location} if location else {}
        super().__init__(detail, detail_zh, **extra)
        if location:
            self.headers["Location"] = location


class DuplicateOrder(Conflict):
    code = "duplicate_order"
    title = "This order has already been declared"
    title_zh = "该订单已申报"


class EnterpriseAlreadyFiled(Conflict):
    code = "enterprise_already_filed"
    title = "This enterprise has already been filed"
    title_zh = "该企业已备案"


class FilingStatusConflict(DomainError):
    status = 409
    code = "filing_status_conflict"
    title = "The filing cannot change to that status"
    title_zh = "备案状态不允许此变更"


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"
    title = "A request with this Idempotency-Key is still being processed"
    title_zh = "使用该幂等键的请求仍在处理中"


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was used for a different request"
    title_zh = "该幂等键已用于另一个请求"


class InvalidCursor(DomainError):
    status = 400
    code = "invalid_cursor"
    title = "The page cursor is not valid"
    title_zh = "分页游标无效"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title = "The request body is too large"
    title_zh = "请求体过大"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"
    title_zh = "不支持的媒体类型"


class HttpError(DomainError):
    """Errors of the HTTP layer itself (unknown route, wrong method, …)."""

    def __init__(self, status: int, code: str, title: str, title_zh: str, detail: str) -> None:
        super().__init__(detail, title_zh)
        self.status, self.code, self.title, self.title_zh = status, code, title, title_zh


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"
    title = "The service cannot answer right now"
    title_zh = "服务暂不可用"


class Overloaded(ServiceUnavailable):
    """More declarations are waiting to be decided than the service takes on: answered at
    once, rather than after a wait longer than the caller's timeout. Nothing was stored."""

    code = "overloaded"
    title = "Too many declarations are waiting"
    title_zh = "待处理的申报过多"

    def __init__(self, waiting: int, retry_after: int = 1) -> None:
        super().__init__(
            f"{waiting} declarations are waiting to be decided; nothing of this request was "
            f"stored: send it again after {retry_after} s.",
            f"已有 {waiting} 份申报等待处理，本次请求未保存，请 {retry_after} 秒后重试。",
            retryAfter=retry_after,
        )
        self.headers["Retry-After"] = str(retry_after)


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached (down, restarting, out of connections, locked past
    the busy timeout): a passing condition the caller should retry, not a fault of the
    request and not a bug of the service."""

    code = "database_unavailable"
    title = "The database is unavailable"
    title_zh = "数据库暂不可用"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"The database cannot be reached; retry after {retry_after} s (with the same "
            "Idempotency-Key, if the request had one).",
            f"数据库暂时无法访问，请 {retry_after} 秒后重试（如有幂等键，请使用同一幂等键）。",
            retryAfter=retry_after,
        )
        self.headers["Retry-After"] = str(retry_after)


def _violation_body(v: RuleViolation) -> dict[str, Any]:
    body: dict[str, Any] = {"code": v.code, "pointer": v.pointer}
    if v.parameter is not None:
        body["parameter"] = v.parameter
    return body | {"message": v.message, "messageZh": v.messageZh}


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    title = "A valid API key is required"
    title_zh = "需要有效的 API 密钥"

    def __init__(self, detail: str, detail_zh: str) -> None:
        super().__init__(detail, detail_zh)
        self.headers["WWW-Authenticate"] = 'Bearer realm="singlewindow"'


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "This key may not do that"
    title_zh = "该密钥无权执行此操作"


class NotAParty(Forbidden):
    code = "not_a_party"
    title = "The caller is not a party to this declaration"
    title_zh = "调用方不是该申报的当事企业"


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    title = "No such API key"
    title_zh = "API 密钥不存在"


class AuditCheckpointNotFound(NotFound):
    code = "audit_checkpoint_not_found"
    title = "No audit checkpoint yet"
    title_zh = "尚无审计检查点"


class AuditCheckpointInvalid(DomainError):
    """A checkpoint given back for verification that the single window did not sign."""

    status = 422
    code = "audit_checkpoint_invalid"
    title = "The checkpoint's signature does not verify"
    title_zh = "检查点签名无效"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"
    title_zh = "请求过于频繁"

    def __init__(self, retry_after: int, limit: str) -> None:
        super().__init__(
            f"This key is over its limit of {limit}; retry after {retry_after} s.",
            f"该密钥已超过 {limit} 的频率限制，请 {retry_after} 秒后重试。",
            retryAfter=retry_after,
        )
        self.headers["Retry-After"] = str(retry_after)


class TooManyFailedAuthentications(DomainError):
    """An address that keeps sending missing, malformed or unknown keys is turned away,
    whatever key it sends, until its failures fall back under SW_AUTH_FAILURE_LIMIT."""

    status = 429
    code = "too_many_failed_authentications"
    title = "Too many failed authentications from this address"
    title_zh = "该地址认证失败次数过多"

    def __init__(self, retry_after: int, limit: str) -> None:
        super().__init__(
            f"This address sent more than {limit} requests without a valid API key; "
            f"retry after {retry_after} s.",
            f"该地址使用无效 API 密钥的请求超过 {limit}，请 {retry_after} 秒后重试。",
            retryAfter=retry_after,
        )
        self.headers["Retry-After"] = str(retry_after)


class EnterpriseSuspended(Forbidden):
    """A suspended enterprise's keys stop working until a regulator reinstates it."""

    code = "enterprise_suspended"
    title = "The enterprise's filing is suspended"
    title_zh = "企业备案已暂停"


class EnterpriseRevoked(Forbidden):
    """A revoked enterprise's keys never work again: revocation is final."""

    code = "enterprise_revoked"
    title = "The enterprise's filing is revoked"
    title_zh = "企业备案已撤销"


class DocumentConflict(Conflict):
    """A party's document differs from the one of its kind already sent for the order,
    and is not sent as a change (appType 2)."""

    code = "document_conflict"
    title = "Another document of this kind was sent for this order"
    title_zh = "该订单已有同类单证"


class WaybillPlatformAmbiguous(Conflict):
    """A waybill names its order by number only, and several platforms have documents of
    an order with that number waiting."""

    code = "waybill_platform_ambiguous"
    title = "Several platforms have an order with this number waiting"
    title_zh = "多个电商平台有该订单编号的单证待对碰"


class OrderDocumentsNotFound(NotFound):
    code = "order_documents_not_found"
    title = "No documents of this order"
    title_zh = "该订单没有单证"


class CertificateNotFound(NotFound):
    code = "certificate_not_found"
    title = "No such certificate"
    title_zh = "证书不存在"


class CertificateAlreadyRegistered(Conflict):
    """A certificate is registered once, for one enterprise (by its SHA-256 fingerprint);
    a revoked one stays revoked."""

    code = "certificate_already_registered"
    title = "This certificate is already registered"
    title_zh = "该证书已登记"


class CertificateRefused(DomainError):
    """A certificate that cannot be registered: its ``code`` says why
    (``certificate_unreadable``, ``certificate_not_x509``, ``certificate_expired``,
    ``certificate_key_unsupported``)."""

    status = 422
    title = "The certificate cannot be registered"
    title_zh = "证书无法登记"

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        super().__init__(
            message,
            message_zh,
            violations=[_violation_body(RuleViolation(code, "/certificate", message, message_zh))],
        )
        self.code = code


class SignatureRefused(DomainError):
    """A CEB message whose signature cannot be trusted (``app.ceb.signing``): ``code``
    says why; ``signature_mismatch`` and ``signature_value_invalid`` are the exchange's
    error 1004."""

    status = 422
    title = "The message's signature is refused"
    title_zh = "报文签名验证未通过"

    def __init__(self, code: str, message: str, message_zh: str, **extra: Any) -> None:
        super().__init__(message, message_zh, **extra)
        self.code = code


class DeclarationStateConflict(DomainError):
    """A declaration's state does not allow the change asked for now (``code`` says
    which: ``declaration_not_amendable``, ``declaration_not_cancellable``,
    ``declaration_not_returnable``, ``return_window_closed``, ``action_in_progress``).
    The problem carries the current ``status`` and ``version``."""

    status = 409
    title = "The declaration's status does not allow this"
    title_zh = "申报单当前状态不允许此操作"

    def __init__(
        self, code: str, detail: str, detail_zh: str, *, status: str, version: int, location: str
    ) -> None:
        super().__init__(detail, detail_zh, currentStatus=status, version=version)
        self.code = code
        self.headers["Location"] = location
        self.headers["ETag"] = etag(version)


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"
    title = "Send If-Match with the declaration's ETag"
    title_zh = "请在 If-Match 中提供申报单的 ETag"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    title = "The declaration has changed since it was read"
    title_zh = "申报单在读取后已被修改"

    def __init__(self, version: int) -> None:
        super().__init__(
            f"The declaration is at version {version}: read it again, then amend that.",
            f"申报单当前为第 {version} 版：请重新读取后再修改。",
            version=version,
        )
        self.headers["ETag"] = etag(version)


class ReturnRefused(DomainError):
    status = 422
    code = "return_refused"
    title = "The return does not match what was bought"
    title_zh = "退货与购买的商品不符"

    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__(
            f"{len(violations)} line(s) of the return cannot be returned.",
            f"退货中有 {len(violations)} 行不能退。",
            violations=[_violation_body(v) for v in violations],
        )
        self.violations = list(violations)


def etag(version: int) -> str:
    """A declaration's ETag: its version, quoted (a strong validator)."""
    return f'"{version}"'
