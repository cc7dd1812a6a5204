from fastapi.testclient import TestClient

from tests.support.factories import Declarations


def test_a_valid_declaration_is_accepted(
    filed_client: TestClient, declarations: Declarations
) -> None:
    answer = filed_client.post("/v1/declarations", json=declarations.valid())
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["status"] == "accepted"
    assert body["cebStatus"] == 120
    assert answer.headers["location"] == f"/v1/declarations/{body['id']}"
