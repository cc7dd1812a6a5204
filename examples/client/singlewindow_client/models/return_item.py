from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReturnItem")


@_attrs_define
class ReturnItem:
    """
    Attributes:
        gnum (int): The line of the order returned.
        qty (float | str):
    """

    gnum: int
    qty: float | str

    def to_dict(self) -> dict[str, Any]:
        gnum = self.gnum

        qty: float | str
        qty = self.qty

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "gnum": gnum,
                "qty": qty,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        gnum = d.pop("gnum")

        def _parse_qty(data: object) -> float | str:
            return cast(float | str, data)

        qty = _parse_qty(d.pop("qty"))

        return_item = cls(
            gnum=gnum,
            qty=qty,
        )

        return return_item
