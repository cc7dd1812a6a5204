"""Goods: product filing (商品备案), delivery events, traceability and recalls (质量追溯:
源头可溯、去向可查), and the two registrations an enterprise filing may also apply for
(两证合一: foreign-trade operator, certificate-of-origin applicant).

Pure rules and values: what a barcode, an HS code and a country code must be, how a
filed product is checked against a declaration's line, which delivery event may follow
which, what a recall's batch matches, and the errors of these flows with their codes."""

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from stdnum import ean

from app.domain.violations import RuleViolation
from app.errors import Conflict, DomainError, InvalidRequest, NotFound

# -- product filing --------------------------------------------------------------------

GTIN_LENGTHS = (8, 12, 13, 14)
_DIGITS = re.compile(r"[0-9]+")  # ASCII only
# CEB country codes are three characters (142 China, 116 Japan, 502 USA...).
_COUNTRY = re.compile(r"[0-9A-Z]{3}")
_HS_CODE = re.compile(r"[0-9]{10}")  # ASCII only: a bare \d also matches "３"


def is_hs_code(gcode: str) -> bool:
    # Ten digits, in one of the Harmonized System's chapters 01–97 (77 is reserved).
    if not _HS_CODE.fullmatch(gcode):
        return False
    chapter = int(gcode[:2])
    return 1 <= chapter <= 97 and chapter != 77


def gtin(value: str) -> str | None:
    """The barcode as kept (spaces and hyphens dropped), when it is a GTIN-8, -12, -13
    or -14 with a valid check digit; None otherwise."""
    compact = value.replace(" ", "").replace("-", "")
    if len(compact) not in GTIN_LENGTHS or not _DIGITS.fullmatch(compact):
        return None
    return compact if ean.is_valid(compact) else None


def is_country_code(value: str) -> bool:
    return bool(_COUNTRY.fullmatch(value))


def check_codes(
    *,
    hs_code: str | None = None,
    barcode: str | None = None,
    country: str | None = None,
    country_field: str = "originCountry",
) -> tuple[str | None, list[RuleViolation]]:
    """The codes of a filing or application, each checked: the barcode as kept, and the
    problems found (each with its own code, at its field)."""
    found = []
    kept = None
    if hs_code is not None and not is_hs_code(hs_code):
        found.append(
            RuleViolation(
                "hs_code_invalid",
                "/hsCode",
                f"{hs_code!r} is not a 10-digit HS code",
                f"{hs_code!r} 不是有效的10位商品编码",
            )
        )
    if barcode is not None:
        kept = gtin(barcode)
        if kept is None:
            found.append(
                RuleViolation(
                    "barcode_invalid",
                    "/barcode",
                    f"{barcode!r} is not a GTIN-8, -12, -13 or -14 with a valid check digit",
                    f"{barcode!r} 不是校验位正确的 GTIN-8、-12、-13 或 -14 商品条码",
                )
            )
    if country is not None and not is_country_code(country):
        found.append(
            RuleViolation(
                "country_code_invalid",
                f"/{country_field}",
                f"{country!r} is not a 3-character CEB country code (116 Japan, 502 USA)",
                f"{country!r} 不是3位的国别（地区）代码（如 116 日本、502 美国）",
            )
        )
    return kept, found


class ProductAppType(StrEnum):
    """As the CEB messages say it: 1 files a product, 2 changes its filing."""

    NEW = "1"
    CHANGE = "2"


# What a product filing holds besides its keys: two filings with the same are the same.
PRODUCT_FIELDS = (
    "name",
    "hs_code",
    "barcode",
    "brand",
    "manufacturer",
    "origin_country",
    "unit",
    "specification",
)


def same_filing(stored: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    return all(stored.get(name) == sent.get(name) for name in PRODUCT_FIELDS)


def hs_code_differs(index: int, found: str, filed: str, item_no: str) -> RuleViolation:
    return RuleViolation(
        HS_CODE_DIFFERS,
        f"/order/items/{index}/gcode",
        f"gcode {found!r} differs from the HS code {filed!r} item {item_no!r} is filed with",
        f"商品编码 {found!r} 与商品 {item_no!r} 备案的商品编码 {filed!r} 不一致",
    )


HS_CODE_DIFFERS = "hs_code_differs_from_filing"


def filled_hs_codes(
    items: Sequence[Mapping[str, Any]], filed: Mapping[str, str]
) -> list[dict[str, Any]] | None:
    """An order's lines with the HS codes of their filed products (``filed``: item
    number → HS code, of the order's e-commerce company), when every line lacking one
    names a filed item; None when one of them does not (the order waits for its
    inventory, which carries them)."""
    lines = []
    for item in items:
        if item.get("gcode"):
            lines.append(dict(item))
            continue
        code = filed.get(str(item.get("itemNo") or ""))
        if code is None:
            return None
        lines.append(dict(item) | {"gcode": code})
    return lines


# -- delivery events ---------------------------------------------------------------------


class DeliveryEvent(StrEnum):
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    REFUSED_BY_BUYER = "refused_by_buyer"
    RETURNED = "returned"


# Which event may follow which, in the order they happened (by ``at``).
_FOLLOWS: dict[DeliveryEvent, frozenset[DeliveryEvent]] = {
    DeliveryEvent.PICKED_UP: frozenset(
        {
            DeliveryEvent.IN_TRANSIT,
            DeliveryEvent.DELIVERED,
            DeliveryEvent.REFUSED_BY_BUYER,
            DeliveryEvent.RETURNED,
        }
    ),
    DeliveryEvent.IN_TRANSIT: frozenset(
        {
            DeliveryEvent.IN_TRANSIT,
            DeliveryEvent.DELIVERED,
            DeliveryEvent.REFUSED_BY_BUYER,
            DeliveryEvent.RETURNED,
        }
    ),
    # A delivered parcel may still be sent back; a refused one goes back.
    DeliveryEvent.DELIVERED: frozenset({DeliveryEvent.RETURNED}),
    DeliveryEvent.REFUSED_BY_BUYER: frozenset({DeliveryEvent.IN_TRANSIT, DeliveryEvent.RETURNED}),
    DeliveryEvent.RETURNED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Delivery:
    event: DeliveryEvent
    at: datetime


def out_of_order(events: Iterable[Delivery]) -> tuple[Delivery, Delivery] | None:
    """The first two events, in the order they happened, where the later may not follow
    the earlier; None when the waybill's story holds together."""
    ordered = sorted(events, key=lambda d: d.at)
    for before, after in itertools.pairwise(ordered):
        if after.event not in _FOLLOWS[before.event]:
            return before, after
    return None


def delivered(events: Iterable[Delivery]) -> bool:
    """Whether the parcel reached its buyer (and was not sent back since)."""
    last = max(events, key=lambda d: d.at, default=None)
    return last is not None and last.event is DeliveryEvent.DELIVERED


# -- recalls -----------------------------------------------------------------------------

_BATCH_SEPARATORS = re.compile(r"[,;，；\s]+")


def batches(batch_numbers: str | None) -> frozenset[str]:
    """The batch numbers an order's ``batchNumbers`` names (it may list several)."""
    if not batch_numbers:
        return frozenset()
    return frozenset(b for b in _BATCH_SEPARATORS.split(batch_numbers.strip()) if b)


def in_batch(batch: str | None, batch_numbers: str | None) -> bool:
    """Whether a declaration is of the recalled batch (any, when the recall names none)."""
    return batch is None or batch in batches(batch_numbers)


def recalled_lines(
    items: Sequence[Mapping[str, Any]],
    ebc_code: str,
    barcode: str,
    filed_items: frozenset[tuple[str, str]],
) -> list[int]:
    """The numbers (gnum) of the lines naming the recalled goods: by their barcode, or by
    an item number filed with that barcode (``filed_items``: (ebcCode, itemNo))."""
    return [
        int(item.get("gnum") or 0)
        for item in items
        if item.get("barCode") == barcode or (ebc_code, str(item.get("itemNo"))) in filed_items
    ]


# -- 两证合一: the registrations a filing may also apply for ----------------------------------


class Registration(StrEnum):
    """对外贸易经营者备案 (commerce reviews it) and 原产地证申领企业备案 (inspection)."""

    FOREIGN_TRADE = "foreign_trade"
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin"


# Who reviews each: commerce has no simulated service yet (its applications wait).
REVIEWER = {
    Registration.FOREIGN_TRADE: "commerce",
    Registration.CERTIFICATE_OF_ORIGIN: "inspection",
}
# How the filing's answer names each.
PUBLIC_NAME = {
    Registration.FOREIGN_TRADE: "foreignTrade",
    Registration.CERTIFICATE_OF_ORIGIN: "certificateOfOrigin",
}


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class Fta(StrEnum):
    """China's free trade agreements a certificate of origin may be asked under."""

    RCEP = "rcep"
    CHINA_ASEAN = "china_asean"
    CHINA_KOREA = "china_korea"
    CHINA_AUSTRALIA = "china_australia"
    CHINA_NEW_ZEALAND = "china_new_zealand"
    CHINA_SWITZERLAND = "china_switzerland"
    CHINA_ICELAND = "china_iceland"
    CHINA_CHILE = "china_chile"
    CHINA_PERU = "china_peru"
    CHINA_COSTA_RICA = "china_costa_rica"
    CHINA_PAKISTAN = "china_pakistan"
    CHINA_SINGAPORE = "china_singapore"
    CHINA_GEORGIA = "china_georgia"
    CHINA_MAURITIUS = "china_mauritius"
    CHINA_CAMBODIA = "china_cambodia"
    CHINA_SERBIA = "china_serbia"
    CHINA_ECUADOR = "china_ecuador"
    CHINA_NICARAGUA = "china_nicaragua"
    APTA = "apta"


# -- errors ------------------------------------------------------------------------------


class ProductNotFound(NotFound):
    code = "product_not_found"
    title = "No such product filing"
    title_zh = "商品备案不存在"


class ProductAlreadyFiled(Conflict):
    """The item number is filed already, with other details: a change is appType 2."""

    code = "product_already_filed"
    title = "The product is filed already"
    title_zh = "该商品已备案"


class WaybillNotFound(NotFound):
    code = "waybill_not_found"
    title = "No declared waybill has this number"
    title_zh = "没有该运单号的申报"


class DeliveryOutOfOrder(DomainError):
    status = 409
    code = "delivery_event_out_of_order"
    title = "The event cannot follow the waybill's others"
    title_zh = "该物流事件与运单的其他事件顺序不符"


class RecallNotFound(NotFound):
    code = "recall_not_found"
    title = "No such recall"
    title_zh = "召回不存在"


class NotAnOriginApplicant(DomainError):
    """Certificates of origin are asked for by an enterprise whose certificate-of-origin
    applicant registration inspection approved."""

    status = 409
    code = "origin_applicant_not_registered"
    title = "The enterprise is not a registered certificate-of-origin applicant"
    title_zh = "该企业未完成原产地证申领企业备案"


def invalid(code: str, pointer: str, message: str, message_zh: str) -> InvalidRequest:
    """A request refused for one field, with its own code."""
    return InvalidRequest([RuleViolation(code, pointer, message, message_zh)])
