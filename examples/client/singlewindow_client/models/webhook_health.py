from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookHealth")


@_attrs_define
class WebhookHealth:
    """How pushing to the endpoint goes.

    Attributes:
        consecutive_failures (int): Failed pushes since the last success.
        last_failure_at (datetime.datetime | None): The last push that failed.
        last_failure_reason (None | str): Why the last failed push failed.
        last_success_at (datetime.datetime | None): The last push it answered 2xx.
        next_attempt_at (datetime.datetime | None): When a failing endpoint is tried again; null when it is not failing.
        parked (bool): Parked after repeated failures: only a probe goes out, at the retry schedule's pace, until one
            succeeds; events wait in order meanwhile.
    """

    consecutive_failures: int
    last_failure_at: datetime.datetime | None
    last_failure_reason: None | str
    last_success_at: datetime.datetime | None
    next_attempt_at: datetime.datetime | None
    parked: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consecutive_failures = self.consecutive_failures

        last_failure_at: None | str
        if isinstance(self.last_failure_at, datetime.datetime):
            last_failure_at = self.last_failure_at.isoformat()
        else:
            last_failure_at = self.last_failure_at

        last_failure_reason: None | str
        last_failure_reason = self.last_failure_reason

        last_success_at: None | str
        if isinstance(self.last_success_at, datetime.datetime):
            last_success_at = self.last_success_at.isoformat()
        else:
            last_success_at = self.last_success_at

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        parked = self.parked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consecutiveFailures": consecutive_failures,
                "lastFailureAt": last_failure_at,
                "lastFailureReason": last_failure_reason,
                "lastSuccessAt": last_success_at,
                "nextAttemptAt": next_attempt_at,
                "parked": parked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consecutive_failures = d.pop("consecutiveFailures")

        def _parse_last_failure_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_failure_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_failure_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_failure_at = _parse_last_failure_at(d.pop("lastFailureAt"))

        def _parse_last_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_failure_reason = _parse_last_failure_reason(d.pop("lastFailureReason"))

        def _parse_last_success_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_success_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_success_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_success_at = _parse_last_success_at(d.pop("lastSuccessAt"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))

        parked = d.pop("parked")

        webhook_health = cls(
            consecutive_failures=consecutive_failures,
            last_failure_at=last_failure_at,
            last_failure_reason=last_failure_reason,
            last_success_at=last_success_at,
            next_attempt_at=next_attempt_at,
            parked=parked,
        )

        webhook_health.additional_properties = d
        return webhook_health

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
