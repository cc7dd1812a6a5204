"""The payer's telephone is masked like the buyer's: for everyone but regulators."""

import pytest
from fastapi.testclient import TestClient

from app import demo
from app.domain.privacy import mask, mask_documents
from tests.support.factories import Declarations

PAYER_TELEPHONE = "13512340987"
MASKED = "13*******87"


def test_the_payers_telephone_is_masked_like_the_buyers() -> None:
    documents = {
        "order": {"buyerTelephone": "13987650123"},
        "payment": {"payerIdNumber": "130681196203150015", "telephone": PAYER_TELEPHONE},
    }
    masked = mask_documents(documents)
    assert masked["payment"]["telephone"] == mask(PAYER_TELEPHONE) == MASKED
    assert masked["order"]["buyerTelephone"] == mask("13987650123")
    assert documents["payment"]["telephone"] == PAYER_TELEPHONE  # the stored ones untouched


@pytest.fixture
def declaration_url(filed_client: TestClient, declarations: Declarations) -> str:
    body = declarations.valid()
    body["payment"]["telephone"] = PAYER_TELEPHONE
    answer = filed_client.post("/v1/declarations", json=body)
    assert answer.status_code == 202
    location: str = answer.headers["location"]
    return location


def _payment(client: TestClient, url: str, key: str | None = None) -> dict[str, str]:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200
    payment: dict[str, str] = answer.json()["documents"]["payment"]
    return payment


def test_a_party_and_the_admin_see_the_payers_telephone_masked(
    filed_client: TestClient, declaration_url: str
) -> None:
    keys = filed_client.app.state.enterprise_keys  # type: ignore[attr-defined]
    for key in (None, keys[demo.DEMO_PARTIES.payment.customs_code]):
        payment = _payment(filed_client, declaration_url, key)
        assert payment["telephone"] == MASKED
        assert "*" in payment["payerIdNumber"]


def test_a_regulator_sees_the_payers_telephone(
    filed_client: TestClient, declaration_url: str
) -> None:
    issued = filed_client.post("/v1/keys", json={"kind": "regulator", "agency": "forex"})
    assert issued.status_code == 201
    payment = _payment(filed_client, declaration_url, issued.json()["key"])
    assert payment["telephone"] == PAYER_TELEPHONE
