"""CEB messages in and out: three enterprises each post their own CEB311, CEB411 and
CEB511 and get a receipt message per message; the three make one declaration, which
reads back as a signed CEB621; a CEB621 posted is matched against it; whole messages
refused list every problem, as problem+json or a CEB900 message."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from app import demo
from app.ceb import messages, signing, xml
from app.ceb.certificates import SigningIdentity, read_certificate
from app.ceb.inventory import inventory_document
from tests.support.ceb import xsd_dir
from tests.support.certificates import rsa_identity
from tests.support.factories import Declarations

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
ECOMMERCE = demo.DEMO_PARTIES.ecommerce.customs_code
PAYMENT = demo.DEMO_PARTIES.payment.customs_code
LOGISTICS = demo.DEMO_PARTIES.logistics.customs_code
NS = {"ceb": xml.CEB_NS}
# Each message: its part of a declaration and who sends it.
SENT = {
    "CEB311": ("order", PLATFORM),
    "CEB411": ("payment", PAYMENT),
    "CEB511": ("logistics", LOGISTICS),
}
XML = {"Content-Type": "application/xml"}


def key(client: TestClient, customs_code: str) -> dict[str, str]:
    keys: dict[str, str] = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[customs_code]}"}


def message_of(message_type: str, *documents: dict[str, Any], sender: str | None = None) -> bytes:
    _, party = SENT[message_type]
    transfer = messages.BaseTransfer(copCode=sender or party, copName="测试企业", dxpId="DXP0001")
    return messages.build_message(message_type, list(documents), transfer)


def post(client: TestClient, body: bytes, sender: str, **headers: str) -> Any:
    return client.post(
        "/v1/ceb/messages", content=body, headers=XML | key(client, sender) | headers
    )


def returns(answer: Any) -> list[dict[str, str]]:
    """The receipt's return records, each as its fields; the receipt is schema-valid."""
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    tree = xml.read(answer.content, xsd_dir())
    root = tree.getroot()
    records = [r for r in root if etree.QName(r).localname.endswith("Return")]
    return [{etree.QName(f).localname: f.text or "" for f in r} for r in records]


def register_certificate(client: TestClient, customs_code: str) -> SigningIdentity:
    owner = rsa_identity()
    registered = client.post(
        f"/v1/enterprises/{customs_code}/certificates",
        json={"certificate": owner.certificate.pem},
        headers=key(client, customs_code),
    )
    assert registered.status_code == 201, registered.text
    return owner


def inventory_of(declaration: dict[str, Any]) -> dict[str, Any]:
    """The inventory the e-commerce company declares for a set, by its own hand."""
    parts = {"order": declaration["order"], "logistics": declaration["logistics"]}
    document = inventory_document("", parts, datetime.now(UTC))
    return {k: v for k, v in document.items() if k != "preNo"}


def inventory_message(document: dict[str, Any], owner: SigningIdentity) -> bytes:
    """A CEB621 (which the schema requires signed) from the e-commerce company."""
    transfer = messages.BaseTransfer(copCode=ECOMMERCE, copName="电商", dxpId="DXP0001")
    return signing.sign(messages.build_message("CEB621", [document], transfer), owner)


def send_three(client: TestClient, declaration: dict[str, Any]) -> None:
    """The order, the payment and the waybill, each from its own sender: each is taken."""
    for message_type, (part, sender) in SENT.items():
        [record] = returns(post(client, message_of(message_type, declaration[part]), sender))
        assert record["returnStatus"] == "2", record["returnInfo"]


def declare_by_messages(
    client: TestClient, declaration: dict[str, Any], owner: SigningIdentity
) -> str:
    """The three messages, then the inventory, whose lines bring the HS codes a CEB311
    has no place for: the declaration is made."""
    send_three(client, declaration)
    order_no = declaration["order"]["orderNo"]
    assert client.get("/v1/declarations", params={"orderNo": order_no}).json()["items"] == []
    body = inventory_message(inventory_of(declaration), owner)
    [record] = returns(post(client, body, ECOMMERCE))
    assert record["returnStatus"] == "2", record["returnInfo"]
    found = client.get("/v1/declarations", params={"orderNo": order_no}).json()["items"]
    assert len(found) == 1
    declaration_id: str = found[0]["id"]
    return declaration_id


def test_three_senders_messages_make_one_declaration_that_reads_back_as_a_signed_ceb621(
    filed_client: TestClient, declarations: Declarations
) -> None:
    declaration = declarations.valid()
    owner = register_certificate(filed_client, ECOMMERCE)
    declaration_id = declare_by_messages(filed_client, declaration, owner)

    answer = filed_client.get(f"/v1/declarations/{declaration_id}/ceb621.xml")
    assert answer.status_code == 200, answer.text
    tree = xml.read(answer.content, xsd_dir())  # valid, signature included
    window = read_certificate(filed_client.get("/v1/ceb/certificate").content)
    verified = signing.verify(
        answer.content,
        [signing.RegisteredCertificate(window.fingerprint)],
        sender=None,
        unsigned_accepted=False,
    )
    assert verified is not None
    inventory = messages.to_message(tree).documents[0]
    assert inventory["orderNo"] == declaration["order"]["orderNo"]
    assert inventory["logisticsNo"] == declaration["logistics"]["logisticsNo"]
    assert len(inventory["preNo"]) == 18
    assert [line["gnum"] for line in inventory["items"]] == [
        line["gnum"] for line in declaration["order"]["items"]
    ]


def test_one_record_refused_does_not_stop_the_others(
    filed_client: TestClient, declarations: Declarations
) -> None:
    good, other = declarations.valid(), declarations.valid()
    # The second order names another platform: the sender is not its party.
    foreign = other["order"] | {"ebpCode": "9999999999", "ebpName": "别的平台"}
    body = message_of("CEB311", good["order"], foreign)
    first, second = returns(post(filed_client, body, PLATFORM))
    assert first["returnStatus"] == "2"
    assert first["orderNo"] == good["order"]["orderNo"]
    assert second["returnStatus"].startswith("-")
    assert "not_a_party" in second["returnInfo"]


def test_a_set_the_rules_refuse_is_a_negative_return_naming_every_rule(
    filed_client: TestClient, declarations: Declarations
) -> None:
    owner = register_certificate(filed_client, ECOMMERCE)
    declaration = declarations.valid()
    declaration["payment"] = declaration["payment"] | {"amountPaid": "1.00"}
    send_three(filed_client, declaration)
    body = inventory_message(inventory_of(declaration), owner)
    [record] = returns(post(filed_client, body, ECOMMERCE))
    assert record["returnStatus"].startswith("-")
    assert "paid_amount_mismatch" in record["returnInfo"]


def test_an_inventory_is_matched_against_the_declaration(
    filed_client: TestClient, declarations: Declarations
) -> None:
    owner = register_certificate(filed_client, ECOMMERCE)
    declaration = declarations.valid()
    declare_by_messages(filed_client, declaration, owner)
    inventory = inventory_of(declaration)
    [same] = returns(post(filed_client, inventory_message(inventory, owner), ECOMMERCE))
    assert same["returnStatus"] == "2", same["returnInfo"]
    assert len(same["preNo"]) == 18
    altered = inventory | {"buyerName": "别人", "logisticsNo": "OTHER0001"}
    [differs] = returns(post(filed_client, inventory_message(altered, owner), ECOMMERCE))
    assert differs["returnStatus"].startswith("-")
    assert "buyerName" in differs["returnInfo"]
    assert "logisticsNo" in differs["returnInfo"]


def test_an_inventory_from_someone_else_is_refused(
    filed_client: TestClient, declarations: Declarations
) -> None:
    owner = register_certificate(filed_client, PLATFORM)
    transfer = messages.BaseTransfer(copCode=PLATFORM, copName="平台", dxpId="DXP0001")
    inventory = inventory_of(declarations.valid())
    body = signing.sign(messages.build_message("CEB621", [inventory], transfer), owner)
    [record] = returns(post(filed_client, body, PLATFORM))
    assert record["returnStatus"].startswith("-")
    assert "not_a_party" in record["returnInfo"]


def test_a_signed_message_is_verified_and_one_altered_after_signing_is_refused(
    filed_client: TestClient, declarations: Declarations
) -> None:
    owner = register_certificate(filed_client, PLATFORM)
    order = declarations.valid()["order"]
    signed = signing.sign(message_of("CEB311", order), owner)
    [record] = returns(post(filed_client, signed, PLATFORM))
    assert record["returnStatus"] == "2"

    altered = signed.replace(order["buyerName"].encode(), "张冒名".encode())
    answer = post(filed_client, altered, PLATFORM)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "signature_mismatch"
    assert "1004" in problem["violations"][0]["message"]


def test_every_schema_violation_is_listed_at_once_with_its_line(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = message_of("CEB311", declarations.valid()["order"], declarations.valid()["order"])
    root = etree.fromstring(body)
    heads = root.findall(".//ceb:OrderHead", NS)
    for head in heads:
        head.remove(head.find("ceb:orderNo", NS))
    answer = post(filed_client, etree.tostring(root), PLATFORM)
    assert answer.status_code == 422, answer.text
    violations = answer.json()["violations"]
    assert len(violations) >= 2
    assert all(v["line"] for v in violations)
    assert {v["code"] for v in violations} == {"xml_schema_violation"}

    as_xml = post(filed_client, etree.tostring(root), PLATFORM, Accept="application/xml")
    assert as_xml.status_code == 422
    refusal = etree.fromstring(as_xml.content)
    assert refusal.tag == "CEB900Message"
    assert len(refusal.findall("Error")) == len(violations)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"<CEB311Message", 400),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<r>&x;</r>",
            400,
        ),
    ],
    ids=["not well-formed", "external entity"],
)
def test_broken_and_hostile_bodies_are_refused(
    filed_client: TestClient, body: bytes, status: int
) -> None:
    answer = post(filed_client, body, PLATFORM)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["violations"]


def test_the_sender_must_be_the_caller_and_filed(
    filed_client: TestClient, declarations: Declarations
) -> None:
    order = declarations.valid()["order"]
    answer = post(filed_client, message_of("CEB311", order, sender=PAYMENT), PLATFORM)
    assert answer.status_code == 403
    assert answer.json()["code"] == "ceb_sender_mismatch"
    admin = filed_client.post(
        "/v1/ceb/messages", content=message_of("CEB311", order, sender="1234567890"), headers=XML
    )
    assert admin.status_code == 403
    assert admin.json()["code"] == "ceb_sender_not_filed"


def test_json_is_not_a_ceb_message(filed_client: TestClient) -> None:
    answer = filed_client.post("/v1/ceb/messages", json={"order": {}})
    assert answer.status_code == 415
