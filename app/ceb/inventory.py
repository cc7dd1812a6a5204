"""A declaration as the customs inventory (CEB621) it amounts to.

A declaration carries the order, payment and waybill; the inventory also needs declarant
fields. Where the declaration does not give them, these defaults hold (documented in the
README): the customs and port codes `0000` (not given), the e-commerce company as the
declaring agent and as tax guarantor, transport by air (`trafMode` 5), the legal quantity
and unit as declared, the net weight as the gross weight."""

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

NOT_GIVEN = "0000"
AIR = "5"
CNY = "142"


def pre_no(declaration_id: str) -> str:
    """The window's 18-character pre-entry number for a declaration's inventory."""
    digits = int(hashlib.sha256(declaration_id.encode()).hexdigest(), 16) % 10**16
    return f"SW{digits:016d}"


def inventory_document(
    declaration_id: str,
    documents: Mapping[str, Any],
    declared_at: datetime,
    customs_code: str | None = None,
    port_code: str | None = None,
) -> dict[str, Any]:
    """The CEB621 inventory record (head fields and ``items``) of a declaration."""
    order: Mapping[str, Any] = documents.get("order") or {}
    logistics: Mapping[str, Any] = documents.get("logistics") or {}
    items = list(order.get("items") or [])
    weight = logistics.get("weight")
    head: dict[str, Any] = {
        "orderNo": order.get("orderNo"),
        "ebpCode": order.get("ebpCode"),
        "ebpName": order.get("ebpName"),
        "ebcCode": order.get("ebcCode"),
        "ebcName": order.get("ebcName"),
        "logisticsNo": logistics.get("logisticsNo"),
        "logisticsCode": logistics.get("logisticsCode"),
        "logisticsName": logistics.get("logisticsName"),
        "copNo": str(order.get("orderNo") or "")[:20],
        "preNo": pre_no(declaration_id),
        "assureCode": order.get("ebcCode"),
        "ieFlag": "I",
        "declTime": declared_at.strftime("%Y%m%d"),
        "customsCode": customs_code or documents.get("customsCode") or NOT_GIVEN,
        "portCode": port_code or documents.get("portCode") or NOT_GIVEN,
        "buyerIdType": order.get("buyerIdType", "1"),
        "buyerIdNumber": order.get("buyerIdNumber"),
        "buyerName": order.get("buyerName"),
        "buyerTelephone": order.get("buyerTelephone"),
        "consigneeAddress": order.get("consigneeAddress") or logistics.get("consigneeAddress"),
        "agentCode": order.get("ebcCode"),
        "agentName": order.get("ebcName"),
        "tradeMode": documents.get("tradeMode", "9610"),
        "trafMode": AIR,
        "billNo": logistics.get("billNo"),
        "country": (items[0].get("country") if items else None) or CNY,
        "freight": order.get("freight", 0),
        "insuredFee": logistics.get("insuredFee", 0),
        "currency": CNY,
        "packNo": logistics.get("packNo", 1),
        "grossWeight": weight,
        "netWeight": weight,
    }
    head["items"] = [
        {
            "gnum": item.get("gnum"),
            "itemNo": item.get("itemNo"),
            "itemName": item.get("itemName"),
            "gcode": item.get("gcode"),
            "gname": item.get("itemName"),
            "gmodel": item.get("gmodel"),
            "barCode": item.get("barCode"),
            "country": item.get("country"),
            "currency": CNY,
            "qty": item.get("qty"),
            "unit": item.get("unit"),
            "qty1": item.get("qty"),
            "unit1": item.get("unit"),
            "price": item.get("price"),
            "totalPrice": item.get("totalPrice"),
        }
        for item in items
    ]
    return {k: v for k, v in head.items() if v is not None}
