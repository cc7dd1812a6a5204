"""The published spec is the app's own, and it describes the parsed request bodies."""

import json
from pathlib import Path

from fastapi.testclient import TestClient

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_openapi_json_matches_the_app(client: TestClient) -> None:
    served = client.get("/openapi.json").json()
    assert json.loads(SPEC.read_text()) == served, (
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    )


def test_declaration_and_filing_bodies_are_in_the_spec(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    order = schemas["Order"]["properties"]
    assert {"acturalPaid", "buyerIdNumber", "items"} <= set(order)
    assert "gcode" in schemas["OrderItem"]["properties"]
    body = spec["paths"]["/v1/declarations"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["$ref"] == "#/components/schemas/DeclarationSet"
    filing = spec["paths"]["/v1/enterprises"]["post"]["requestBody"]["content"]
    assert filing["application/json"]["schema"]["$ref"] == "#/components/schemas/EnterpriseCreate"


def test_every_error_answer_is_documented_as_a_problem(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/declarations"]["post"]["responses"]
    for status in ("409", "413", "422"):
        assert "application/problem+json" in post[status]["content"]
