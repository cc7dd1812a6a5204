from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AuditCheckpoint")


@_attrs_define
class AuditCheckpoint:
    """A signed statement that row ``seq`` of the audit trail has hash ``hash``. Keep it:
    given back to ``POST /v1/regulator/audit/verify``, it shows whether the trail still
    holds that row unchanged, and so whether rows were removed from its end since.

        Attributes:
            created_at (datetime.datetime):
            hash_ (str): That row's hash.
            key_id (str): Which of the service's signing keys signed it.
            seq (int): The row of the trail it signs (0: an empty trail).
            signature (str): Hex HMAC-SHA256, under the service's audit key, of the canonical JSON of {"createdAt", "hash",
                "keyId", "seq"} (sorted keys, no spaces, the time in UTC with microseconds).
    """

    created_at: datetime.datetime
    hash_: str
    key_id: str
    seq: int
    signature: str

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        hash_ = self.hash_

        key_id = self.key_id

        seq = self.seq

        signature = self.signature

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "createdAt": created_at,
                "hash": hash_,
                "keyId": key_id,
                "seq": seq,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        hash_ = d.pop("hash")

        key_id = d.pop("keyId")

        seq = d.pop("seq")

        signature = d.pop("signature")

        audit_checkpoint = cls(
            created_at=created_at,
            hash_=hash_,
            key_id=key_id,
            seq=seq,
            signature=signature,
        )

        return audit_checkpoint
