from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaxAssessed")


@_attrs_define
class TaxAssessed:
    """
    Attributes:
        consumption_tax (str):
        customs_tax (str):
        total (str):
        value_added_tax (str):
    """

    consumption_tax: str
    customs_tax: str
    total: str
    value_added_tax: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consumption_tax = self.consumption_tax

        customs_tax = self.customs_tax

        total = self.total

        value_added_tax = self.value_added_tax

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consumptionTax": consumption_tax,
                "customsTax": customs_tax,
                "total": total,
                "valueAddedTax": value_added_tax,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consumption_tax = d.pop("consumptionTax")

        customs_tax = d.pop("customsTax")

        total = d.pop("total")

        value_added_tax = d.pop("valueAddedTax")

        tax_assessed = cls(
            consumption_tax=consumption_tax,
            customs_tax=customs_tax,
            total=total,
            value_added_tax=value_added_tax,
        )

        tax_assessed.additional_properties = d
        return tax_assessed

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
