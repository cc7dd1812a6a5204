from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.document_kind import DocumentKind
from ..models.document_status import DocumentStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.declaration_outcome import DeclarationOutcome


T = TypeVar("T", bound="DocumentAnswer")


@_attrs_define
class DocumentAnswer:
    """The answer to a posted document: where its order stands.

    Attributes:
        ebp_code (None | str): The order's platform; null for a waybill whose order has not arrived.
        expires_at (datetime.datetime | None): When the document expires if its order is still not complete.
        kind (DocumentKind):
        missing (list[DocumentKind]):
        order_no (str):
        received (list[DocumentKind]):
        status (DocumentStatus):
        declaration (DeclarationOutcome | None | Unset): Once the three have arrived: what became of them.
    """

    ebp_code: None | str
    expires_at: datetime.datetime | None
    kind: DocumentKind
    missing: list[DocumentKind]
    order_no: str
    received: list[DocumentKind]
    status: DocumentStatus
    declaration: DeclarationOutcome | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.declaration_outcome import DeclarationOutcome  # noqa: PLC0415

        ebp_code: None | str
        ebp_code = self.ebp_code

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        kind = self.kind.value

        missing = []
        for missing_item_data in self.missing:
            missing_item = missing_item_data.value
            missing.append(missing_item)

        order_no = self.order_no

        received = []
        for received_item_data in self.received:
            received_item = received_item_data.value
            received.append(received_item)

        status = self.status.value

        declaration: dict[str, Any] | None | Unset
        if isinstance(self.declaration, Unset):
            declaration = UNSET
        elif isinstance(self.declaration, DeclarationOutcome):
            declaration = self.declaration.to_dict()
        else:
            declaration = self.declaration

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ebpCode": ebp_code,
                "expiresAt": expires_at,
                "kind": kind,
                "missing": missing,
                "orderNo": order_no,
                "received": received,
                "status": status,
            }
        )
        if declaration is not UNSET:
            field_dict["declaration"] = declaration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.declaration_outcome import DeclarationOutcome  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_ebp_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ebp_code = _parse_ebp_code(d.pop("ebpCode"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expiresAt"))

        kind = DocumentKind(d.pop("kind"))

        missing = []
        _missing = d.pop("missing")
        for missing_item_data in _missing:
            missing_item = DocumentKind(missing_item_data)

            missing.append(missing_item)

        order_no = d.pop("orderNo")

        received = []
        _received = d.pop("received")
        for received_item_data in _received:
            received_item = DocumentKind(received_item_data)

            received.append(received_item)

        status = DocumentStatus(d.pop("status"))

        def _parse_declaration(data: object) -> DeclarationOutcome | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                declaration_type_0 = DeclarationOutcome.from_dict(data)

                return declaration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeclarationOutcome | None | Unset, data)

        declaration = _parse_declaration(d.pop("declaration", UNSET))

        document_answer = cls(
            ebp_code=ebp_code,
            expires_at=expires_at,
            kind=kind,
            missing=missing,
            order_no=order_no,
            received=received,
            status=status,
            declaration=declaration,
        )

        document_answer.additional_properties = d
        return document_answer

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
