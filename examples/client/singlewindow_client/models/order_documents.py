from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.document_kind import DocumentKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.declaration_outcome import DeclarationOutcome
    from ..models.document_state import DocumentState


T = TypeVar("T", bound="OrderDocuments")


@_attrs_define
class OrderDocuments:
    """What has arrived for an order, and what it still waits for.

    Attributes:
        documents (list[DocumentState]):
        ebp_code (str):
        missing (list[DocumentKind]):
        order_no (str):
        received (list[DocumentKind]):
        declaration (DeclarationOutcome | None | Unset):
    """

    documents: list[DocumentState]
    ebp_code: str
    missing: list[DocumentKind]
    order_no: str
    received: list[DocumentKind]
    declaration: DeclarationOutcome | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.declaration_outcome import DeclarationOutcome  # noqa: PLC0415

        documents = []
        for documents_item_data in self.documents:
            documents_item = documents_item_data.to_dict()
            documents.append(documents_item)

        ebp_code = self.ebp_code

        missing = []
        for missing_item_data in self.missing:
            missing_item = missing_item_data.value
            missing.append(missing_item)

        order_no = self.order_no

        received = []
        for received_item_data in self.received:
            received_item = received_item_data.value
            received.append(received_item)

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
                "documents": documents,
                "ebpCode": ebp_code,
                "missing": missing,
                "orderNo": order_no,
                "received": received,
            }
        )
        if declaration is not UNSET:
            field_dict["declaration"] = declaration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.declaration_outcome import DeclarationOutcome  # noqa: PLC0415
        from ..models.document_state import DocumentState  # noqa: PLC0415

        d = dict(src_dict)
        documents = []
        _documents = d.pop("documents")
        for documents_item_data in _documents:
            documents_item = DocumentState.from_dict(documents_item_data)

            documents.append(documents_item)

        ebp_code = d.pop("ebpCode")

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

        order_documents = cls(
            documents=documents,
            ebp_code=ebp_code,
            missing=missing,
            order_no=order_no,
            received=received,
            declaration=declaration,
        )

        order_documents.additional_properties = d
        return order_documents

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
