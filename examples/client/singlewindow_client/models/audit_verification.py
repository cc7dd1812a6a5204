from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.checkpoint_problem import CheckpointProblem
    from ..models.kept_checkpoint_result import KeptCheckpointResult
    from ..models.row_problem import RowProblem


T = TypeVar("T", bound="AuditVerification")


@_attrs_define
class AuditVerification:
    """
    Attributes:
        broken_seq (int | None): The first row that does not verify.
        checked (int): Rows of the trail checked.
        ok (bool): The chain, the checkpoints and the business rows all verify.
        problem (None | str):
        checkpoint (KeptCheckpointResult | None | Unset): The checkpoint given to verify, if one was.
        checkpoint_problems (list[CheckpointProblem] | Unset):
        checkpoints_checked (int | Unset): Checkpoints compared with the trail. Default: 0.
        head_hash (None | str | Unset): The hash of the last row checked (row `checked`).
        row_problem_count (int | Unset):  Default: 0.
        row_problems (list[RowProblem] | Unset): The first 100 rows that do not match the trail.
        rows_checked (int | Unset): Filings, API keys and declarations compared with their entries. Default: 0.
        unanchored_rows (int | Unset): Rows whose entries all predate state hashes. Default: 0.
    """

    broken_seq: int | None
    checked: int
    ok: bool
    problem: None | str
    checkpoint: KeptCheckpointResult | None | Unset = UNSET
    checkpoint_problems: list[CheckpointProblem] | Unset = UNSET
    checkpoints_checked: int | Unset = 0
    head_hash: None | str | Unset = UNSET
    row_problem_count: int | Unset = 0
    row_problems: list[RowProblem] | Unset = UNSET
    rows_checked: int | Unset = 0
    unanchored_rows: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.kept_checkpoint_result import KeptCheckpointResult  # noqa: PLC0415

        broken_seq: int | None
        broken_seq = self.broken_seq

        checked = self.checked

        ok = self.ok

        problem: None | str
        problem = self.problem

        checkpoint: dict[str, Any] | None | Unset
        if isinstance(self.checkpoint, Unset):
            checkpoint = UNSET
        elif isinstance(self.checkpoint, KeptCheckpointResult):
            checkpoint = self.checkpoint.to_dict()
        else:
            checkpoint = self.checkpoint

        checkpoint_problems: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.checkpoint_problems, Unset):
            checkpoint_problems = []
            for checkpoint_problems_item_data in self.checkpoint_problems:
                checkpoint_problems_item = checkpoint_problems_item_data.to_dict()
                checkpoint_problems.append(checkpoint_problems_item)

        checkpoints_checked = self.checkpoints_checked

        head_hash: None | str | Unset
        if isinstance(self.head_hash, Unset):
            head_hash = UNSET
        else:
            head_hash = self.head_hash

        row_problem_count = self.row_problem_count

        row_problems: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.row_problems, Unset):
            row_problems = []
            for row_problems_item_data in self.row_problems:
                row_problems_item = row_problems_item_data.to_dict()
                row_problems.append(row_problems_item)

        rows_checked = self.rows_checked

        unanchored_rows = self.unanchored_rows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "brokenSeq": broken_seq,
                "checked": checked,
                "ok": ok,
                "problem": problem,
            }
        )
        if checkpoint is not UNSET:
            field_dict["checkpoint"] = checkpoint
        if checkpoint_problems is not UNSET:
            field_dict["checkpointProblems"] = checkpoint_problems
        if checkpoints_checked is not UNSET:
            field_dict["checkpointsChecked"] = checkpoints_checked
        if head_hash is not UNSET:
            field_dict["headHash"] = head_hash
        if row_problem_count is not UNSET:
            field_dict["rowProblemCount"] = row_problem_count
        if row_problems is not UNSET:
            field_dict["rowProblems"] = row_problems
        if rows_checked is not UNSET:
            field_dict["rowsChecked"] = rows_checked
        if unanchored_rows is not UNSET:
            field_dict["unanchoredRows"] = unanchored_rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checkpoint_problem import CheckpointProblem  # noqa: PLC0415
        from ..models.kept_checkpoint_result import KeptCheckpointResult  # noqa: PLC0415
        from ..models.row_problem import RowProblem  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_broken_seq(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        broken_seq = _parse_broken_seq(d.pop("brokenSeq"))

        checked = d.pop("checked")

        ok = d.pop("ok")

        def _parse_problem(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        problem = _parse_problem(d.pop("problem"))

        def _parse_checkpoint(data: object) -> KeptCheckpointResult | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                checkpoint_type_0 = KeptCheckpointResult.from_dict(data)

                return checkpoint_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KeptCheckpointResult | None | Unset, data)

        checkpoint = _parse_checkpoint(d.pop("checkpoint", UNSET))

        _checkpoint_problems = d.pop("checkpointProblems", UNSET)
        checkpoint_problems: list[CheckpointProblem] | Unset = UNSET
        if _checkpoint_problems is not UNSET:
            checkpoint_problems = []
            for checkpoint_problems_item_data in _checkpoint_problems:
                checkpoint_problems_item = CheckpointProblem.from_dict(checkpoint_problems_item_data)

                checkpoint_problems.append(checkpoint_problems_item)

        checkpoints_checked = d.pop("checkpointsChecked", UNSET)

        def _parse_head_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        head_hash = _parse_head_hash(d.pop("headHash", UNSET))

        row_problem_count = d.pop("rowProblemCount", UNSET)

        _row_problems = d.pop("rowProblems", UNSET)
        row_problems: list[RowProblem] | Unset = UNSET
        if _row_problems is not UNSET:
            row_problems = []
            for row_problems_item_data in _row_problems:
                row_problems_item = RowProblem.from_dict(row_problems_item_data)

                row_problems.append(row_problems_item)

        rows_checked = d.pop("rowsChecked", UNSET)

        unanchored_rows = d.pop("unanchoredRows", UNSET)

        audit_verification = cls(
            broken_seq=broken_seq,
            checked=checked,
            ok=ok,
            problem=problem,
            checkpoint=checkpoint,
            checkpoint_problems=checkpoint_problems,
            checkpoints_checked=checkpoints_checked,
            head_hash=head_hash,
            row_problem_count=row_problem_count,
            row_problems=row_problems,
            rows_checked=rows_checked,
            unanchored_rows=unanchored_rows,
        )

        audit_verification.additional_properties = d
        return audit_verification

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
