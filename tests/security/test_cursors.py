"""Page cursors are opaque tokens the service issued: anything else a caller sends as
``cursor``, forged or garbled, is refused with 400 ``invalid_cursor`` on every list, never
a server error and never a page read from a key the service did not write."""

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.factories import Declarations
from tests.support.receipts import clear_everything
from tests.support.service import bearer_of, settle

PROBLEM = "application/problem+json"
NOW = "2026-11-27T10:30:00+00:00"
TOO_BIG = 2**63

# Every list that takes a cursor, and the key its cursors carry.
LISTS = {
    "/v1/declarations": "time and id",
    "/v1/declarations/{declaration}/events": "number",
    "/v1/enterprises": "number",
    "/v1/regulator/enterprises": "time and number",
    "/v1/regulator/declarations": "time and id",
}


def forged(*values: Any) -> str:
    """A cursor as the service writes them, around values it would never write."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encoded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Refused by every list, whatever key it pages by.
GARBAGE = {
    "empty": "",
    "not base64": "!!!!",
    "base64 of one byte too few": "abcde",
    "base64 of random bytes": encoded(bytes(range(256))[::7]),
    "base64 of text": encoded(b"garbage"),
    "base64 with padding": encoded(b"[1]") + "==",
    "JSON object": encoded(b'{"id": 1}'),
    "JSON number": encoded(b"42"),
    "JSON string": encoded(b'"2026-11-27"'),
    "JSON null": encoded(b"null"),
    "empty list": forged(),
    "list of three": forged(NOW, "x", 1),
    "NaN": encoded(b"[NaN]"),
    "infinity": encoded(b"[1e400]"),
    "a number with 300 digits": encoded(b"[" + b"9" * 300 + b"]"),
    "nested lists": encoded(b"[" * 150 + b"]" * 150),
    "non-ASCII": "游标ümlaut",
    "NUL": "\x00",
    "very long": "A" * 10_000,
    "long but well formed": forged("x" * 600),
}

# Refused by the lists whose cursors carry one number (enterprise and event ids).
BAD_NUMBER = {
    "huge": forged(TOO_BIG),
    "huge negative": forged(-TOO_BIG - 1),
    "30 digits": forged(10**30),
    "true": forged(True),
    "null": forged(None),
    "text": forged("5"),
    "fraction": forged(1.5),
    "two numbers": forged(1, 2),
}

# Refused by the lists whose cursors carry a time and a declaration id.
BAD_TIME_AND_ID = {
    "no id": forged(NOW),
    "null id": forged(NOW, None),
    "number id": forged(NOW, 5),
    "null time": forged(None, "x"),
    "time without offset": forged("2026-11-27T10:30:00", "x"),
    "not a time": forged("yesterday", "x"),
    "time before year 1 in UTC": forged("0001-01-01T00:00:00+05:00", "x"),
    "time after year 9999 in UTC": forged("9999-12-31T23:59:59-05:00", "x"),
    "NUL in the id": forged(NOW, "a\x00b"),
    "lone surrogate in the id": forged(NOW, "\ud800"),
}

# Refused by the regulators' filing list, whose cursors carry a time and a filing id.
BAD_TIME_AND_NUMBER = {
    "no id": forged(NOW),
    "huge id": forged(NOW, TOO_BIG),
    "true id": forged(NOW, True),
    "text id": forged(NOW, "1"),
    "time before year 1 in UTC": forged("0001-01-01T00:00:00+05:00", 1),
    "time after year 9999 in UTC": forged("9999-12-31T23:59:59-05:00", 1),
    "time without offset": forged("2026-11-27T10:30:00", 1),
}

BY_KEY = {
    "number": BAD_NUMBER,
    "time and id": BAD_TIME_AND_ID,
    "time and number": BAD_TIME_AND_NUMBER,
}

CASES = [
    pytest.param(path, cursor, id=f"{path} {name}")
    for path, key in LISTS.items()
    for name, cursor in (GARBAGE | {f"{key}: {n}": c for n, c in BY_KEY[key].items()}).items()
]


@pytest.fixture
def declared(filed_client: TestClient, declarations: Declarations) -> str:
    answer = filed_client.post("/v1/declarations", json=declarations.valid())
    assert answer.status_code == 202, answer.text
    declaration_id: str = answer.json()["id"]
    return declaration_id


@pytest.mark.parametrize(("path", "cursor"), CASES)
def test_a_cursor_the_service_did_not_issue_is_400_invalid_cursor(
    filed_client: TestClient, declared: str, path: str, cursor: str
) -> None:
    answer = filed_client.get(path.format(declaration=declared), params={"cursor": cursor})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["code"] == "invalid_cursor"
    assert problem["detail"]
    assert problem["detailZh"]
    assert problem["requestId"] == answer.headers["x-request-id"]


@pytest.mark.parametrize("path", list(LISTS))
def test_the_cursors_the_service_issues_still_page(
    filed_client: TestClient, declarations: Declarations, declared: str, path: str
) -> None:
    for _ in range(2):
        filed_client.post("/v1/declarations", json=declarations.valid())
    # Every list has more than one page of one: the declaration's history too, once
    # derived and cleared by every agency.
    settle(filed_client)
    clear_everything(filed_client, declared)
    url = path.format(declaration=declared)
    first = filed_client.get(url, params={"limit": 1}).json()
    assert first["nextCursor"] is not None
    second = filed_client.get(url, params={"limit": 1, "cursor": first["nextCursor"]})
    assert second.status_code == 200, second.text
    assert second.json()["items"] != first["items"]


def test_an_enterprise_s_own_filing_list_checks_the_cursor_too(filed_client: TestClient) -> None:
    code = next(iter(filed_client.app.state.enterprise_keys))  # type: ignore[attr-defined]
    mine = bearer_of(filed_client, code)
    for cursor in ("!!!", forged(True), forged("5")):
        answer = filed_client.get("/v1/enterprises", params={"cursor": cursor}, headers=mine)
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == "invalid_cursor"
    issued = forged(1)
    answer = filed_client.get("/v1/enterprises", params={"cursor": issued}, headers=mine)
    assert answer.status_code == 200
    assert answer.json()["items"] == []
