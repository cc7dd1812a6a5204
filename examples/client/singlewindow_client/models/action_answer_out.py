from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clearance_status import ClearanceStatus

if TYPE_CHECKING:
    from ..models.declaration_action_out import DeclarationActionOut


T = TypeVar("T", bound="ActionAnswerOut")


@_attrs_define
class ActionAnswerOut:
    """The answer to a cancellation or return: the action, and the declaration's status
    and version as it left them.

        Attributes:
            action (DeclarationActionOut): A cancellation or a return: where it stands, what it gives back, each agency's
                answer.
            ceb_status (int):
            declaration_id (str):
            status (ClearanceStatus):
            version (int):
    """

    action: DeclarationActionOut
    ceb_status: int
    declaration_id: str
    status: ClearanceStatus
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.to_dict()

        ceb_status = self.ceb_status

        declaration_id = self.declaration_id

        status = self.status.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "cebStatus": ceb_status,
                "declarationId": declaration_id,
                "status": status,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.declaration_action_out import DeclarationActionOut  # noqa: PLC0415

        d = dict(src_dict)
        action = DeclarationActionOut.from_dict(d.pop("action"))

        ceb_status = d.pop("cebStatus")

        declaration_id = d.pop("declarationId")

        status = ClearanceStatus(d.pop("status"))

        version = d.pop("version")

        action_answer_out = cls(
            action=action,
            ceb_status=ceb_status,
            declaration_id=declaration_id,
            status=status,
            version=version,
        )

        action_answer_out.additional_properties = d
        return action_answer_out

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
