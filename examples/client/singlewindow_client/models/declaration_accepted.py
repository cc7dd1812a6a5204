from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clearance_status import ClearanceStatus

T = TypeVar("T", bound="DeclarationAccepted")


@_attrs_define
class DeclarationAccepted:
    """
    Attributes:
        ceb_status (int): CEB receipt code: 120 entered into the system.
        created_at (datetime.datetime):
        id (str):
        status (ClearanceStatus):
    """

    ceb_status: int
    created_at: datetime.datetime
    id: str
    status: ClearanceStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ceb_status = self.ceb_status

        created_at = self.created_at.isoformat()

        id = self.id

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cebStatus": ceb_status,
                "createdAt": created_at,
                "id": id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ceb_status = d.pop("cebStatus")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = d.pop("id")

        status = ClearanceStatus(d.pop("status"))

        declaration_accepted = cls(
            ceb_status=ceb_status,
            created_at=created_at,
            id=id,
            status=status,
        )

        declaration_accepted.additional_properties = d
        return declaration_accepted

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
