from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agency import Agency
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.action_agency_answer_reasons_item import ActionAgencyAnswerReasonsItem
    from ..models.tax_assessed import TaxAssessed


T = TypeVar("T", bound="ActionAgencyAnswer")


@_attrs_define
class ActionAgencyAnswer:
    """
    Attributes:
        agency (Agency):
        decided_at (datetime.datetime):
        status (str): withdrawn, approved, refused (customs), refunded (tax), reversed (forex).
        reasons (list[ActionAgencyAnswerReasonsItem] | Unset):
        refund (None | TaxAssessed | Unset):
    """

    agency: Agency
    decided_at: datetime.datetime
    status: str
    reasons: list[ActionAgencyAnswerReasonsItem] | Unset = UNSET
    refund: None | TaxAssessed | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tax_assessed import TaxAssessed  # noqa: PLC0415

        agency = self.agency.value

        decided_at = self.decided_at.isoformat()

        status = self.status

        reasons: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = []
            for reasons_item_data in self.reasons:
                reasons_item = reasons_item_data.to_dict()
                reasons.append(reasons_item)

        refund: dict[str, Any] | None | Unset
        if isinstance(self.refund, Unset):
            refund = UNSET
        elif isinstance(self.refund, TaxAssessed):
            refund = self.refund.to_dict()
        else:
            refund = self.refund

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agency": agency,
                "decidedAt": decided_at,
                "status": status,
            }
        )
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if refund is not UNSET:
            field_dict["refund"] = refund

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_agency_answer_reasons_item import ActionAgencyAnswerReasonsItem  # noqa: PLC0415
        from ..models.tax_assessed import TaxAssessed  # noqa: PLC0415

        d = dict(src_dict)
        agency = Agency(d.pop("agency"))

        decided_at = datetime.datetime.fromisoformat(d.pop("decidedAt"))

        status = d.pop("status")

        _reasons = d.pop("reasons", UNSET)
        reasons: list[ActionAgencyAnswerReasonsItem] | Unset = UNSET
        if _reasons is not UNSET:
            reasons = []
            for reasons_item_data in _reasons:
                reasons_item = ActionAgencyAnswerReasonsItem.from_dict(reasons_item_data)

                reasons.append(reasons_item)

        def _parse_refund(data: object) -> None | TaxAssessed | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refund_type_0 = TaxAssessed.from_dict(data)

                return refund_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaxAssessed | Unset, data)

        refund = _parse_refund(d.pop("refund", UNSET))

        action_agency_answer = cls(
            agency=agency,
            decided_at=decided_at,
            status=status,
            reasons=reasons,
            refund=refund,
        )

        action_agency_answer.additional_properties = d
        return action_agency_answer

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
