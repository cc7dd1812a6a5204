from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agency import Agency
from ..models.receipt_status import ReceiptStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reason import Reason
    from ..models.tax_assessment import TaxAssessment


T = TypeVar("T", bound="Receipt")


@_attrs_define
class Receipt:
    """One agency's word on one declaration (a CEB receipt, 回执).

    Attributes:
        agency (Agency):
        decided_at (datetime.datetime):
        declaration_id (str):
        sequence (int): Increases with each receipt for the declaration.
        status (ReceiptStatus):
        reasons (list[Reason] | Unset):
        tax (None | TaxAssessment | Unset):
        version (int | Unset): The version of the declaration decided. Default: 1.
    """

    agency: Agency
    decided_at: datetime.datetime
    declaration_id: str
    sequence: int
    status: ReceiptStatus
    reasons: list[Reason] | Unset = UNSET
    tax: None | TaxAssessment | Unset = UNSET
    version: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tax_assessment import TaxAssessment  # noqa: PLC0415

        agency = self.agency.value

        decided_at = self.decided_at.isoformat()

        declaration_id = self.declaration_id

        sequence = self.sequence

        status = self.status.value

        reasons: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = []
            for reasons_item_data in self.reasons:
                reasons_item = reasons_item_data.to_dict()
                reasons.append(reasons_item)

        tax: dict[str, Any] | None | Unset
        if isinstance(self.tax, Unset):
            tax = UNSET
        elif isinstance(self.tax, TaxAssessment):
            tax = self.tax.to_dict()
        else:
            tax = self.tax

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agency": agency,
                "decidedAt": decided_at,
                "declarationId": declaration_id,
                "sequence": sequence,
                "status": status,
            }
        )
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if tax is not UNSET:
            field_dict["tax"] = tax
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reason import Reason  # noqa: PLC0415
        from ..models.tax_assessment import TaxAssessment  # noqa: PLC0415

        d = dict(src_dict)
        agency = Agency(d.pop("agency"))

        decided_at = datetime.datetime.fromisoformat(d.pop("decidedAt"))

        declaration_id = d.pop("declarationId")

        sequence = d.pop("sequence")

        status = ReceiptStatus(d.pop("status"))

        _reasons = d.pop("reasons", UNSET)
        reasons: list[Reason] | Unset = UNSET
        if _reasons is not UNSET:
            reasons = []
            for reasons_item_data in _reasons:
                reasons_item = Reason.from_dict(reasons_item_data)

                reasons.append(reasons_item)

        def _parse_tax(data: object) -> None | TaxAssessment | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tax_type_0 = TaxAssessment.from_dict(data)

                return tax_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaxAssessment | Unset, data)

        tax = _parse_tax(d.pop("tax", UNSET))

        version = d.pop("version", UNSET)

        receipt = cls(
            agency=agency,
            decided_at=decided_at,
            declaration_id=declaration_id,
            sequence=sequence,
            status=status,
            reasons=reasons,
            tax=tax,
            version=version,
        )

        receipt.additional_properties = d
        return receipt

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
