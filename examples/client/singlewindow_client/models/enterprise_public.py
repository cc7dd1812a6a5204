from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credit_grade import CreditGrade
from ..models.filing_status import FilingStatus
from ..models.role import Role

if TYPE_CHECKING:
    from ..models.enterprise_public_registrations import EnterprisePublicRegistrations


T = TypeVar("T", bound="EnterprisePublic")


@_attrs_define
class EnterprisePublic:
    """
    Attributes:
        contact_name (str):
        created_at (datetime.datetime):
        credit_grade (CreditGrade):
        customs_code (str):
        name (str):
        registrations (EnterprisePublicRegistrations): Agency → the registration number it gave the filing.
        roles (list[Role]):
        status (FilingStatus):
        telephone (str):
        updated_at (datetime.datetime):
        uscc (str):
    """

    contact_name: str
    created_at: datetime.datetime
    credit_grade: CreditGrade
    customs_code: str
    name: str
    registrations: EnterprisePublicRegistrations
    roles: list[Role]
    status: FilingStatus
    telephone: str
    updated_at: datetime.datetime
    uscc: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contact_name = self.contact_name

        created_at = self.created_at.isoformat()

        credit_grade = self.credit_grade.value

        customs_code = self.customs_code

        name = self.name

        registrations = self.registrations.to_dict()

        roles = []
        for roles_item_data in self.roles:
            roles_item = roles_item_data.value
            roles.append(roles_item)

        status = self.status.value

        telephone = self.telephone

        updated_at = self.updated_at.isoformat()

        uscc = self.uscc

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contactName": contact_name,
                "createdAt": created_at,
                "creditGrade": credit_grade,
                "customsCode": customs_code,
                "name": name,
                "registrations": registrations,
                "roles": roles,
                "status": status,
                "telephone": telephone,
                "updatedAt": updated_at,
                "uscc": uscc,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enterprise_public_registrations import EnterprisePublicRegistrations  # noqa: PLC0415

        d = dict(src_dict)
        contact_name = d.pop("contactName")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        credit_grade = CreditGrade(d.pop("creditGrade"))

        customs_code = d.pop("customsCode")

        name = d.pop("name")

        registrations = EnterprisePublicRegistrations.from_dict(d.pop("registrations"))

        roles = []
        _roles = d.pop("roles")
        for roles_item_data in _roles:
            roles_item = Role(roles_item_data)

            roles.append(roles_item)

        status = FilingStatus(d.pop("status"))

        telephone = d.pop("telephone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        uscc = d.pop("uscc")

        enterprise_public = cls(
            contact_name=contact_name,
            created_at=created_at,
            credit_grade=credit_grade,
            customs_code=customs_code,
            name=name,
            registrations=registrations,
            roles=roles,
            status=status,
            telephone=telephone,
            updated_at=updated_at,
            uscc=uscc,
        )

        enterprise_public.additional_properties = d
        return enterprise_public

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
