from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.credit_grade import CreditGrade

T = TypeVar("T", bound="CreditGradeChange")


@_attrs_define
class CreditGradeChange:
    """
    Attributes:
        credit_grade (CreditGrade):
        reason (str): Why; kept in the audit trail.
    """

    credit_grade: CreditGrade
    reason: str

    def to_dict(self) -> dict[str, Any]:
        credit_grade = self.credit_grade.value

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "creditGrade": credit_grade,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credit_grade = CreditGrade(d.pop("creditGrade"))

        reason = d.pop("reason")

        credit_grade_change = cls(
            credit_grade=credit_grade,
            reason=reason,
        )

        return credit_grade_change
