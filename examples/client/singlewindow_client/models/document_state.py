from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.document_kind import DocumentKind
from ..models.document_status import DocumentStatus

T = TypeVar("T", bound="DocumentState")


@_attrs_define
class DocumentState:
    """
    Attributes:
        app_type (str):
        expires_at (datetime.datetime):
        fingerprint (str): SHA-256 of its business fields.
        kind (DocumentKind):
        received_at (datetime.datetime):
        sender (str): The customs code of the enterprise it speaks for.
        status (DocumentStatus):
        updated_at (datetime.datetime):
    """

    app_type: str
    expires_at: datetime.datetime
    fingerprint: str
    kind: DocumentKind
    received_at: datetime.datetime
    sender: str
    status: DocumentStatus
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_type = self.app_type

        expires_at = self.expires_at.isoformat()

        fingerprint = self.fingerprint

        kind = self.kind.value

        received_at = self.received_at.isoformat()

        sender = self.sender

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "appType": app_type,
                "expiresAt": expires_at,
                "fingerprint": fingerprint,
                "kind": kind,
                "receivedAt": received_at,
                "sender": sender,
                "status": status,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_type = d.pop("appType")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        fingerprint = d.pop("fingerprint")

        kind = DocumentKind(d.pop("kind"))

        received_at = datetime.datetime.fromisoformat(d.pop("receivedAt"))

        sender = d.pop("sender")

        status = DocumentStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        document_state = cls(
            app_type=app_type,
            expires_at=expires_at,
            fingerprint=fingerprint,
            kind=kind,
            received_at=received_at,
            sender=sender,
            status=status,
            updated_at=updated_at,
        )

        document_state.additional_properties = d
        return document_state

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
