from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.filing_status_change_status import FilingStatusChangeStatus

T = TypeVar("T", bound="FilingStatusChange")


@_attrs_define
class FilingStatusChange:
    """
    Attributes:
        reason (str): Why; kept in the audit trail.
        status (FilingStatusChangeStatus): `suspended`, `active` (reinstated after a suspension) or `revoked` (final).
    """

    reason: str
    status: FilingStatusChangeStatus

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        status = FilingStatusChangeStatus(d.pop("status"))

        filing_status_change = cls(
            reason=reason,
            status=status,
        )

        return filing_status_change
