"""Enterprises register, list and revoke their signing certificates and say whether their
unsigned messages are accepted; the window publishes its own certificate."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app import demo
from app.ceb import certificates, signing
from app.store import certificates as stored
from tests.support.certificates import rsa_identity, rsa_key, sm2_identity
from tests.support.service import ADMIN

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
URL = f"/v1/enterprises/{PLATFORM}/certificates"


def as_platform(client: TestClient) -> dict[str, str]:
    key = client.app.state.enterprise_keys[PLATFORM]  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {key}"}


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def register(client: TestClient, pem: str, **headers: str) -> Any:
    return client.post(URL, json={"certificate": pem}, headers=headers or as_platform(client))


def test_an_enterprise_registers_lists_and_revokes_its_certificates(
    filed_client: TestClient,
) -> None:
    client = filed_client
    rsa, sm2 = rsa_identity(), sm2_identity()
    first = register(client, rsa.certificate.pem)
    assert first.status_code == 201, first.text
    body = first.json()
    assert first.headers["location"] == f"{URL}/{body['id']}"
    assert body["fingerprint"] == rsa.certificate.fingerprint
    assert (body["algorithm"], body["customsCode"], body["revokedAt"]) == ("rsa", PLATFORM, None)
    second = register(client, sm2.certificate.pem)
    assert second.status_code == 201, second.text
    assert second.json()["algorithm"] == "sm2"

    again = register(client, rsa.certificate.pem)
    assert again.status_code == 409
    assert again.json()["code"] == "certificate_already_registered"

    listed = client.get(URL, headers=as_platform(client)).json()
    assert [c["fingerprint"] for c in listed["items"]] == [
        rsa.certificate.fingerprint,
        sm2.certificate.fingerprint,
    ]
    assert listed["unsignedAccepted"] is True

    revoked = client.delete(f"{URL}/{body['id']}", headers=as_platform(client))
    assert revoked.status_code == 204
    listed = client.get(URL, headers=as_platform(client)).json()
    assert listed["items"][0]["revokedAt"] is not None
    assert client.delete(f"{URL}/999999", headers=as_platform(client)).status_code == 404

    # What verification of the platform's messages then sees: the revoked one refused.
    sender = stored.sender_signatures(engine_of(client), PLATFORM)
    message = signing.sign(b"<m><BaseTransfer/></m>", rsa)
    with pytest.raises(signing.SignatureError) as refused:
        signing.verify(message, sender.certificates, sender=PLATFORM)
    assert refused.value.code == "certificate_revoked"
    assert signing.verify(signing.sign(message, sm2), sender.certificates, sender=PLATFORM)

    with engine_of(client).connect() as connection:
        kinds = connection.execute(
            text("SELECT kind, actor FROM audit_log WHERE subject_type = 'certificate'")
        ).all()
    assert [tuple(k) for k in kinds] == [
        ("certificate.registered", f"enterprise:{PLATFORM}"),
        ("certificate.registered", f"enterprise:{PLATFORM}"),
        ("certificate.revoked", f"enterprise:{PLATFORM}"),
    ]


def test_certificates_that_cannot_be_registered_are_422_with_a_code(
    filed_client: TestClient,
) -> None:
    client = filed_client
    expired = rsa_identity(valid_from=timedelta(days=-30), valid_for=timedelta(days=1))
    cases = {
        "certificate_unreadable": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "certificate_not_x509": certificates.private_key_pem(rsa_key()).decode(),
        "certificate_expired": expired.certificate.pem,
    }
    for code, pem in cases.items():
        answer = register(client, pem)
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["code"] == code
        assert problem["violations"][0]["pointer"] == "/certificate"
        assert problem["detailZh"]
    not_json = client.post(URL, json={"pem": "x"}, headers=as_platform(client))
    assert not_json.status_code == 422
    assert client.get(URL, headers=as_platform(client)).json()["items"] == []


def test_the_signature_policy_says_whether_unsigned_messages_are_accepted(
    filed_client: TestClient,
) -> None:
    client = filed_client
    policy = f"/v1/enterprises/{PLATFORM}/signature-policy"
    refused = client.put(policy, json={"unsignedAccepted": False}, headers=as_platform(client))
    assert refused.status_code == 200, refused.text
    assert refused.json()["unsignedAccepted"] is False
    assert client.get(URL, headers=as_platform(client)).json()["unsignedAccepted"] is False
    assert stored.sender_signatures(engine_of(client), PLATFORM).unsigned_accepted is False
    # Another enterprise's policy stays the default.
    other = demo.DEMO_PARTIES.logistics.customs_code
    assert stored.sender_signatures(engine_of(client), other).unsigned_accepted is True
    wrong = client.put(policy, json={"unsignedAccepted": "no"}, headers=as_platform(client))
    assert wrong.status_code == 422
    assert client.put(policy, json={"unsignedAccepted": True}, headers=ADMIN).status_code == 200
    assert stored.sender_signatures(engine_of(client), PLATFORM).unsigned_accepted is True


def test_the_window_publishes_the_certificate_it_signs_with(filed_client: TestClient) -> None:
    client = filed_client
    answer = client.get("/v1/ceb/certificate", headers=as_platform(client))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-pem-file")
    published = certificates.read_certificate(answer.content)
    assert answer.headers["x-certificate-fingerprint"] == f"sha256:{published.fingerprint}"
    settings = client.app.state.settings  # type: ignore[attr-defined]
    signed = signing.sign(b"<m><BaseTransfer/></m>", certificates.window_identity(settings))
    trusted = [signing.RegisteredCertificate(published.fingerprint)]
    assert signing.verify(signed, trusted, sender=None) is not None
