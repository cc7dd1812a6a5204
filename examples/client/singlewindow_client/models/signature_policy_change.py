from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SignaturePolicyChange")


@_attrs_define
class SignaturePolicyChange:
    """`{"unsignedAccepted": false}`: from now on, refuse the enterprise's unsigned CEB
    messages (`signature_missing`).

        Attributes:
            unsigned_accepted (bool):
    """

    unsigned_accepted: bool

    def to_dict(self) -> dict[str, Any]:
        unsigned_accepted = self.unsigned_accepted

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "unsignedAccepted": unsigned_accepted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        unsigned_accepted = d.pop("unsignedAccepted")

        signature_policy_change = cls(
            unsigned_accepted=unsigned_accepted,
        )

        return signature_policy_change
