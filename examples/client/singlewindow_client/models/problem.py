from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.violation import Violation


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """RFC 9457 problem details, with a stable ``code``.

    Attributes:
        code (str):
        detail (str):
        detail_zh (str):
        status (int):
        title (str):
        title_zh (str):
        type_ (str):
        location (None | str | Unset): The existing record, on a 409.
        request_id (None | str | Unset):
        violations (list[Violation] | None | Unset):
    """

    code: str
    detail: str
    detail_zh: str
    status: int
    title: str
    title_zh: str
    type_: str
    location: None | str | Unset = UNSET
    request_id: None | str | Unset = UNSET
    violations: list[Violation] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        detail_zh = self.detail_zh

        status = self.status

        title = self.title

        title_zh = self.title_zh

        type_ = self.type_

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        violations: list[dict[str, Any]] | None | Unset
        if isinstance(self.violations, Unset):
            violations = UNSET
        elif isinstance(self.violations, list):
            violations = []
            for violations_type_0_item_data in self.violations:
                violations_type_0_item = violations_type_0_item_data.to_dict()
                violations.append(violations_type_0_item)

        else:
            violations = self.violations

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "detailZh": detail_zh,
                "status": status,
                "title": title,
                "titleZh": title_zh,
                "type": type_,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if violations is not UNSET:
            field_dict["violations"] = violations

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.violation import Violation  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        detail_zh = d.pop("detailZh")

        status = d.pop("status")

        title = d.pop("title")

        title_zh = d.pop("titleZh")

        type_ = d.pop("type")

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("requestId", UNSET))

        def _parse_violations(data: object) -> list[Violation] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                violations_type_0 = []
                _violations_type_0 = data
                for violations_type_0_item_data in _violations_type_0:
                    violations_type_0_item = Violation.from_dict(violations_type_0_item_data)

                    violations_type_0.append(violations_type_0_item)

                return violations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Violation] | None | Unset, data)

        violations = _parse_violations(d.pop("violations", UNSET))

        problem = cls(
            code=code,
            detail=detail,
            detail_zh=detail_zh,
            status=status,
            title=title,
            title_zh=title_zh,
            type_=type_,
            location=location,
            request_id=request_id,
            violations=violations,
        )

        problem.additional_properties = d
        return problem

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
