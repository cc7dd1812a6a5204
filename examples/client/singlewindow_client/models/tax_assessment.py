from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaxAssessment")


@_attrs_define
class TaxAssessment:
    """
    Attributes:
        consumption_tax (float | str):
        customs_tax (float | str):
        total (float | str):
        value_added_tax (float | str):
    """

    consumption_tax: float | str
    customs_tax: float | str
    total: float | str
    value_added_tax: float | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consumption_tax: float | str
        consumption_tax = self.consumption_tax

        customs_tax: float | str
        customs_tax = self.customs_tax

        total: float | str
        total = self.total

        value_added_tax: float | str
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

        def _parse_consumption_tax(data: object) -> float | str:
            return cast(float | str, data)

        consumption_tax = _parse_consumption_tax(d.pop("consumptionTax"))

        def _parse_customs_tax(data: object) -> float | str:
            return cast(float | str, data)

        customs_tax = _parse_customs_tax(d.pop("customsTax"))

        def _parse_total(data: object) -> float | str:
            return cast(float | str, data)

        total = _parse_total(d.pop("total"))

        def _parse_value_added_tax(data: object) -> float | str:
            return cast(float | str, data)

        value_added_tax = _parse_value_added_tax(d.pop("valueAddedTax"))

        tax_assessment = cls(
            consumption_tax=consumption_tax,
            customs_tax=customs_tax,
            total=total,
            value_added_tax=value_added_tax,
        )

        tax_assessment.additional_properties = d
        return tax_assessment

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
