from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CheckpointProblem")


@_attrs_define
class CheckpointProblem:
    """
    Attributes:
        kept (bool): The checkpoint given to verify, not a stored one.
        problem (str): rows missing after a checkpoint (the trail ends before it), checkpoint hash mismatch (the row was
            rewritten), checkpoint signature invalid
        seq (int):
    """

    kept: bool
    problem: str
    seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kept = self.kept

        problem = self.problem

        seq = self.seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kept": kept,
                "problem": problem,
                "seq": seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kept = d.pop("kept")

        problem = d.pop("problem")

        seq = d.pop("seq")

        checkpoint_problem = cls(
            kept=kept,
            problem=problem,
            seq=seq,
        )

        checkpoint_problem.additional_properties = d
        return checkpoint_problem

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
