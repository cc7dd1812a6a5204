from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.declaration_action_out_kind import DeclarationActionOutKind
from ..models.declaration_action_out_status import DeclarationActionOutStatus

if TYPE_CHECKING:
    from ..models.action_agency_answer import ActionAgencyAnswer
    from ..models.returned_line_out import ReturnedLineOut
    from ..models.tax_assessed import TaxAssessed


T = TypeVar("T", bound="DeclarationActionOut")


@_attrs_define
class DeclarationActionOut:
    """A cancellation or a return: where it stands, what it gives back, each agency's
    answer.

        Attributes:
            agencies (list[ActionAgencyAnswer]):
            completed_at (datetime.datetime | None):
            created_at (datetime.datetime):
            id (str):
            items (list[ReturnedLineOut]): A return's lines.
            kind (DeclarationActionOutKind):
            logistics_no (None | str): A return's waybill.
            quota_given_back (str): CNY given back to the buyer's annual quota (once completed; an estimate before).
            reason (str):
            refund (None | TaxAssessed): The tax refunded, once tax has answered.
            requested_by (str):
            status (DeclarationActionOutStatus):
            version (int): The declaration's version it was asked about.
    """

    agencies: list[ActionAgencyAnswer]
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    id: str
    items: list[ReturnedLineOut]
    kind: DeclarationActionOutKind
    logistics_no: None | str
    quota_given_back: str
    reason: str
    refund: None | TaxAssessed
    requested_by: str
    status: DeclarationActionOutStatus
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tax_assessed import TaxAssessed  # noqa: PLC0415

        agencies = []
        for agencies_item_data in self.agencies:
            agencies_item = agencies_item_data.to_dict()
            agencies.append(agencies_item)

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at = self.created_at.isoformat()

        id = self.id

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        kind = self.kind.value

        logistics_no: None | str
        logistics_no = self.logistics_no

        quota_given_back = self.quota_given_back

        reason = self.reason

        refund: dict[str, Any] | None
        if isinstance(self.refund, TaxAssessed):
            refund = self.refund.to_dict()
        else:
            refund = self.refund

        requested_by = self.requested_by

        status = self.status.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agencies": agencies,
                "completedAt": completed_at,
                "createdAt": created_at,
                "id": id,
                "items": items,
                "kind": kind,
                "logisticsNo": logistics_no,
                "quotaGivenBack": quota_given_back,
                "reason": reason,
                "refund": refund,
                "requestedBy": requested_by,
                "status": status,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_agency_answer import ActionAgencyAnswer  # noqa: PLC0415
        from ..models.returned_line_out import ReturnedLineOut  # noqa: PLC0415
        from ..models.tax_assessed import TaxAssessed  # noqa: PLC0415

        d = dict(src_dict)
        agencies = []
        _agencies = d.pop("agencies")
        for agencies_item_data in _agencies:
            agencies_item = ActionAgencyAnswer.from_dict(agencies_item_data)

            agencies.append(agencies_item)

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completedAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = d.pop("id")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ReturnedLineOut.from_dict(items_item_data)

            items.append(items_item)

        kind = DeclarationActionOutKind(d.pop("kind"))

        def _parse_logistics_no(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        logistics_no = _parse_logistics_no(d.pop("logisticsNo"))

        quota_given_back = d.pop("quotaGivenBack")

        reason = d.pop("reason")

        def _parse_refund(data: object) -> None | TaxAssessed:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refund_type_0 = TaxAssessed.from_dict(data)

                return refund_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaxAssessed, data)

        refund = _parse_refund(d.pop("refund"))

        requested_by = d.pop("requestedBy")

        status = DeclarationActionOutStatus(d.pop("status"))

        version = d.pop("version")

        declaration_action_out = cls(
            agencies=agencies,
            completed_at=completed_at,
            created_at=created_at,
            id=id,
            items=items,
            kind=kind,
            logistics_no=logistics_no,
            quota_given_back=quota_given_back,
            reason=reason,
            refund=refund,
            requested_by=requested_by,
            status=status,
            version=version,
        )

        declaration_action_out.additional_properties = d
        return declaration_action_out

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
