"""CEB messages to and from the service's JSON documents.

A CEB311 order, CEB411 payment or CEB511 waybill record becomes the document the JSON
API takes for that part of a declaration (``app.schemas.declaration``: the same field
names, the order's lines under ``items``); a CEB621 inventory record becomes a document
of its head's fields with its lines under ``items``. Amounts keep the text they were
written with (``"19050"``, ``"0.50"``), whole numbers become ints, and an empty
optional element is absent. The way back writes the elements in the schema's order, so
that JSON → XML → JSON gives back every field the schema has."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import BaseModel

from app.ceb import xml
from app.ceb.xml import CEB_NS, DS_NS, CebXmlError, XmlProblem
from app.domain.rules import CHINA_TIME

Document = dict[str, Any]


class Kind(Enum):
    TEXT = "text"
    DECIMAL = "decimal"
    INT = "int"


D, N = Kind.DECIMAL, Kind.INT  # decimal, whole number
FieldSpec = tuple[tuple[str, Kind], ...]


def _fields(*names: str | tuple[str, Kind]) -> FieldSpec:
    return tuple((n, Kind.TEXT) if isinstance(n, str) else n for n in names)


_HEAD = ("guid", "appType", "appTime", "appStatus")

# The elements of each record, in the order of ceb-import-202205.xsd.
ORDER_HEAD = _fields(
    *_HEAD, "orderType", "orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName",
    ("goodsValue", D), ("freight", D), ("discount", D), ("taxTotal", D), ("acturalPaid", D),
    "currency", "buyerRegNo", "buyerName", "buyerTelephone", "buyerIdType", "buyerIdNumber",
    "payCode", "payName", "payTransactionId", "batchNumbers", "consignee",
    "consigneeTelephone", "consigneeAddress", "consigneeDistrict", "note",
)  # fmt: skip
ORDER_LIST = _fields(
    ("gnum", N), "itemNo", "itemName", "gmodel", "itemDescribe", "barCode", "unit",
    ("qty", D), ("price", D), ("totalPrice", D), "currency", "country", "note",
)  # fmt: skip
PAYMENT_HEAD = _fields(
    *_HEAD, "payCode", "payName", "payTransactionId", "orderNo", "ebpCode", "ebpName",
    "payerIdType", "payerIdNumber", "payerName", "telephone", ("amountPaid", D), "currency",
    "payTime", "note",
)  # fmt: skip
LOGISTICS_HEAD = _fields(
    *_HEAD, "logisticsCode", "logisticsName", "logisticsNo", "billNo", "orderNo",
    ("freight", D), ("insuredFee", D), "currency", ("weight", D), ("packNo", N), "goodsInfo",
    "consignee", "consigneeAddress", "consigneeTelephone", "note",
)  # fmt: skip
INVENTORY_HEAD = _fields(
    *_HEAD, "orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName", "logisticsNo",
    "logisticsCode", "logisticsName", "copNo", "preNo", "assureCode", "emsNo", "invtNo",
    "ieFlag", "declTime", "customsCode", "portCode", "ieDate", "buyerIdType", "buyerIdNumber",
    "buyerName", "buyerTelephone", "consigneeAddress", "agentCode", "agentName", "areaCode",
    "areaName", "tradeMode", "trafMode", "trafNo", "voyageNo", "billNo", "loctNo",
    "licenseNo", "country", ("freight", D), ("insuredFee", D), "currency", "wrapType",
    ("packNo", N), ("grossWeight", D), ("netWeight", D), "note",
)  # fmt: skip
INVENTORY_LIST = _fields(
    ("gnum", N), "itemRecordNo", "itemNo", "itemName", "gcode", "gname", "gmodel", "barCode",
    "country", "tradeCountry", "currency", ("qty", D), "unit", ("qty1", D), "unit1",
    ("qty2", D), "unit2", ("price", D), ("totalPrice", D), "note",
)  # fmt: skip
# A withdrawal (CEB623) and a return (CEB625) name the inventory they are about.
INVENTORY_ACTION = _fields(
    *_HEAD, "customsCode", "orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName",
    "logisticsNo", "logisticsCode", "logisticsName", "copNo", "preNo", "invtNo",
    "buyerIdType", "buyerIdNumber", "buyerName", "buyerTelephone", "agentCode", "agentName",
    "reason", "note",
)  # fmt: skip
REFUND_LIST = _fields(("gnum", N), "gcode", "gname", ("qty", D), "unit", "note")
BASE_TRANSFER = _fields("copCode", "copName", "dxpMode", "dxpId", "note")
_RETURN = ("returnStatus", "returnTime", "returnInfo")
ORDER_RETURN = _fields("guid", "ebpCode", "ebcCode", "orderNo", *_RETURN)
PAYMENT_RETURN = _fields("guid", "payCode", "payTransactionId", *_RETURN)
LOGISTICS_RETURN = _fields("guid", "logisticsCode", "logisticsNo", *_RETURN)
INVENTORY_RETURN = _fields(
    "guid", "customsCode", "ebpCode", "ebcCode", "agentCode", "copNo", "preNo", "invtNo",
    *_RETURN,
)  # fmt: skip
ACTION_RETURN = _fields(
    "guid", "customsCode", "agentCode", "ebpCode", "ebcCode", "copNo", "preNo", "invtNo",
    *_RETURN,
)  # fmt: skip

# Fields a document may carry that its CEB record has not: the HS code of an order line
# travels on the CEB621 inventory line, not in CEB311.
NOT_IN_MESSAGE: dict[str, frozenset[str]] = {"OrderList": frozenset({"gcode"})}


@dataclass(frozen=True, slots=True)
class MessageType:
    """One CEB message: its records are ``record`` elements holding a ``head`` and, for
    orders, inventories and returns, ``line`` elements (the document's ``items``); a
    receipt's records are its ``head`` elements directly, and it has no BaseTransfer;
    nor has a withdrawal (CEB623) a record around its head (``flat``)."""

    name: str
    head: str
    head_fields: FieldSpec
    record: str | None = None
    line: str | None = None
    line_fields: FieldSpec = ()
    receipt: bool = False
    flat: bool = False

    @property
    def root(self) -> str:
        return f"{self.name}Message"


MESSAGE_TYPES: dict[str, MessageType] = {
    t.name: t
    for t in (
        MessageType("CEB311", "OrderHead", ORDER_HEAD, "Order", "OrderList", ORDER_LIST),
        MessageType("CEB411", "PaymentHead", PAYMENT_HEAD, "Payment"),
        MessageType("CEB511", "LogisticsHead", LOGISTICS_HEAD, "Logistics"),
        MessageType(
            "CEB621", "InventoryHead", INVENTORY_HEAD, "Inventory", "InventoryList", INVENTORY_LIST
        ),
        MessageType("CEB623", "InvtCancel", INVENTORY_ACTION, flat=True),
        MessageType(
            "CEB625",
            "InvtRefundHead",
            INVENTORY_ACTION,
            "InvtRefund",
            "InvtRefundList",
            REFUND_LIST,
        ),
        MessageType("CEB312", "OrderReturn", ORDER_RETURN, receipt=True),
        MessageType("CEB412", "PaymentReturn", PAYMENT_RETURN, receipt=True),
        MessageType("CEB512", "LogisticsReturn", LOGISTICS_RETURN, receipt=True),
        MessageType("CEB622", "InventoryReturn", INVENTORY_RETURN, receipt=True),
        MessageType("CEB624", "InvtCancelReturn", ACTION_RETURN, receipt=True),
        MessageType("CEB626", "InvtRefundReturn", ACTION_RETURN, receipt=True),
    )
}
# The receipt that answers each message.
RECEIPT_OF = {
    "CEB311": "CEB312",
    "CEB411": "CEB412",
    "CEB511": "CEB512",
    "CEB621": "CEB622",
    "CEB623": "CEB624",
    "CEB625": "CEB626",
}


@dataclass(frozen=True, slots=True)
class BaseTransfer:
    """Who sends the message over the exchange: ``copCode`` is the sending enterprise."""

    copCode: str
    copName: str
    dxpMode: str = "DXP"
    dxpId: str = ""
    note: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True, slots=True)
class CebMessage:
    """A message read: its type (``CEB311``), root ``guid`` and ``version``, the
    sender's ``BaseTransfer`` (None for a receipt), one document per record with the
    line where that record starts, and whether it carries a ``ds:Signature``."""

    type: str
    guid: str
    version: str
    baseTransfer: BaseTransfer | None
    documents: list[Document]
    lines: list[int] = field(default_factory=list)
    signed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "messageType": self.type,
            "guid": self.guid,
            "version": self.version,
            "baseTransfer": self.baseTransfer.as_dict() if self.baseTransfer else None,
            "documents": self.documents,
        }


def _q(name: str) -> str:
    return f"{{{CEB_NS}}}{name}"


# -- XML → documents ------------------------------------------------------------------


def read_message(
    body: bytes,
    xsd_dir: Path | None = None,
    *,
    max_bytes: int = xml.MAX_MESSAGE_BYTES,
    max_depth: int = xml.MAX_DEPTH,
) -> CebMessage:
    """Parse safely, validate against the schema, and map: the message, or
    ``CebXmlError`` with every problem found."""
    tree = xml.read(body, xsd_dir, max_bytes=max_bytes, max_depth=max_depth)
    return to_message(tree)


def message_type_of(root: Any) -> MessageType:
    """The type of a parsed message's root, or ``CebXmlError`` for one not handled."""
    qname = etree.QName(root)
    name = str(qname.localname)
    found = MESSAGE_TYPES.get(name.removesuffix("Message"))
    if qname.namespace != CEB_NS or found is None or not name.endswith("Message"):
        handled = ", ".join(MESSAGE_TYPES)
        raise CebXmlError(
            [
                XmlProblem(
                    xml.UNKNOWN_MESSAGE,
                    f"{name} is not a message this window takes (it takes {handled})",
                    f"不受理 {name} 报文（受理：{handled}）",
                    root.sourceline,
                    name,
                )
            ]
        )
    return found


def to_message(tree: Any) -> CebMessage:
    """Map a parsed (and validated) message to its documents."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    kind = message_type_of(root)
    documents: list[Document] = []
    lines: list[int] = []
    if kind.receipt or kind.flat:
        for head in root.iterchildren(_q(kind.head)):
            documents.append(_document(head, kind.head_fields))
            lines.append(head.sourceline)
    else:
        for record in root.iterchildren(_q(kind.record or "")):
            head = record.find(_q(kind.head))
            document = _document(head, kind.head_fields) if head is not None else {}
            if kind.line:
                document["items"] = [
                    _document(line, kind.line_fields) for line in record.iterchildren(_q(kind.line))
                ]
            documents.append(document)
            lines.append(record.sourceline)
    transfer = root.find(_q("BaseTransfer"))
    base_transfer = None
    if transfer is not None:
        values = {n: _text(transfer, n) for n, _ in BASE_TRANSFER}
        base_transfer = BaseTransfer(
            copCode=values["copCode"] or "",
            copName=values["copName"] or "",
            dxpMode=values["dxpMode"] or "",
            dxpId=values["dxpId"] or "",
            note=values["note"] or None,
        )
    return CebMessage(
        type=kind.name,
        guid=root.get("guid", ""),
        version=root.get("version", ""),
        baseTransfer=base_transfer,
        documents=documents,
        lines=lines,
        signed=root.find(f"{{{DS_NS}}}Signature") is not None,
    )


def _text(parent: Any, name: str) -> str | None:
    child = parent.find(_q(name))
    return None if child is None else (child.text or "")


def _document(element: Any, fields: FieldSpec) -> Document:
    document: Document = {}
    for name, kind in fields:
        text = _text(element, name)
        if not text:  # an empty optional element means absent
            continue
        if kind is Kind.INT:
            document[name] = int(text.strip())
        elif kind is Kind.DECIMAL:
            document[name] = text.strip()
        else:
            document[name] = text
    return document


# -- documents → XML ------------------------------------------------------------------


def build_message(
    message_type: str,
    documents: Sequence[Mapping[str, Any] | BaseModel],
    base_transfer: BaseTransfer | None,
    *,
    guid: str | None = None,
    version: str = "1.0",
    now: datetime | None = None,
) -> bytes:
    """A CEB message (UTF-8 bytes) holding one record per document, in the schema's
    element order. A head's ``guid``, ``appType``, ``appTime`` and ``appStatus`` that a
    document leaves out are filled (a new guid, 1 add, now in China time, 2 declared),
    as is an order's ``orderType`` (I). A CEB621 still needs its signature to be valid.
    ``ValueError`` names a field the message has no place for."""
    kind = MESSAGE_TYPES.get(message_type.removesuffix("Message"))
    if kind is None:
        known = ", ".join(MESSAGE_TYPES)
        raise ValueError(f"unknown message type {message_type!r}: one of {known}")
    if not kind.receipt and base_transfer is None:
        raise ValueError(f"a {kind.name} message names its sender in a BaseTransfer")
    stamp = (now or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME).strftime("%Y%m%d%H%M%S")
    root = etree.Element(
        _q(kind.root), {"guid": guid or new_guid(), "version": version}, nsmap={"ceb": CEB_NS}
    )
    for index, given in enumerate(documents):
        document = _plain(given)
        where = f"document {index + 1}"
        if kind.receipt:
            _write(root, kind.head, kind.head_fields, document, where)
            continue
        head = dict(document)
        items = head.pop("items", None)
        if not kind.line and items is not None:
            head["items"] = items  # reported as unknown below
        defaults = {"guid": new_guid(), "appType": "1", "appTime": stamp, "appStatus": "2"}
        if kind.name == "CEB311":
            defaults["orderType"] = "I"
        for name, value in defaults.items():
            if head.get(name) in (None, ""):
                head[name] = value
        if kind.flat:
            _write(root, kind.head, kind.head_fields, head, where)
            continue
        record = etree.SubElement(root, _q(kind.record or ""))
        _write(record, kind.head, kind.head_fields, head, where)
        if kind.line:
            for number, item in enumerate(items or []):
                line = item if isinstance(item, Mapping) else _plain(item)
                _write(record, kind.line, kind.line_fields, line, f"{where}, line {number + 1}")
    if base_transfer is not None:
        transfer = base_transfer.as_dict()
        _write(root, "BaseTransfer", BASE_TRANSFER, transfer, "BaseTransfer", keep_empty=True)
    return xml.serialize(root)


def new_guid() -> str:
    """A message or record guid: 36 characters, upper case, as the schema asks."""
    return str(uuid.uuid4()).upper()


def _plain(document: Mapping[str, Any] | BaseModel) -> Document:
    if isinstance(document, BaseModel):
        return document.model_dump(exclude_none=True)
    return dict(document)


def _write(
    parent: Any,
    tag: str,
    fields: FieldSpec,
    document: Mapping[str, Any],
    where: str,
    *,
    keep_empty: bool = False,
) -> None:
    known = {name for name, _ in fields} | NOT_IN_MESSAGE.get(tag, frozenset())
    unknown = sorted(set(document) - known)
    if unknown:
        raise ValueError(f"{where}: {tag} has no field {', '.join(unknown)}")
    element = etree.SubElement(parent, _q(tag))
    for name, kind in fields:
        value = document.get(name)
        if value is None or (value == "" and not keep_empty):
            continue
        etree.SubElement(element, _q(name)).text = _xml_text(value, kind, f"{where}: {name}")


def _json_kind(value: Any) -> str:
    """What a JSON value is, as its writer would say it (not Python's name for it)."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else "a value of another kind"


def _xml_text(value: Any, kind: Kind, where: str) -> str:
    if kind is Kind.TEXT:
        if not isinstance(value, str):
            raise ValueError(f"{where} must be a string, not {_json_kind(value)}")
        return value
    if isinstance(value, bool):
        raise ValueError(f"{where} must be a number")
    if kind is Kind.INT:
        try:
            return str(value if isinstance(value, int) else int(str(value).strip()))
        except ValueError:
            raise ValueError(f"{where} must be a whole number") from None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{where} must be a decimal number") from None
    if not amount.is_finite():
        raise ValueError(f"{where} must be a finite number")
    return format(amount, "f")


# Who sends each message when nothing says otherwise: the platform its orders, the
# payment company its payments, the logistics company its waybills, the declaring agent
# its inventories.
SENDER_FIELDS = {
    "CEB311": ("ebpCode", "ebpName"),
    "CEB411": ("payCode", "payName"),
    "CEB511": ("logisticsCode", "logisticsName"),
    "CEB621": ("agentCode", "agentName"),
    "CEB623": ("agentCode", "agentName"),
    "CEB625": ("agentCode", "agentName"),
}


def default_sender(message_type: str, document: Mapping[str, Any]) -> BaseTransfer:
    """The BaseTransfer of a message whose sender is the usual party of its first record."""
    code, name = SENDER_FIELDS[message_type.removesuffix("Message")]
    return BaseTransfer(
        copCode=str(document.get(code) or ""), copName=str(document.get(name) or "")
    )
