from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_kind import KeyKind
from ..models.regulator_agency import RegulatorAgency

T = TypeVar("T", bound="ApiKeyPublic")


@_attrs_define
class ApiKeyPublic:
    """
    Attributes:
        agency (None | RegulatorAgency):
        created_at (datetime.datetime):
        created_by (str):
        customs_code (None | str):
        id (str):
        kind (KeyKind):
        label (None | str):
        prefix (str): The key's first characters, to recognise it.
        revoked_at (datetime.datetime | None):
    """

    agency: None | RegulatorAgency
    created_at: datetime.datetime
    created_by: str
    customs_code: None | str
    id: str
    kind: KeyKind
    label: None | str
    prefix: str
    revoked_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agency: None | str
        if isinstance(self.agency, RegulatorAgency):
            agency = self.agency.value
        else:
            agency = self.agency

        created_at = self.created_at.isoformat()

        created_by = self.created_by

        customs_code: None | str
        customs_code = self.customs_code

        id = self.id

        kind = self.kind.value

        label: None | str
        label = self.label

        prefix = self.prefix

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agency": agency,
                "createdAt": created_at,
                "createdBy": created_by,
                "customsCode": customs_code,
                "id": id,
                "kind": kind,
                "label": label,
                "prefix": prefix,
                "revokedAt": revoked_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agency(data: object) -> None | RegulatorAgency:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agency_type_0 = RegulatorAgency(data)

                return agency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RegulatorAgency, data)

        agency = _parse_agency(d.pop("agency"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        created_by = d.pop("createdBy")

        def _parse_customs_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        customs_code = _parse_customs_code(d.pop("customsCode"))

        id = d.pop("id")

        kind = KeyKind(d.pop("kind"))

        def _parse_label(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        label = _parse_label(d.pop("label"))

        prefix = d.pop("prefix")

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt"))

        api_key_public = cls(
            agency=agency,
            created_at=created_at,
            created_by=created_by,
            customs_code=customs_code,
            id=id,
            kind=kind,
            label=label,
            prefix=prefix,
            revoked_at=revoked_at,
        )

        api_key_public.additional_properties = d
        return api_key_public

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
