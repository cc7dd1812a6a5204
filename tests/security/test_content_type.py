"""Routes that take a JSON body say so by its Content-Type: a body declared as another
type, or sent without a type and plainly not JSON, answers 415 ``unsupported_media_type``
(not ``malformed_json``) and is not acted on; JSON as ``application/json``, with or
without a charset, as any ``application/…+json``, or without a Content-Type, works as
before."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.agencies.signing import signed_headers
from app.demo import DEMO_PARTIES
from tests.support.factories import Declarations

PROBLEM = "application/problem+json"
PLATFORM = DEMO_PARTIES.platform.customs_code

# Every route that takes a body.
# A declaration id for the routes about one (the body's type is refused before it is read).
DECLARATION = "00000000-0000-0000-0000-000000000000"
# Ids for the negative list's, complaints' and take-downs' routes.
LISTING = "00000000-0000-7000-8000-00000000000a"
COMPLAINT = "00000000-0000-7000-8000-00000000000b"
TAKEDOWN = "00000000-0000-7000-8000-00000000000c"
# A waybill number for the delivery events' route.
WAYBILL = "SF0000000001"
ROUTES = [
    "/v1/declarations",
    "/v1/declarations/validate",
    "/v1/declarations/batch",
    "/v1/enterprises",
    "/v1/keys",
    "/v1/webhooks",
    "/v1/receipts/customs",
    f"/v1/regulator/enterprises/{PLATFORM}/credit-grade",
    f"/v1/regulator/enterprises/{PLATFORM}/status",
    "/v1/regulator/audit/verify",
    "/v1/orders",
    "/v1/payments",
    "/v1/waybills",
    f"/v1/enterprises/{PLATFORM}/certificates",
    f"/v1/declarations/{DECLARATION}/cancellation",
    f"/v1/declarations/{DECLARATION}/returns",
    "/v1/regulator/negative-list",
    f"/v1/regulator/negative-list/{LISTING}/lift",
    "/v1/complaints",
    f"/v1/regulator/complaints/{COMPLAINT}/decision",
    f"/v1/takedowns/{TAKEDOWN}/acknowledgement",
    "/v1/products",
    "/v1/origin-certificates",
    f"/v1/waybills/{WAYBILL}/events",
    "/v1/regulator/recalls",
]

# (Content-Type, body): not JSON, or not said to be.
NOT_JSON = {
    "XML": ("application/xml", b"<CEB311Message><OrderHead/></CEB311Message>"),
    "text XML": ("text/xml; charset=utf-8", b"<?xml version='1.0'?><a/>"),
    "JSON as plain text": ("text/plain", b'{"declarations": []}'),
    "form": ("application/x-www-form-urlencoded", b"orderNo=1&ebpCode=2"),
    "multipart": ("multipart/form-data; boundary=x", b"--x\r\n\r\n{}\r\n--x--\r\n"),
    "bytes": ("application/octet-stream", b"{}"),
    "JSON in name only": ("text/json", b"{}"),
    "no type, XML": (None, b"<CEB311Message/>"),
    "no type, form": (None, b"orderNo=1&ebpCode=2"),
    "no type, text": (None, b"hello"),
}

# Content-Types under which a JSON body is read.
JSON_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;Charset=UTF-8",
    "application/vnd.singlewindow.declaration+json",
    None,
]


def post(
    client: TestClient, path: str, content_type: str | None, body: bytes, **headers: str
) -> Any:
    if path.startswith("/v1/receipts/"):
        headers |= signed_headers("dev-customs-secret", body)
    headers.pop("content-type", None)
    if content_type is not None:
        headers["content-type"] = content_type
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(("content_type", "body"), NOT_JSON.values(), ids=list(NOT_JSON))
def test_a_body_that_is_not_json_is_415(
    filed_client: TestClient, path: str, content_type: str | None, body: bytes
) -> None:
    answer = post(filed_client, path, content_type, body)
    assert answer.status_code == 415, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.headers["accept"] == "application/json"
    problem = answer.json()
    assert problem["code"] == "unsupported_media_type"
    assert problem["status"] == 415
    assert problem["detail"]
    assert problem["detailZh"]
    assert problem["accepted"] == ["application/json"]
    assert problem["requestId"] == answer.headers["x-request-id"]


@pytest.mark.parametrize("content_type", JSON_TYPES)
def test_json_is_read_under_every_json_type(
    filed_client: TestClient, declarations: Declarations, content_type: str | None
) -> None:
    body = json.dumps(declarations.valid()).encode()
    answer = post(filed_client, "/v1/declarations", content_type, body)
    assert answer.status_code == 202, answer.text
    batch = json.dumps({"declarations": [declarations.valid()]}).encode()
    answer = post(filed_client, "/v1/declarations/batch", content_type, batch)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1


@pytest.mark.parametrize("content_type", ["application/json", None])
@pytest.mark.parametrize("body", [b"", b"   ", b'{"order": ', b"[1, 2"])
def test_broken_json_is_still_malformed_json(
    filed_client: TestClient, content_type: str | None, body: bytes
) -> None:
    answer = post(filed_client, "/v1/declarations", content_type, body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["violations"][0]["code"] == "malformed_json"


def test_a_refused_body_is_not_stored_and_does_not_use_up_its_idempotency_key(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = json.dumps(declarations.valid()).encode()
    key = {"Idempotency-Key": "content-type-1"}
    refused = post(filed_client, "/v1/declarations", "text/plain", body, **key)
    assert refused.status_code == 415
    listed = filed_client.get("/v1/declarations").json()
    assert listed["items"] == []
    accepted = post(filed_client, "/v1/declarations", "application/json", body, **key)
    assert accepted.status_code == 202, accepted.text
    assert "idempotent-replayed" not in accepted.headers


def test_every_route_that_takes_a_body_documents_its_415(filed_client: TestClient) -> None:
    spec = filed_client.get("/openapi.json").json()
    with_body = [
        (path, method, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    # Every JSON route above, and the others that take a body (a PUT, the CEB XML route).
    posted = {path for path, method, _ in with_body if method == "post"}
    assert {
        path.replace(PLATFORM, "{customsCode}")
        .replace("/customs", "/{agency}")
        .replace(DECLARATION, "{declarationId}")
        .replace(LISTING, "{listingId}")
        .replace(COMPLAINT, "{complaintId}")
        .replace(TAKEDOWN, "{takedownId}")
        .replace(WAYBILL, "{logisticsNo}")
        for path in ROUTES
    } <= posted
    for path, method, operation in with_body:
        documented = operation["responses"].get("415", {}).get("content", {})
        assert PROBLEM in documented, f"{method.upper()} {path}"


@pytest.mark.parametrize(("content_type", "body"), NOT_JSON.values(), ids=list(NOT_JSON))
def test_a_receipt_is_checked_for_its_signature_before_its_format(
    filed_client: TestClient, content_type: str | None, body: bytes
) -> None:
    """Whoever cannot sign learns nothing about the route, not even what it reads."""
    headers = signed_headers("not-the-customs-secret", body)
    if content_type is not None:
        headers["content-type"] = content_type
    answer = filed_client.post("/v1/receipts/customs", content=body, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "invalid_signature"
