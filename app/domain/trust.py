"""Trust: the credit negative list (信用负面清单), complaints and reports (投诉举报) with
their evidence, take-down notices and the goods blocked after an upheld complaint.

Pure rules and values: what a listing's period makes of an enterprise, whether evidence
is what it says it is, who a complaint is about, when a take-down is late, which lines
of a declaration name blocked goods. The errors of these flows are here too, with their
stable codes."""

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from app.domain.violations import RuleCode, RuleViolation, violation
from app.errors import Conflict, DomainError, InvalidRequest, NotFound, RateLimited
from app.schemas.declaration import DeclarationSet

# -- the negative list -------------------------------------------------------------------

# What an enterprise's ``listed_until`` holds for a listing without an end: one column,
# compared with now, says whether the enterprise is listed (the intake reads it with the
# filing, in the statement it reads every fact with).
OPEN_ENDED = datetime(9999, 12, 31, tzinfo=UTC)


def listed_until(ends: Iterable[datetime | None], now: datetime) -> datetime | None:
    """The end of an enterprise's listing, from the ends of its listings still in force
    (None among them: one without an end); None when none is in force."""
    current = [OPEN_ENDED if end is None else end for end in ends if end is None or end > now]
    return max(current, default=None)


def is_listed(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now


def public_until(until: datetime | None) -> datetime | None:
    """An end as the API shows it: none for an open-ended listing."""
    return None if until is None or until >= OPEN_ENDED else until


def is_current(until: datetime | None, lifted_at: datetime | None, now: datetime) -> bool:
    """Whether a listing is in force: not lifted, and its period not over."""
    return lifted_at is None and (until is None or until > now)


# -- complaints ----------------------------------------------------------------------------


class ComplaintKind(StrEnum):
    COUNTERFEIT = "counterfeit"
    IP_INFRINGEMENT = "ip_infringement"
    QUALITY = "quality"
    OTHER = "other"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    REJECTED = "rejected"
    UPHELD = "upheld"


class Triage(StrEnum):
    """A regulator's decision on an open complaint."""

    REJECT = "reject"
    UPHOLD = "uphold"


class CreditEventKind(StrEnum):
    """What an enterprise's credit record holds, besides its refusals and detentions."""

    GRADED = "graded"
    LISTED = "listed"
    LIFTED = "lifted"
    COMPLAINT_UPHELD = "complaint_upheld"
    # A take-down notice the platform did not acknowledge in time (computed when read).
    TAKEDOWN_LATE = "takedown_late"


ECOMMERCE, PLATFORM = "ecommerce", "platform"


@dataclass(frozen=True, slots=True)
class Parties:
    """Whom an upheld complaint concerns: the seller (the e-commerce company, whose
    credit record takes the upheld complaint) and the platform (which takes the notice
    down)."""

    seller: str | None
    platform: str | None


def complaint_parties(
    named: str,
    named_roles: frozenset[str],
    *,
    declared: tuple[str, str] | None = None,
    platform_given: str | None = None,
    platform_of_goods: str | None = None,
) -> Parties:
    """Who the seller and the platform are: the enterprise the complaint names, when it
    is filed in that role; else the declaration of the order or waybill it names
    (``declared``: its platform and e-commerce company); the platform may be given by the
    regulator, or be the one the goods were last declared on (``platform_of_goods``)."""
    declared_platform, declared_seller = declared if declared is not None else (None, None)
    seller = named if ECOMMERCE in named_roles else declared_seller
    platform = (
        platform_given
        or (named if PLATFORM in named_roles else None)
        or declared_platform
        or platform_of_goods
    )
    return Parties(seller, platform)


def acknowledgement_due(issued_at: datetime, hours: int) -> datetime:
    return issued_at + timedelta(hours=hours)


def is_late(due_at: datetime, acknowledged_at: datetime | None, now: datetime) -> bool:
    """A take-down is late once its time is up without an acknowledgement, or when its
    acknowledgement came after that."""
    return (acknowledged_at or now) > due_at


# -- evidence ------------------------------------------------------------------------------

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
# The types taken, told by their first bytes: what a file says it is counts for nothing.
_MAGIC: tuple[tuple[str, bytes], ...] = (
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("application/pdf", b"%PDF-"),
)
ALLOWED_TYPES = tuple(media_type for media_type, _ in _MAGIC)
_WHITESPACE = b" \t\r\n"


def sniff(data: bytes) -> str | None:
    """The media type the bytes are, among those taken; None for anything else."""
    return next((media_type for media_type, magic in _MAGIC if data.startswith(magic)), None)


@dataclass(frozen=True, slots=True)
class Evidence:
    filename: str
    content_type: str
    data: bytes


def _bare_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def read_evidence(
    index: int, filename: str, content_type: str, encoded: str
) -> tuple[Evidence | None, list[RuleViolation]]:
    """An attachment as sent (its data in base64), checked: at most
    ``MAX_ATTACHMENT_BYTES`` once decoded (refused before decoding when the text alone is
    too long), of a type taken, and its bytes of the type it declares."""
    pointer = f"/attachments/{index}"
    declared = _bare_type(content_type)
    found: list[RuleViolation] = []
    if declared not in ALLOWED_TYPES:
        found.append(
            RuleViolation(
                "attachment_type_not_allowed",
                f"{pointer}/contentType",
                f"{content_type!r} is not taken: attach PNG, JPEG or PDF files",
                f"不接受 {content_type!r} 类型：请附 PNG、JPEG 或 PDF 文件",
            )
        )
    raw = encoded.encode("ascii", "replace").translate(None, _WHITESPACE)
    # Four characters of base64 carry three bytes.
    if len(raw) // 4 * 3 - 2 > MAX_ATTACHMENT_BYTES:
        return None, [*found, _too_large(pointer)]
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None, [
            *found,
            RuleViolation(
                "attachment_not_base64",
                f"{pointer}/data",
                "data is not base64",
                "data 不是有效的 base64 编码",
            ),
        ]
    if len(data) > MAX_ATTACHMENT_BYTES:
        return None, [*found, _too_large(pointer)]
    actual = sniff(data)
    if declared in ALLOWED_TYPES and actual != declared:
        found.append(
            RuleViolation(
                "attachment_type_mismatch",
                f"{pointer}/data",
                f"the file is not {declared}: its content is "
                f"{actual or 'none of PNG, JPEG or PDF'}",
                f"文件内容与声明的类型 {declared} 不符（实际为 {actual or '非 PNG、JPEG、PDF'}）",
            )
        )
    if found:
        return None, found
    return Evidence(filename, declared, data), []


def _too_large(pointer: str) -> RuleViolation:
    limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
    return RuleViolation(
        "attachment_too_large",
        f"{pointer}/data",
        f"an attachment may hold at most {limit} MiB once decoded",
        f"单个附件解码后不能超过 {limit} MiB",
    )


# -- blocked goods -------------------------------------------------------------------------


def blocked_lines(
    ds: DeclarationSet,
    items: frozenset[tuple[str, str]],
    barcodes: frozenset[str],
) -> list[RuleViolation]:
    """The lines naming goods blocked after an upheld complaint: the e-commerce company's
    own item number (``items``: (ebcCode, itemNo)), or the goods' barcode."""
    if not items and not barcodes:
        return []
    ebc = ds.order.ebcCode
    found = []
    for index, item in enumerate(ds.order.items):
        pointer = f"/order/items/{index}"
        if item.itemNo is not None and (ebc, item.itemNo) in items:
            found.append(
                violation(RuleCode.PRODUCT_BLOCKED, f"{pointer}/itemNo", found=item.itemNo)
            )
        elif item.barCode is not None and item.barCode in barcodes:
            found.append(
                violation(RuleCode.PRODUCT_BLOCKED, f"{pointer}/barCode", found=item.barCode)
            )
    return found


def product_keys(
    item_no: str | None, barcode: str | None, seller: str | None
) -> tuple[tuple[str, str] | None, str | None]:
    """What blocks goods: (seller, item number) when both are known, and the barcode."""
    item = (seller, item_no) if seller is not None and item_no is not None else None
    return item, barcode


# -- errors --------------------------------------------------------------------------------


class EnterpriseListed(Conflict):
    """A filing of an enterprise on the negative list (its customs code or USCC)."""

    code = "enterprise_listed"
    title = "The enterprise is on the credit negative list"
    title_zh = "该企业已列入信用负面清单"


class ListingNotFound(NotFound):
    code = "listing_not_found"
    title = "No such negative list entry"
    title_zh = "负面清单记录不存在"


class ListingNotCurrent(DomainError):
    """A listing already lifted, or whose period is over, cannot be lifted."""

    status = 409
    code = "listing_not_current"
    title = "The listing is no longer in force"
    title_zh = "该负面清单记录已不再有效"


class ComplaintNotFound(NotFound):
    code = "complaint_not_found"
    title = "No such complaint"
    title_zh = "投诉不存在"


class ComplaintAlreadyDecided(DomainError):
    status = 409
    code = "complaint_already_decided"
    title = "The complaint has been decided already"
    title_zh = "该投诉已处理"


class EvidenceRefused(DomainError):
    """Attachments that are not what they say, too large or of a type not taken."""

    status = 422
    code = "evidence_refused"
    title = "The evidence attached cannot be taken"
    title_zh = "投诉附件不符合要求"

    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__(
            f"{len(violations)} problem(s) with the attachments.",
            f"附件存在 {len(violations)} 个问题。",
            violations=[
                {
                    "code": v.code,
                    "pointer": v.pointer,
                    "message": v.message,
                    "messageZh": v.messageZh,
                }
                for v in violations
            ],
        )
        self.violations = list(violations)


class AttachmentNotFound(NotFound):
    code = "attachment_not_found"
    title = "No such attachment"
    title_zh = "附件不存在"


class TakedownNotFound(NotFound):
    code = "takedown_not_found"
    title = "No such take-down notice"
    title_zh = "下架通知不存在"


class TakedownAlreadyAcknowledged(DomainError):
    status = 409
    code = "takedown_already_acknowledged"
    title = "The take-down notice has been acknowledged already"
    title_zh = "该下架通知已确认"


class AddressRateLimited(RateLimited):
    """Callers without a key are counted by their address."""

    def __init__(self, retry_after: int, limit: str) -> None:
        super().__init__(retry_after, limit)
        self.detail = (
            f"This address is over its limit of {limit} for callers without an API key; "
            f"retry after {retry_after} s."
        )
        self.detail_zh = (
            f"该地址未使用 API 密钥的请求已超过 {limit} 的限制，请 {retry_after} 秒后重试。"
        )


def invalid(code: str, pointer: str, message: str, message_zh: str) -> InvalidRequest:
    """A request refused for one field, with its own code."""
    return InvalidRequest([RuleViolation(code, pointer, message, message_zh)])
