from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clearance_status import ClearanceStatus

T = TypeVar("T", bound="DeclarationSummary")


@_attrs_define
class DeclarationSummary:
    """
    Attributes:
        ceb_status (int):
        created_at (datetime.datetime):
        dutiable_value (str):
        ebc_code (str):
        ebp_code (str):
        id (str):
        logistics_code (str):
        logistics_no (str):
        order_no (str):
        status (ClearanceStatus):
        trade_mode (str):
        updated_at (datetime.datetime):
    """

    ceb_status: int
    created_at: datetime.datetime
    dutiable_value: str
    ebc_code: str
    ebp_code: str
    id: str
    logistics_code: str
    logistics_no: str
    order_no: str
    status: ClearanceStatus
    trade_mode: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ceb_status = self.ceb_status

        created_at = self.created_at.isoformat()

        dutiable_value = self.dutiable_value

        ebc_code = self.ebc_code

        ebp_code = self.ebp_code

        id = self.id

        logistics_code = self.logistics_code

        logistics_no = self.logistics_no

        order_no = self.order_no

        status = self.status.value

        trade_mode = self.trade_mode

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cebStatus": ceb_status,
                "createdAt": created_at,
                "dutiableValue": dutiable_value,
                "ebcCode": ebc_code,
                "ebpCode": ebp_code,
                "id": id,
                "logisticsCode": logistics_code,
                "logisticsNo": logistics_no,
                "orderNo": order_no,
                "status": status,
                "tradeMode": trade_mode,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ceb_status = d.pop("cebStatus")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        dutiable_value = d.pop("dutiableValue")

        ebc_code = d.pop("ebcCode")

        ebp_code = d.pop("ebpCode")

        id = d.pop("id")

        logistics_code = d.pop("logisticsCode")

        logistics_no = d.pop("logisticsNo")

        order_no = d.pop("orderNo")

        status = ClearanceStatus(d.pop("status"))

        trade_mode = d.pop("tradeMode")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        declaration_summary = cls(
            ceb_status=ceb_status,
            created_at=created_at,
            dutiable_value=dutiable_value,
            ebc_code=ebc_code,
            ebp_code=ebp_code,
            id=id,
            logistics_code=logistics_code,
            logistics_no=logistics_no,
            order_no=order_no,
            status=status,
            trade_mode=trade_mode,
            updated_at=updated_at,
        )

        declaration_summary.additional_properties = d
        return declaration_summary

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
