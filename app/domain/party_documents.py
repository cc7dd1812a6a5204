"""Each party posts its own document (三单对碰: the three documents meeting): the
platform or e-commerce company its order, the payment company its payment, the logistics
company its waybill, in any order. Pure: who may send what, what makes two documents the
same, which of the three an order still waits for, and the declaration they make
together."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from app.domain.violations import RuleCode, RuleViolation


class DocumentKind(StrEnum):
    ORDER = "order"
    PAYMENT = "payment"
    WAYBILL = "waybill"


KINDS = (DocumentKind.ORDER, DocumentKind.PAYMENT, DocumentKind.WAYBILL)

# Where each document goes in a declaration.
PART = {
    DocumentKind.ORDER: "order",
    DocumentKind.PAYMENT: "payment",
    DocumentKind.WAYBILL: "logistics",
}


class DocumentStatus(StrEnum):
    WAITING = "waiting"  # the others of its order have not all arrived
    ASSEMBLING = "assembling"  # the three are being declared
    ASSEMBLED = "assembled"  # the three made a declaration that was accepted
    REFUSED = "refused"  # the three made a declaration the rules refused: correctable
    EXPIRED = "expired"  # still unmatched when its time ran out


# Documents that may still become part of a declaration.
LIVE = (DocumentStatus.WAITING, DocumentStatus.REFUSED)

# Business-head fields that say how a document was sent, not what it says: a document
# sent again with a new guid or time is the same document.
_ENVELOPE = ("guid", "appType", "appTime", "appStatus")


def senders(kind: DocumentKind, document: Mapping[str, Any]) -> tuple[str, ...]:
    """The enterprises that may send a document: those it names in the role it needs."""
    if kind is DocumentKind.ORDER:
        return (str(document["ebpCode"]), str(document["ebcCode"]))
    if kind is DocumentKind.PAYMENT:
        return (str(document["payCode"]),)
    return (str(document["logisticsCode"]),)


_ROLE = {
    DocumentKind.ORDER: ("the platform or the e-commerce company", "电商平台或电商企业"),
    DocumentKind.PAYMENT: ("the payment company", "支付企业"),
    DocumentKind.WAYBILL: ("the logistics company", "物流企业"),
}

_POINTER = {
    DocumentKind.ORDER: "/ebpCode",
    DocumentKind.PAYMENT: "/payCode",
    DocumentKind.WAYBILL: "/logisticsCode",
}


def not_a_sender(
    own: str | None, kind: DocumentKind, document: Mapping[str, Any]
) -> RuleViolation | None:
    """An enterprise (``own``, its customs code; None for the admins) sends a document
    only as the party it names in the role the document needs."""
    allowed = senders(kind, document)
    if own is None or own in allowed:
        return None
    role, role_zh = _ROLE[kind]
    named = " / ".join(allowed)
    return RuleViolation(
        code=RuleCode.NOT_A_PARTY.value,
        pointer=_POINTER[kind],
        message=f"the caller {own!r} is not {role} this {kind.value} names ({named})",
        messageZh=f"调用方 {own!r} 不是该{_KIND_ZH[kind]}所列的{role_zh}（{named}）",
    )


_KIND_ZH = {
    DocumentKind.ORDER: "订单",
    DocumentKind.PAYMENT: "支付单",
    DocumentKind.WAYBILL: "运单",
}


def kind_zh(kind: DocumentKind) -> str:
    return _KIND_ZH[kind]


def platform_of(kind: DocumentKind, document: Mapping[str, Any]) -> str | None:
    """The platform whose order a document belongs to, when it says (a CEB511 waybill
    names only the order number)."""
    if kind is DocumentKind.WAYBILL:
        return None
    return str(document["ebpCode"])


def fingerprint(document: Mapping[str, Any]) -> str:
    """What makes two documents the same: their business fields, whatever the guid, time
    and appType they were sent with (a document is sent again as it was)."""
    content = {k: v for k, v in document.items() if k not in _ENVELOPE}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def missing(present: Iterable[DocumentKind]) -> list[DocumentKind]:
    """The documents an order still waits for, in the standard's order."""
    have = set(present)
    return [kind for kind in KINDS if kind not in have]


def declaration_body(documents: Mapping[DocumentKind, Mapping[str, Any]]) -> dict[str, Any]:
    """The three documents as one declaration's body (a JSON set, with its defaults): the
    parts without their appType, which says how each was sent, not what is declared."""
    return {
        PART[kind]: {k: v for k, v in documents[kind].items() if k != "appType"} for kind in KINDS
    }


def lacks_hs_codes(order: Mapping[str, Any]) -> bool:
    """Whether an order's lines lack their HS codes (a CEB311 has none): it waits for the
    inventory that carries them."""
    return any(not item.get("gcode") for item in order.get("items") or [])


def with_hs_codes(order: Mapping[str, Any], inventory: Mapping[str, Any]) -> dict[str, Any]:
    """The order with each line's HS code taken from the inventory line of the same
    ``gnum`` (a change: ``appType`` 2)."""
    codes = {str(line.get("gnum")): line.get("gcode") for line in inventory.get("items") or []}
    items = [
        dict(item)
        | ({"gcode": codes[str(item.get("gnum"))]} if codes.get(str(item.get("gnum"))) else {})
        for item in order.get("items") or []
    ]
    return dict(order) | {"items": items, "appType": "2"}
