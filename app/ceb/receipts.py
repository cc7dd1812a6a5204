"""What the window answers a CEB message with.

A message that is read is answered record by record with its receipt (CEB312 for a
CEB311, CEB412, CEB512, CEB622): one return record per record, echoing its keys, with
``returnStatus`` (negative when the record is refused; the others go on),
``returnTime`` (YYYYMMDDhhmmssSSS, China time) and ``returnInfo`` (each reason as its
rule code, then Chinese, then English). A message refused as a whole is answered with a
CEB900Message, a shape of this service's own (the import schema has none), listing every
problem::

    <CEB900Message guid="…" version="1.0" returnTime="20260101120000000">
      <Error code="xml_schema_violation" line="12" element="orderNo">
        <message>Element 'orderNo': [facet 'maxLength'] …</message>
        <messageZh>第 12 行 orderNo 不符合报文规范（XSD）：…</messageZh>
      </Error>
    </CEB900Message>
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from app.ceb import xml
from app.ceb.messages import MESSAGE_TYPES, RECEIPT_OF, CebMessage, new_guid
from app.ceb.xml import CEB_NS, XmlProblem
from app.domain.rules import CHINA_TIME
from app.domain.violations import RuleViolation

RETURN_INFO_MAX = 1000
# Receipts about an inventory: they carry its copNo and the window's preNo.
INVENTORY_RECEIPTS = frozenset({"CEB622", "CEB624", "CEB626"})
PRE_NO_LENGTH = 18

# returnStatus of a record the window took: 2, declared (the exchange's "新增申报成功").
DECLARED = "2"
# returnStatus of a refused record: the first code of each message's error family in the
# standard (order −301001…, payment −401001…, waybill −504…, inventory −621…).
REFUSED = {
    "CEB311": "-301001",
    "CEB411": "-401001",
    "CEB511": "-504001",
    "CEB621": "-621001",
    "CEB623": "-623001",
    "CEB625": "-625001",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason in a ``returnInfo``: a rule code with its Chinese and English text."""

    code: str
    messageZh: str
    message: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one record. A CEB622 also needs the record's ``copNo`` (taken from
    the CEB621 when it has one) and the 18-character ``preNo`` the window assigned."""

    status: str
    reasons: tuple[Reason, ...]
    preNo: str | None = None
    copNo: str | None = None
    invtNo: str | None = None

    @classmethod
    def accepted(cls, status: str = DECLARED, **keys: str | None) -> "Outcome":
        reason = Reason("accepted", "新增申报成功", "declared")
        return cls(status, (reason,), **keys)

    @classmethod
    def refused(
        cls, status: str, violations: Iterable[RuleViolation], **keys: str | None
    ) -> "Outcome":
        reasons = tuple(Reason(v.code, v.messageZh, v.message) for v in violations)
        if not reasons:
            raise ValueError("a refusal names at least one reason")
        return cls(status, reasons, **keys)

    @property
    def return_info(self) -> str:
        info = "; ".join(f"{r.code}: {r.messageZh} {r.message}" for r in self.reasons)
        if len(info) > RETURN_INFO_MAX:
            info = info[: RETURN_INFO_MAX - 1] + "…"
        return info or self.status


def return_time(now: datetime | None = None) -> str:
    """``YYYYMMDDhhmmssSSS`` in China time."""
    moment = (now or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME)
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"


def build_receipt(
    message: CebMessage,
    outcomes: Sequence[Outcome],
    *,
    guid: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The receipt (UTF-8 bytes, valid against the import schema) answering ``message``:
    one return record per record, in order, echoing its keys."""
    receipt_type = RECEIPT_OF.get(message.type)
    if receipt_type is None:
        raise ValueError(f"{message.type} is not answered with a receipt")
    if len(outcomes) != len(message.documents):
        raise ValueError(
            f"{len(message.documents)} record(s) need as many outcomes, not {len(outcomes)}"
        )
    kind = MESSAGE_TYPES[receipt_type]
    stamp = return_time(now)
    root = etree.Element(
        f"{{{CEB_NS}}}{kind.root}",
        {"guid": guid or new_guid(), "version": message.version or "1.0"},
        nsmap={None: CEB_NS},
    )
    for document, outcome in zip(message.documents, outcomes, strict=True):
        values = _keys(receipt_type, document, outcome)
        values |= {
            "returnStatus": outcome.status,
            "returnTime": stamp,
            "returnInfo": outcome.return_info,
        }
        record = etree.SubElement(root, f"{{{CEB_NS}}}{kind.head}")
        for name, _ in kind.head_fields:
            value = values.get(name)
            if value:
                etree.SubElement(record, f"{{{CEB_NS}}}{name}").text = value
    return xml.serialize(root)


def _keys(receipt_type: str, document: Mapping[str, Any], outcome: Outcome) -> dict[str, str]:
    guid = document.get("guid")
    keys = {"guid": guid if isinstance(guid, str) and len(guid) == 36 else new_guid()}
    names = {
        "CEB312": ("ebpCode", "ebcCode", "orderNo"),
        "CEB412": ("payCode", "payTransactionId"),
        "CEB512": ("logisticsCode", "logisticsNo"),
        "CEB622": ("customsCode", "ebpCode", "ebcCode", "agentCode", "copNo", "invtNo"),
        "CEB624": ("customsCode", "agentCode", "ebpCode", "ebcCode", "copNo", "invtNo"),
        "CEB626": ("customsCode", "agentCode", "ebpCode", "ebcCode", "copNo", "invtNo"),
    }[receipt_type]
    keys |= {name: str(document[name]) for name in names if document.get(name)}
    if receipt_type in INVENTORY_RECEIPTS:
        cop_no = outcome.copNo or keys.get("copNo")
        if not cop_no:
            raise ValueError(f"a {receipt_type} record needs a copNo: the message has none")
        if outcome.preNo is None or len(outcome.preNo) != PRE_NO_LENGTH:
            raise ValueError(f"a {receipt_type} record needs an {PRE_NO_LENGTH}-character preNo")
        keys |= {"copNo": cop_no, "preNo": outcome.preNo}
        invt_no = outcome.invtNo or keys.pop("invtNo", None)
        if invt_no and len(invt_no) == PRE_NO_LENGTH:
            keys["invtNo"] = invt_no
    return keys


def error_message(
    problems: Sequence[XmlProblem],
    *,
    guid: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """A CEB900Message (UTF-8 bytes) listing every reason a message was refused whole."""
    root = etree.Element(
        "CEB900Message",
        {"guid": guid or new_guid(), "version": "1.0", "returnTime": return_time(now)},
    )
    for problem in problems:
        attributes = {"code": problem.code}
        if problem.line is not None:
            attributes["line"] = str(problem.line)
        if problem.element:
            attributes["element"] = problem.element
        error = etree.SubElement(root, "Error", attributes)
        etree.SubElement(error, "message").text = _xml_safe(problem.message)
        etree.SubElement(error, "messageZh").text = _xml_safe(problem.messageZh)
    return xml.serialize(root)


def _xml_safe(text: str) -> str:
    # A problem may quote what the sender wrote; XML 1.0 cannot hold every character.
    return "".join(c if c in "\t\n\r" or c >= " " else "\ufffd" for c in text)
