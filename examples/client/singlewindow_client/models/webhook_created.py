from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_created_format import WebhookCreatedFormat

if TYPE_CHECKING:
    from ..models.webhook_health import WebhookHealth


T = TypeVar("T", bound="WebhookCreated")


@_attrs_define
class WebhookCreated:
    """
    Attributes:
        created_at (datetime.datetime):
        customs_code (None | str):
        events (list[str]):
        format_ (WebhookCreatedFormat): `json`: pushes are JSON. `ceb`: status changes come as CEB622 XML.
        health (WebhookHealth): How pushing to the endpoint goes.
        id (str):
        secret (None | str): Shown once: verify each push's signature with it, e.g. with a Standard Webhooks library
            (`Webhook(secret).verify(body, headers)`). A replay of the request under the same Idempotency-Key answers null
            here.
        url (str):
    """

    created_at: datetime.datetime
    customs_code: None | str
    events: list[str]
    format_: WebhookCreatedFormat
    health: WebhookHealth
    id: str
    secret: None | str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        customs_code: None | str
        customs_code = self.customs_code

        events = self.events

        format_ = self.format_.value

        health = self.health.to_dict()

        id = self.id

        secret: None | str
        secret = self.secret

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "customsCode": customs_code,
                "events": events,
                "format": format_,
                "health": health,
                "id": id,
                "secret": secret,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_health import WebhookHealth  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_customs_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        customs_code = _parse_customs_code(d.pop("customsCode"))

        events = cast(list[str], d.pop("events"))

        format_ = WebhookCreatedFormat(d.pop("format"))

        health = WebhookHealth.from_dict(d.pop("health"))

        id = d.pop("id")

        def _parse_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret = _parse_secret(d.pop("secret"))

        url = d.pop("url")

        webhook_created = cls(
            created_at=created_at,
            customs_code=customs_code,
            events=events,
            format_=format_,
            health=health,
            id=id,
            secret=secret,
            url=url,
        )

        webhook_created.additional_properties = d
        return webhook_created

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
