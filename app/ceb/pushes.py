"""Status pushes as CEB receipts, for webhook endpoints that asked for XML.

A platform that already reads the exchange's CEB622 inventory receipts (进口清单回执)
can take the window's status changes the same way: one ``InventoryReturn`` per change,
its ``returnStatus`` the CEB status code of the declaration's new status (800 released,
100 refused…), keyed by the ``copNo`` and ``preNo`` the window gives the declaration's
inventory (app.ceb.inventory)."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.ceb.inventory import NOT_GIVEN, pre_no
from app.ceb.messages import build_message
from app.ceb.receipts import return_time

# What each CEB622 returnStatus the window pushes means, in Chinese and English.
STATUS_TEXT: dict[int, tuple[str, str]] = {
    2: ("申报", "declared"),
    100: ("退单", "returned by customs (refused)"),
    120: ("入库", "entered into the customs system"),
    300: ("人工审核", "manual review"),
    399: ("海关审结", "decided"),
    500: ("查验", "inspection"),
    501: ("扣留移送通关", "detained"),
    700: ("退运", "returned abroad"),
    800: ("放行", "released"),
    899: ("结关", "closed"),
}

COP_NO_LENGTH = 20
# The exchange's guids are upper case; a push's is derived from its event's id, so that
# every attempt and redelivery of one event carries the same receipt.
_PUSH_GUIDS = uuid.UUID("8a3c8f0e-5b2d-4c1e-9f6a-2d7e0b4c9a51")


def status_receipt(payload: Mapping[str, Any]) -> bytes:
    """The CEB622Message (UTF-8 bytes, valid against the import schema) telling of one
    ``declaration.status_changed`` event (its JSON payload, as the event log keeps it)."""
    data: Mapping[str, Any] = payload["data"]
    ceb_status = int(data["cebStatus"])
    ebc_code = data.get("ebcCode") or None
    record = {
        "guid": push_guid(str(payload["id"])),
        "customsCode": data.get("customsCode") or NOT_GIVEN,
        "ebpCode": data["ebpCode"],
        "ebcCode": ebc_code,
        "agentCode": ebc_code,  # the e-commerce company declares, unless said otherwise
        "copNo": str(data["orderNo"])[:COP_NO_LENGTH],
        "preNo": pre_no(str(data["declarationId"])),
        "returnStatus": str(ceb_status),
        "returnTime": return_time(datetime.fromisoformat(str(payload["createdAt"]))),
        "returnInfo": return_info(ceb_status, str(data.get("status") or "")),
    }
    return build_message("CEB622", [record], None, guid=push_guid(f"message:{payload['id']}"))


def return_info(ceb_status: int, status: str) -> str:
    """``800: 放行 released``; the window's own status name for a code not listed."""
    chinese, english = STATUS_TEXT.get(ceb_status, ("", status))
    return " ".join(part for part in (f"{ceb_status}:", chinese, english) if part)


def push_guid(name: str) -> str:
    return str(uuid.uuid5(_PUSH_GUIDS, name)).upper()
