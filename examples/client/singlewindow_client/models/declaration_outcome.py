from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clearance_status import ClearanceStatus
from ..models.declaration_outcome_outcome import DeclarationOutcomeOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.violation import Violation


T = TypeVar("T", bound="DeclarationOutcome")


@_attrs_define
class DeclarationOutcome:
    """What became of the declaration the three documents made.

    Attributes:
        outcome (DeclarationOutcomeOutcome): `accepted`: declared (its `id`); `declaration_refused`: the rules refused
            it (every violation listed; send a corrected document with appType 2 to try again); `duplicate_order`: the order
            was declared already.
        ceb_status (int | None | Unset):
        id (None | str | Unset): The declaration, when accepted.
        location (None | str | Unset):
        status (ClearanceStatus | None | Unset):
        violations (list[Violation] | Unset):
    """

    outcome: DeclarationOutcomeOutcome
    ceb_status: int | None | Unset = UNSET
    id: None | str | Unset = UNSET
    location: None | str | Unset = UNSET
    status: ClearanceStatus | None | Unset = UNSET
    violations: list[Violation] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        ceb_status: int | None | Unset
        if isinstance(self.ceb_status, Unset):
            ceb_status = UNSET
        else:
            ceb_status = self.ceb_status

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ClearanceStatus):
            status = self.status.value
        else:
            status = self.status

        violations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.violations, Unset):
            violations = []
            for violations_item_data in self.violations:
                violations_item = violations_item_data.to_dict()
                violations.append(violations_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
            }
        )
        if ceb_status is not UNSET:
            field_dict["cebStatus"] = ceb_status
        if id is not UNSET:
            field_dict["id"] = id
        if location is not UNSET:
            field_dict["location"] = location
        if status is not UNSET:
            field_dict["status"] = status
        if violations is not UNSET:
            field_dict["violations"] = violations

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.violation import Violation  # noqa: PLC0415

        d = dict(src_dict)
        outcome = DeclarationOutcomeOutcome(d.pop("outcome"))

        def _parse_ceb_status(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ceb_status = _parse_ceb_status(d.pop("cebStatus", UNSET))

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_status(data: object) -> ClearanceStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = ClearanceStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ClearanceStatus | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        _violations = d.pop("violations", UNSET)
        violations: list[Violation] | Unset = UNSET
        if _violations is not UNSET:
            violations = []
            for violations_item_data in _violations:
                violations_item = Violation.from_dict(violations_item_data)

                violations.append(violations_item)

        declaration_outcome = cls(
            outcome=outcome,
            ceb_status=ceb_status,
            id=id,
            location=location,
            status=status,
            violations=violations,
        )

        declaration_outcome.additional_properties = d
        return declaration_outcome

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
