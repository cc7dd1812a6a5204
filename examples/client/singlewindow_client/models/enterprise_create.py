from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role

T = TypeVar("T", bound="EnterpriseCreate")


@_attrs_define
class EnterpriseCreate:
    """
    Attributes:
        contact_name (str):
        customs_code (str): 10-character customs registration code.
        name (str):
        roles (list[Role]):
        telephone (str):
        uscc (str): 18-character unified social credit code (GB 32100).
    """

    contact_name: str
    customs_code: str
    name: str
    roles: list[Role]
    telephone: str
    uscc: str

    def to_dict(self) -> dict[str, Any]:
        contact_name = self.contact_name

        customs_code = self.customs_code

        name = self.name

        roles = []
        for roles_item_data in self.roles:
            roles_item = roles_item_data.value
            roles.append(roles_item)

        telephone = self.telephone

        uscc = self.uscc

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contactName": contact_name,
                "customsCode": customs_code,
                "name": name,
                "roles": roles,
                "telephone": telephone,
                "uscc": uscc,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contact_name = d.pop("contactName")

        customs_code = d.pop("customsCode")

        name = d.pop("name")

        roles = []
        _roles = d.pop("roles")
        for roles_item_data in _roles:
            roles_item = Role(roles_item_data)

            roles.append(roles_item)

        telephone = d.pop("telephone")

        uscc = d.pop("uscc")

        enterprise_create = cls(
            contact_name=contact_name,
            customs_code=customs_code,
            name=name,
            roles=roles,
            telephone=telephone,
            uscc=uscc,
        )

        return enterprise_create
