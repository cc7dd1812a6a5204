from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agency import Agency
from ..models.clearance_status import ClearanceStatus

T = TypeVar("T", bound="DeclarationEventOut")


@_attrs_define
class DeclarationEventOut:
    """
    Attributes:
        agency (Agency | None):
        ceb_status (int):
        created_at (datetime.datetime):
        id (int):
        note (None | str):
        status (ClearanceStatus):
    """

    agency: Agency | None
    ceb_status: int
    created_at: datetime.datetime
    id: int
    note: None | str
    status: ClearanceStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agency: None | str
        if isinstance(self.agency, Agency):
            agency = self.agency.value
        else:
            agency = self.agency

        ceb_status = self.ceb_status

        created_at = self.created_at.isoformat()

        id = self.id

        note: None | str
        note = self.note

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agency": agency,
                "cebStatus": ceb_status,
                "createdAt": created_at,
                "id": id,
                "note": note,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agency(data: object) -> Agency | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agency_type_0 = Agency(data)

                return agency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Agency | None, data)

        agency = _parse_agency(d.pop("agency"))

        ceb_status = d.pop("cebStatus")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = d.pop("id")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        status = ClearanceStatus(d.pop("status"))

        declaration_event_out = cls(
            agency=agency,
            ceb_status=ceb_status,
            created_at=created_at,
            id=id,
            note=note,
            status=status,
        )

        declaration_event_out.additional_properties = d
        return declaration_event_out

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
