from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AfterRelease")


@_attrs_define
class AfterRelease:
    """Cancellations and returns finished in the period (by when they finished, not when
    their declarations were created), what they refunded and gave back to buyers'
    annual quotas.

        Attributes:
            cancellations (int):
            quota_given_back (str):
            refund_total (str):
            refused (int):
            returns (int):
    """

    cancellations: int
    quota_given_back: str
    refund_total: str
    refused: int
    returns: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cancellations = self.cancellations

        quota_given_back = self.quota_given_back

        refund_total = self.refund_total

        refused = self.refused

        returns = self.returns

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cancellations": cancellations,
                "quotaGivenBack": quota_given_back,
                "refundTotal": refund_total,
                "refused": refused,
                "returns": returns,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancellations = d.pop("cancellations")

        quota_given_back = d.pop("quotaGivenBack")

        refund_total = d.pop("refundTotal")

        refused = d.pop("refused")

        returns = d.pop("returns")

        after_release = cls(
            cancellations=cancellations,
            quota_given_back=quota_given_back,
            refund_total=refund_total,
            refused=refused,
            returns=returns,
        )

        after_release.additional_properties = d
        return after_release

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
