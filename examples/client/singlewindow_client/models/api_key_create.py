from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.key_kind import KeyKind
from ..models.regulator_agency import RegulatorAgency
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKeyCreate")


@_attrs_define
class ApiKeyCreate:
    """`{"kind": "admin"}`, `{"kind": "regulator", "agency": "customs"}` or
    `{"kind": "enterprise", "customsCode": "..."}`.

        Attributes:
            kind (KeyKind):
            agency (None | RegulatorAgency | Unset): For a regulator's key.
            customs_code (None | str | Unset): For an enterprise's key.
            label (None | str | Unset): A note to tell keys apart, e.g. where it is used.
    """

    kind: KeyKind
    agency: None | RegulatorAgency | Unset = UNSET
    customs_code: None | str | Unset = UNSET
    label: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        agency: None | str | Unset
        if isinstance(self.agency, Unset):
            agency = UNSET
        elif isinstance(self.agency, RegulatorAgency):
            agency = self.agency.value
        else:
            agency = self.agency

        customs_code: None | str | Unset
        if isinstance(self.customs_code, Unset):
            customs_code = UNSET
        else:
            customs_code = self.customs_code

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )
        if agency is not UNSET:
            field_dict["agency"] = agency
        if customs_code is not UNSET:
            field_dict["customsCode"] = customs_code
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = KeyKind(d.pop("kind"))

        def _parse_agency(data: object) -> None | RegulatorAgency | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agency_type_0 = RegulatorAgency(data)

                return agency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RegulatorAgency | Unset, data)

        agency = _parse_agency(d.pop("agency", UNSET))

        def _parse_customs_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customs_code = _parse_customs_code(d.pop("customsCode", UNSET))

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        api_key_create = cls(
            kind=kind,
            agency=agency,
            customs_code=customs_code,
            label=label,
        )

        return api_key_create
