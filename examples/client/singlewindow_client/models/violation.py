from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Violation")


@_attrs_define
class Violation:
    """
    Attributes:
        code (str): Stable code of the rule or schema check that failed.
        message (str):
        message_zh (str):
        pointer (None | str): JSON pointer to the field in the request body.
        element (None | str | Unset): In an XML message: the element.
        line (int | None | Unset): In an XML message: the line.
        parameter (None | str | Unset): Query or path parameter, if any.
    """

    code: str
    message: str
    message_zh: str
    pointer: None | str
    element: None | str | Unset = UNSET
    line: int | None | Unset = UNSET
    parameter: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        message_zh = self.message_zh

        pointer: None | str
        pointer = self.pointer

        element: None | str | Unset
        if isinstance(self.element, Unset):
            element = UNSET
        else:
            element = self.element

        line: int | None | Unset
        if isinstance(self.line, Unset):
            line = UNSET
        else:
            line = self.line

        parameter: None | str | Unset
        if isinstance(self.parameter, Unset):
            parameter = UNSET
        else:
            parameter = self.parameter

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
                "messageZh": message_zh,
                "pointer": pointer,
            }
        )
        if element is not UNSET:
            field_dict["element"] = element
        if line is not UNSET:
            field_dict["line"] = line
        if parameter is not UNSET:
            field_dict["parameter"] = parameter

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        message_zh = d.pop("messageZh")

        def _parse_pointer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pointer = _parse_pointer(d.pop("pointer"))

        def _parse_element(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        element = _parse_element(d.pop("element", UNSET))

        def _parse_line(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        line = _parse_line(d.pop("line", UNSET))

        def _parse_parameter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parameter = _parse_parameter(d.pop("parameter", UNSET))

        violation = cls(
            code=code,
            message=message,
            message_zh=message_zh,
            pointer=pointer,
            element=element,
            line=line,
            parameter=parameter,
        )

        violation.additional_properties = d
        return violation

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
