from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CertificateRegistration")


@_attrs_define
class CertificateRegistration:
    """`{"certificate": "-----BEGIN CERTIFICATE-----..."}`: an X.509 certificate (RSA or
    SM2) the enterprise signs its CEB messages with, in PEM.

        Attributes:
            certificate (str):
    """

    certificate: str

    def to_dict(self) -> dict[str, Any]:
        certificate = self.certificate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "certificate": certificate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        certificate = d.pop("certificate")

        certificate_registration = cls(
            certificate=certificate,
        )

        return certificate_registration
