"""The OpenAPI document tells how to call each operation: it is valid OpenAPI 3.1, says
how callers authenticate operation by operation, which operations take an
Idempotency-Key, describes every operation, and shows an example of every request body
and main answer, each one valid against its schema."""

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_spec_validator import validate

from app.main import create_app
from app.openapi_document import IDEMPOTENCY_KEY, SCHEME
from tests.support.service import quiet_settings

SPEC: dict[str, Any] = create_app(quiet_settings("sqlite://")).openapi()
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, operations in SPEC["paths"].items()
    for method, operation in operations.items()
]
# Operations that honour an Idempotency-Key (those that run through app.idempotent, and
# declaring, which keeps the key with the declaration); routes added since may too.
IDEMPOTENT = {
    "POST /v1/declarations",
    "POST /v1/declarations/batch",
    "POST /v1/enterprises",
    "POST /v1/keys",
    "POST /v1/keys/{keyId}/rotate",
    "POST /v1/webhooks",
    "POST /v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver",
    "POST /v1/enterprises/{customsCode}/certificates",
    "POST /v1/regulator/enterprises/{customsCode}/credit-grade",
    "POST /v1/regulator/enterprises/{customsCode}/status",
    "POST /v1/orders",
    "POST /v1/payments",
    "POST /v1/waybills",
    "POST /v1/declarations/{declarationId}/cancellation",
    "POST /v1/declarations/{declarationId}/returns",
    "PUT /v1/declarations/{declarationId}",
}
PUBLIC = {"GET /", "GET /healthz", "GET /readyz"}
SIGNED = {"POST /v1/receipts/{agency}"}


def test_the_document_is_valid_openapi_3_1() -> None:
    assert SPEC["openapi"].startswith("3.1")
    validate(copy.deepcopy(SPEC))


def test_every_operation_has_a_summary_and_a_description() -> None:
    missing = [
        name
        for name, operation in OPERATIONS
        if not operation.get("summary") or len(_described(operation)) < 40
    ]
    assert not missing, missing


def _described(operation: dict[str, Any]) -> str:
    """The description without the line the document adds about keys."""
    description: str = operation.get("description", "")
    return description.split("\n\nKeys: ")[0]


def test_callers_authenticate_with_a_bearer_key_operation_by_operation() -> None:
    scheme = SPEC["components"]["securitySchemes"][SCHEME]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "security" not in SPEC  # each operation says, none inherits
    for name, operation in OPERATIONS:
        if name in PUBLIC:
            assert not operation.get("security"), name
        elif name in SIGNED:
            assert operation["security"] == [], name
        elif "Or none: anyone may call it." in operation["description"]:
            assert operation["security"] == [{SCHEME: []}, {}], name
        else:
            assert operation["security"] == [{SCHEME: []}], name
            assert "401" in operation["responses"], name


def test_the_agencies_receipts_declare_their_signature_instead_of_a_key() -> None:
    (operation,) = [op for name, op in OPERATIONS if name in SIGNED]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assert headers[name]["required"] is True
    assert "HMAC-SHA256" in operation["description"]


def test_the_idempotency_key_is_declared_where_it_is_honoured_and_only_there() -> None:
    declared = {
        name
        for name, operation in OPERATIONS
        if any(p["name"] == IDEMPOTENCY_KEY for p in operation.get("parameters", []))
    }
    assert declared >= IDEMPOTENT
    assert all(name.startswith(("POST ", "PUT ")) for name in declared)
    for name, operation in OPERATIONS:
        if name in declared:
            (header,) = [p for p in operation["parameters"] if p["name"] == IDEMPOTENCY_KEY]
            assert header["in"] == "header"
            assert header["schema"]["maxLength"] == 255
            assert "400" in operation["responses"]


def _examples() -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    for name, operation in OPERATIONS:
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            found.append((f"{name} body {media_type}", content.get("schema") or {}, content))
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                for media_type, content in response.get("content", {}).items():
                    found.append(
                        (f"{name} {status} {media_type}", content.get("schema") or {}, content)
                    )
    return found


EXAMPLES = _examples()


def test_every_request_body_and_main_answer_has_an_example() -> None:
    missing = [where for where, _, content in EXAMPLES if "example" not in content]
    assert not missing, missing


JSON_EXAMPLES = [e for e in EXAMPLES if "json" in e[0].rsplit(" ", 1)[-1] and "example" in e[2]]


@pytest.mark.parametrize(
    ("where", "schema", "content"), JSON_EXAMPLES, ids=[e[0] for e in JSON_EXAMPLES]
)
def test_each_json_example_is_valid_against_its_schema(
    where: str, schema: dict[str, Any], content: dict[str, Any]
) -> None:
    resolvable = {**schema, "$defs": SPEC["components"]["schemas"]}
    text = _refs_to_defs(resolvable)
    errors = sorted(
        Draft202012Validator(text).iter_errors(content["example"]), key=lambda e: e.path
    )
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _refs_to_defs(schema: Any) -> Any:
    """The components' schemas as the validator resolves them, under ``$defs``."""
    if isinstance(schema, dict):
        return {
            key: (
                value.replace("#/components/schemas/", "#/$defs/")
                if key == "$ref" and isinstance(value, str)
                else _refs_to_defs(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_refs_to_defs(value) for value in schema]
    return schema


def test_xml_answers_are_documented_as_xml_only() -> None:
    operation = SPEC["paths"]["/v1/declarations/{declarationId}/ceb621.xml"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/xml"}


def test_the_root_is_documented_with_its_links() -> None:
    operation = SPEC["paths"]["/"]["get"]
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert example["docs"] == "/docs"
    assert example["console"] == "/console"


def test_links_lead_from_what_is_made_to_the_operations_that_take_its_id() -> None:
    by_id = {operation["operationId"]: operation for _, operation in OPERATIONS}
    links = [
        (name, link)
        for name, operation in OPERATIONS
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]
    sources = {name for name, _ in links}
    assert {"POST /v1/declarations", "POST /v1/enterprises", "POST /v1/webhooks"} <= sources
    for _, link in links:
        target = by_id[link["operationId"]]
        path_parameters = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        assert set(link["parameters"]) == path_parameters, link
