from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.return_item import ReturnItem


T = TypeVar("T", bound="ReturnRequest")


@_attrs_define
class ReturnRequest:
    """
    Attributes:
        items (list[ReturnItem]):
        logistics_no (str): The return waybill.
        reason (str):
    """

    items: list[ReturnItem]
    logistics_no: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        logistics_no = self.logistics_no

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "items": items,
                "logisticsNo": logistics_no,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.return_item import ReturnItem  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ReturnItem.from_dict(items_item_data)

            items.append(items_item)

        logistics_no = d.pop("logisticsNo")

        reason = d.pop("reason")

        return_request = cls(
            items=items,
            logistics_no=logistics_no,
            reason=reason,
        )

        return return_request
