from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SignaturePolicyPublic")


@_attrs_define
class SignaturePolicyPublic:
    """
    Attributes:
        customs_code (str):
        unsigned_accepted (bool):
        updated_at (datetime.datetime):
    """

    customs_code: str
    unsigned_accepted: bool
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customs_code = self.customs_code

        unsigned_accepted = self.unsigned_accepted

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customsCode": customs_code,
                "unsignedAccepted": unsigned_accepted,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customs_code = d.pop("customsCode")

        unsigned_accepted = d.pop("unsignedAccepted")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        signature_policy_public = cls(
            customs_code=customs_code,
            unsigned_accepted=unsigned_accepted,
            updated_at=updated_at,
        )

        signature_policy_public.additional_properties = d
        return signature_policy_public

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
