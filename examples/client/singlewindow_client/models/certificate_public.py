from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_public_algorithm import CertificatePublicAlgorithm

T = TypeVar("T", bound="CertificatePublic")


@_attrs_define
class CertificatePublic:
    """
    Attributes:
        algorithm (CertificatePublicAlgorithm):
        certificate (str): The certificate, PEM.
        created_at (datetime.datetime):
        customs_code (str):
        fingerprint (str): SHA-256 of the certificate's DER, lower-case hex.
        id (int):
        not_after (datetime.datetime):
        not_before (datetime.datetime):
        revoked_at (datetime.datetime | None):
        subject (str):
    """

    algorithm: CertificatePublicAlgorithm
    certificate: str
    created_at: datetime.datetime
    customs_code: str
    fingerprint: str
    id: int
    not_after: datetime.datetime
    not_before: datetime.datetime
    revoked_at: datetime.datetime | None
    subject: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        algorithm = self.algorithm.value

        certificate = self.certificate

        created_at = self.created_at.isoformat()

        customs_code = self.customs_code

        fingerprint = self.fingerprint

        id = self.id

        not_after = self.not_after.isoformat()

        not_before = self.not_before.isoformat()

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        subject = self.subject

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "algorithm": algorithm,
                "certificate": certificate,
                "createdAt": created_at,
                "customsCode": customs_code,
                "fingerprint": fingerprint,
                "id": id,
                "notAfter": not_after,
                "notBefore": not_before,
                "revokedAt": revoked_at,
                "subject": subject,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        algorithm = CertificatePublicAlgorithm(d.pop("algorithm"))

        certificate = d.pop("certificate")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        customs_code = d.pop("customsCode")

        fingerprint = d.pop("fingerprint")

        id = d.pop("id")

        not_after = datetime.datetime.fromisoformat(d.pop("notAfter"))

        not_before = datetime.datetime.fromisoformat(d.pop("notBefore"))

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt"))

        subject = d.pop("subject")

        certificate_public = cls(
            algorithm=algorithm,
            certificate=certificate,
            created_at=created_at,
            customs_code=customs_code,
            fingerprint=fingerprint,
            id=id,
            not_after=not_after,
            not_before=not_before,
            revoked_at=revoked_at,
            subject=subject,
        )

        certificate_public.additional_properties = d
        return certificate_public

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
