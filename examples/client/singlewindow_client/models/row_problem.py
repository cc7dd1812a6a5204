from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.row_problem_subjecttype import RowProblemSubjecttype

T = TypeVar("T", bound="RowProblem")


@_attrs_define
class RowProblem:
    """
    Attributes:
        problem (str): no audit entry; state differs from its newest audit entry (the row was changed without one);
            differs from its acceptance entry (a declaration's parties, numbers, value or documents)
        subject_id (str):
        subject_type (RowProblemSubjecttype):
    """

    problem: str
    subject_id: str
    subject_type: RowProblemSubjecttype
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        problem = self.problem

        subject_id = self.subject_id

        subject_type = self.subject_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "problem": problem,
                "subjectId": subject_id,
                "subjectType": subject_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        problem = d.pop("problem")

        subject_id = d.pop("subjectId")

        subject_type = RowProblemSubjecttype(d.pop("subjectType"))

        row_problem = cls(
            problem=problem,
            subject_id=subject_id,
            subject_type=subject_type,
        )

        row_problem.additional_properties = d
        return row_problem

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
