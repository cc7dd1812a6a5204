from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_public_outcome import WebhookDeliveryPublicOutcome

T = TypeVar("T", bound="WebhookDeliveryPublic")


@_attrs_define
class WebhookDeliveryPublic:
    """One attempt to push an event to the endpoint.

    Attributes:
        attempted_at (datetime.datetime):
        duration_ms (int):
        error (None | str):
        event_id (str): The event's id, sent as the `webhook-id` header.
        id (str):
        outcome (WebhookDeliveryPublicOutcome): `delivered`: answered 2xx. `failed`: no answer within the deadline, a
            network error or a 5xx/429; tried again. `refused`: an answer retrying will not change (another 4xx, a redirect,
            a URL no longer allowed); the next events go on. `expired`: still undelivered 24 hours after it happened; given
            up on.
        redelivery (bool): Sent again on request.
        status_code (int | None): The endpoint's HTTP status, if it answered.
    """

    attempted_at: datetime.datetime
    duration_ms: int
    error: None | str
    event_id: str
    id: str
    outcome: WebhookDeliveryPublicOutcome
    redelivery: bool
    status_code: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempted_at = self.attempted_at.isoformat()

        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        event_id = self.event_id

        id = self.id

        outcome = self.outcome.value

        redelivery = self.redelivery

        status_code: int | None
        status_code = self.status_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attemptedAt": attempted_at,
                "durationMs": duration_ms,
                "error": error,
                "eventId": event_id,
                "id": id,
                "outcome": outcome,
                "redelivery": redelivery,
                "statusCode": status_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempted_at = datetime.datetime.fromisoformat(d.pop("attemptedAt"))

        duration_ms = d.pop("durationMs")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        event_id = d.pop("eventId")

        id = d.pop("id")

        outcome = WebhookDeliveryPublicOutcome(d.pop("outcome"))

        redelivery = d.pop("redelivery")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("statusCode"))

        webhook_delivery_public = cls(
            attempted_at=attempted_at,
            duration_ms=duration_ms,
            error=error,
            event_id=event_id,
            id=id,
            outcome=outcome,
            redelivery=redelivery,
            status_code=status_code,
        )

        webhook_delivery_public.additional_properties = d
        return webhook_delivery_public

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
