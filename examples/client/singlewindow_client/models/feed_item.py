from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feed_item_subjecttype import FeedItemSubjecttype

if TYPE_CHECKING:
    from ..models.feed_item_data import FeedItemData


T = TypeVar("T", bound="FeedItem")


@_attrs_define
class FeedItem:
    """
    Attributes:
        actor (str): Who did it: enterprise:<code>, regulator:<agency>:<key>, …
        data (FeedItemData):
        hash_ (str): The audit trail's hash of this row.
        kind (str): filing.created, filing.registered, filing.activated, filing.graded, filing.suspended,
            filing.reinstated, filing.revoked, filing.recorded, declaration.accepted, declaration.refused,
            declaration.status, key.issued, key.rotated, key.revoked, key.recorded, webhook.created, webhook.deleted,
            outbox.redriven, certificate.registered, certificate.revoked, signature_policy.changed
        occurred_at (datetime.datetime):
        seq (int): Position in the shared record; gapless, in commit order.
        subject_id (str):
        subject_type (FeedItemSubjecttype):
    """

    actor: str
    data: FeedItemData
    hash_: str
    kind: str
    occurred_at: datetime.datetime
    seq: int
    subject_id: str
    subject_type: FeedItemSubjecttype
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor = self.actor

        data = self.data.to_dict()

        hash_ = self.hash_

        kind = self.kind

        occurred_at = self.occurred_at.isoformat()

        seq = self.seq

        subject_id = self.subject_id

        subject_type = self.subject_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "data": data,
                "hash": hash_,
                "kind": kind,
                "occurredAt": occurred_at,
                "seq": seq,
                "subjectId": subject_id,
                "subjectType": subject_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feed_item_data import FeedItemData  # noqa: PLC0415

        d = dict(src_dict)
        actor = d.pop("actor")

        data = FeedItemData.from_dict(d.pop("data"))

        hash_ = d.pop("hash")

        kind = d.pop("kind")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurredAt"))

        seq = d.pop("seq")

        subject_id = d.pop("subjectId")

        subject_type = FeedItemSubjecttype(d.pop("subjectType"))

        feed_item = cls(
            actor=actor,
            data=data,
            hash_=hash_,
            kind=kind,
            occurred_at=occurred_at,
            seq=seq,
            subject_id=subject_id,
            subject_type=subject_type,
        )

        feed_item.additional_properties = d
        return feed_item

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
