from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agency import Agency
from ..models.agency_status import AgencyStatus

if TYPE_CHECKING:
    from ..models.agency_result_detail_type_0 import AgencyResultDetailType0


T = TypeVar("T", bound="AgencyResult")


@_attrs_define
class AgencyResult:
    """
    Attributes:
        agency (Agency):
        detail (AgencyResultDetailType0 | None):
        status (AgencyStatus):
        updated_at (datetime.datetime):
    """

    agency: Agency
    detail: AgencyResultDetailType0 | None
    status: AgencyStatus
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.agency_result_detail_type_0 import AgencyResultDetailType0  # noqa: PLC0415

        agency = self.agency.value

        detail: dict[str, Any] | None
        if isinstance(self.detail, AgencyResultDetailType0):
            detail = self.detail.to_dict()
        else:
            detail = self.detail

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agency": agency,
                "detail": detail,
                "status": status,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agency_result_detail_type_0 import AgencyResultDetailType0  # noqa: PLC0415

        d = dict(src_dict)
        agency = Agency(d.pop("agency"))

        def _parse_detail(data: object) -> AgencyResultDetailType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                detail_type_0 = AgencyResultDetailType0.from_dict(data)

                return detail_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgencyResultDetailType0 | None, data)

        detail = _parse_detail(d.pop("detail"))

        status = AgencyStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        agency_result = cls(
            agency=agency,
            detail=detail,
            status=status,
            updated_at=updated_at,
        )

        agency_result.additional_properties = d
        return agency_result

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
