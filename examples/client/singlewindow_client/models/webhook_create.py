from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_create_events_item import WebhookCreateEventsItem
from ..models.webhook_create_format import WebhookCreateFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreate")


@_attrs_define
class WebhookCreate:
    """
    Attributes:
        events (list[WebhookCreateEventsItem]): `declaration.status_changed`: a declaration's status moved.
            `declaration.changed`: a declaration was amended, or a cancellation or return of it was asked for, agreed or
            refused by customs, or done (`change`, `state`). `documents.expired`: a document the enterprise posted on its
            own (order, payment, waybill) expired before the others of its order arrived.
        url (str): Where to POST status changes: an http or https URL of at most 2,000 characters, without user name or
            password, whose host is a public address. Loopback, private, link-local, shared and reserved addresses,
            `localhost` and `*.localhost` are refused (422 `webhook_url_forbidden`), and so is a name that resolves to one
            when a push goes out.
        customs_code (None | str | Unset): Only declarations this enterprise is a party to; all when omitted.
        format_ (WebhookCreateFormat | Unset): `json`: each push is the event as JSON. `ceb`: a
            `declaration.status_changed` push is a CEB622Message (`application/xml`, valid against ceb-import-202205.xsd)
            with one InventoryReturn whose `returnStatus` is the declaration's CEB status (800 released, 100 refused...),
            keyed by `copNo` (the order number's first 20 characters) and the window's `preNo`; other events stay JSON.
            Either way the push is signed the same way. Default: WebhookCreateFormat.JSON.
        secret (None | str | Unset): Signs each push (Standard Webhooks): `whsec_` followed by the base64 of 32 to 64
            random bytes, the HMAC-SHA256 key. Made for you when omitted.
    """

    events: list[WebhookCreateEventsItem]
    url: str
    customs_code: None | str | Unset = UNSET
    format_: WebhookCreateFormat | Unset = WebhookCreateFormat.JSON
    secret: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        url = self.url

        customs_code: None | str | Unset
        if isinstance(self.customs_code, Unset):
            customs_code = UNSET
        else:
            customs_code = self.customs_code

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "events": events,
                "url": url,
            }
        )
        if customs_code is not UNSET:
            field_dict["customsCode"] = customs_code
        if format_ is not UNSET:
            field_dict["format"] = format_
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookCreateEventsItem(events_item_data)

            events.append(events_item)

        url = d.pop("url")

        def _parse_customs_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customs_code = _parse_customs_code(d.pop("customsCode", UNSET))

        _format_ = d.pop("format", UNSET)
        format_: WebhookCreateFormat | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = WebhookCreateFormat(_format_)

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        webhook_create = cls(
            events=events,
            url=url,
            customs_code=customs_code,
            format_=format_,
            secret=secret,
        )

        return webhook_create
