"""Intake answers, reading, lists and history, through the HTTP API."""

import asyncio
import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import Overloaded
from app.intake.pipeline import IntakePipeline
from app.store.group_commit import Grouped
from tests.support.factories import Declarations
from tests.support.service import bearer_of, settle

PROBLEM = "application/problem+json"


def declare(client: TestClient, body: dict[str, Any], **headers: str) -> Any:
    return client.post("/v1/declarations", json=body, headers=headers)


def test_accepted_declaration_reads_back_with_documents_and_agencies(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    accepted = declare(filed_client, body)
    assert accepted.status_code == 202

    answer = filed_client.get(accepted.headers["location"])
    assert answer.status_code == 200
    record = answer.json()
    assert record["status"] == "accepted"
    assert record["cebStatus"] == 120
    assert record["orderNo"] == body["order"]["orderNo"]
    assert record["documents"]["order"]["acturalPaid"] == body["order"]["acturalPaid"]
    assert record["documents"]["payment"]["payTransactionId"] == body["payment"]["payTransactionId"]
    assert {a["agency"]: a["status"] for a in record["agencies"]} == {
        "customs": "pending",
        "forex": "pending",
        "inspection": "pending",
        "tax": "pending",
    }
    # Amounts are rendered as strings, exactly as declared.
    assert isinstance(record["dutiableValue"], str)


def test_amounts_are_exact_decimals_not_floats(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    raw = json.dumps(body).replace(
        f'"weight": "{body["logistics"]["weight"]}"', '"weight": 12345678901234.12345'
    )
    answer = filed_client.post(
        "/v1/declarations", content=raw, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 202, answer.text
    stored = filed_client.get(answer.headers["location"]).json()
    assert stored["documents"]["logistics"]["weight"] == "12345678901234.12345"


def test_the_same_order_twice_is_409_pointing_at_the_first(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    first = declare(filed_client, body)
    # Whatever else the second body says, the order is already declared.
    body["payment"]["amountPaid"] = "1"
    second = declare(filed_client, body)
    assert second.status_code == 409
    assert second.headers["content-type"] == PROBLEM
    assert second.json()["code"] == "duplicate_order"
    assert second.json()["location"] == first.headers["location"]
    assert second.headers["location"] == first.headers["location"]


def test_schema_errors_list_every_field_with_a_pointer(filed_client: TestClient) -> None:
    answer = declare(
        filed_client,
        {
            "order": {"orderNo": "x" * 61, "items": [{"gnum": "one"}]},
            "payment": {},
            "logistics": {"actualPaid": 1},
        },
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["code"] == "invalid_request"
    by_pointer = {v["pointer"]: v for v in problem["violations"]}
    assert by_pointer["/order/orderNo"]["code"] == "too_long"
    assert by_pointer["/order/items/0/gnum"]["code"] == "not_an_integer"
    assert by_pointer["/payment/payCode"]["code"] == "required"
    assert by_pointer["/logistics/actualPaid"]["code"] == "unknown_field"
    assert all(v["message"] and v["messageZh"] for v in problem["violations"])


def test_malformed_json_and_wrong_shapes_are_clear_422s(filed_client: TestClient) -> None:
    for raw in (b"{not json", b"[]", b'"text"', b"", b'{"order": NaN}'):
        answer = filed_client.post(
            "/v1/declarations", content=raw, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 422, raw
        assert answer.json()["code"] == "invalid_request"


def test_amounts_with_more_than_five_decimals_are_refused(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    body["order"]["freight"] = "1.123456"
    answer = declare(filed_client, body)
    assert answer.status_code == 422
    assert answer.json()["violations"][0]["pointer"] == "/order/freight"
    assert answer.json()["violations"][0]["code"] == "too_many_digits"


def test_a_body_over_256_kib_is_413(filed_client: TestClient) -> None:
    answer = filed_client.post(
        "/v1/declarations",
        content=b"{" + b" " * (256 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "payload_too_large"


def test_a_chunked_body_over_the_limit_is_413_too(filed_client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(300):
            yield b" " * 1024

    answer = filed_client.post(
        "/v1/declarations", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413


def test_unknown_declaration_is_404_problem(filed_client: TestClient) -> None:
    for path in ("/v1/declarations/nope", "/v1/declarations/nope/events"):
        answer = filed_client.get(path)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["code"] == "declaration_not_found"


def test_list_filters_and_pages_through_everything_once(
    filed_client: TestClient, declarations: Declarations
) -> None:
    ids = [declare(filed_client, declarations.valid()).json()["id"] for _ in range(7)]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = filed_client.get("/v1/declarations", params=params).json()
        assert len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))

    newest = filed_client.get("/v1/declarations", params={"limit": 1}).json()["items"][0]
    only = filed_client.get(
        "/v1/declarations", params={"orderNo": newest["orderNo"], "ebpCode": newest["ebpCode"]}
    ).json()
    assert [item["id"] for item in only["items"]] == [newest["id"]]
    assert filed_client.get("/v1/declarations", params={"status": "cleared"}).json() == {
        "items": [],
        "nextCursor": None,
    }
    future = filed_client.get("/v1/declarations", params={"createdFrom": "2999-01-01T00:00:00Z"})
    assert future.json()["items"] == []
    past = filed_client.get("/v1/declarations", params={"createdTo": "2000-01-01T00:00:00"})
    assert past.json()["items"] == []


def test_page_size_is_capped(filed_client: TestClient, declarations: Declarations) -> None:
    for _ in range(3):
        declare(filed_client, declarations.valid())
    client_settings = filed_client.app.state.settings  # type: ignore[attr-defined]
    client_settings.page_size_max = 2
    page = filed_client.get("/v1/declarations", params={"limit": 1000}).json()
    assert len(page["items"]) == 2
    assert page["nextCursor"] is not None


def test_bad_cursor_and_bad_filters_are_problems(filed_client: TestClient) -> None:
    bad_cursor = filed_client.get("/v1/declarations", params={"cursor": "Z2FyYmFnZQ"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["code"] == "invalid_cursor"
    bad_status = filed_client.get("/v1/declarations", params={"status": "lost"})
    assert bad_status.status_code == 422
    assert bad_status.json()["violations"][0]["parameter"] == "status"


def test_an_acceptance_reads_back_at_once_and_its_history_follows_from_the_worker(
    filed_client: TestClient, declarations: Declarations
) -> None:
    platform = "3301960001"
    body = declarations.valid()
    accepted = declare(filed_client, body, **bearer_of(filed_client, platform))
    assert accepted.status_code == 202
    location = accepted.headers["location"]
    declaration_id = accepted.json()["id"]

    def accepted_entries() -> list[dict[str, Any]]:
        feed = filed_client.get("/v1/regulator/feed", params={"after": 0, "limit": 1000})
        assert feed.status_code == 200, feed.text
        assert feed.json()["items"], "the filings are in the trail already"
        return [
            item
            for item in feed.json()["items"]
            if item["kind"] == "declaration.accepted" and item["subjectId"] == declaration_id
        ]

    # Before the worker runs: the declaration itself is there, its agencies all pending;
    # its history and its audit entry are not written yet.
    record = filed_client.get(location).json()
    assert (record["status"], record["cebStatus"]) == ("accepted", 120)
    assert record["orderNo"] == body["order"]["orderNo"]
    assert sorted((a["agency"], a["status"]) for a in record["agencies"]) == [
        ("customs", "pending"),
        ("forex", "pending"),
        ("inspection", "pending"),
        ("tax", "pending"),
    ]
    assert filed_client.get(f"{location}/events").json()["items"] == []
    assert accepted_entries() == []

    assert settle(filed_client) == 1

    # After it: the same declaration, and its first event and audit entry.
    after = filed_client.get(location).json()
    assert (after["status"], after["cebStatus"]) == ("accepted", 120)
    assert sorted((a["agency"], a["status"]) for a in after["agencies"]) == sorted(
        (a["agency"], a["status"]) for a in record["agencies"]
    )
    events = filed_client.get(f"{location}/events").json()["items"]
    assert [(e["status"], e["cebStatus"]) for e in events] == [("accepted", 120)]
    (entry,) = accepted_entries()
    assert entry["actor"] == f"enterprise:{platform}"
    assert entry["subjectType"] == "declaration"
    assert (entry["data"]["status"], entry["data"]["orderNo"]) == (
        "accepted",
        body["order"]["orderNo"],
    )
    # Running the worker again derives nothing twice.
    assert settle(filed_client) == 0
    assert len(filed_client.get(f"{location}/events").json()["items"]) == 1
    assert len(accepted_entries()) == 1


def test_events_tell_the_history(filed_client: TestClient, declarations: Declarations) -> None:
    location = declare(filed_client, declarations.valid()).headers["location"]
    settle(filed_client)
    events = filed_client.get(f"{location}/events").json()
    assert events["nextCursor"] is None
    assert [(e["status"], e["cebStatus"]) for e in events["items"]] == [("accepted", 120)]


def test_every_answer_carries_a_request_id(filed_client: TestClient) -> None:
    mine = filed_client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert mine.headers["x-request-id"] == "trace-123"
    made = filed_client.get("/v1/declarations/missing")
    assert made.headers["x-request-id"] == made.json()["requestId"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_unknown_route_and_wrong_method_are_problems(client: TestClient) -> None:
    missing = client.get("/v2/anything")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    wrong = client.put("/v1/declarations")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    assert wrong.headers["content-type"] == PROBLEM
    # Allow names every method of the path, whichever router holds each.
    assert wrong.headers["allow"] == "GET, POST"
    assert client.delete("/v1/enterprises").headers["allow"] == "GET, POST"
    assert client.post("/healthz").headers["allow"] == "GET"


def test_when_too_many_declarations_wait_intake_answers_503_at_once(
    filed_client: TestClient, declarations: Declarations
) -> None:
    """Nothing is stored, and the same Idempotency-Key works once the wait is over."""
    app: Any = filed_client.app
    regular = app.state.intake
    app.state.intake = IntakePipeline(app.state.engine, key_ttl=timedelta(hours=24), max_waiting=0)
    body = declarations.valid()
    headers = {"Idempotency-Key": "k-overloaded"}
    try:
        for key in (headers, {}):
            busy = filed_client.post("/v1/declarations", json=body, headers=key)
            assert busy.status_code == 503
            assert busy.headers["content-type"] == "application/problem+json"
            assert busy.headers["retry-after"] == "1"
            assert busy.json()["code"] == "overloaded"
            assert busy.json()["detailZh"]
    finally:
        app.state.intake = regular
    assert filed_client.get("/v1/declarations").json()["items"] == []
    accepted = filed_client.post("/v1/declarations", json=body, headers=headers)
    assert accepted.status_code == 202, accepted.text


def test_a_full_queue_refuses_the_next_item_and_decides_the_waiting_ones() -> None:
    release = threading.Event()

    def handle(items: list[int]) -> list[int | Exception]:
        release.wait(5)
        return [item * 10 for item in items]

    async def scenario() -> None:
        async def in_thread(items: list[int]) -> list[int | Exception]:
            return await asyncio.to_thread(handle, items)

        groups: Grouped[int, int] = Grouped(in_thread, max_group=1, name="test", max_waiting=1)
        first = asyncio.create_task(groups.submit(1))  # taken at once: being decided
        await asyncio.sleep(0.05)
        second = asyncio.create_task(groups.submit(2))  # waits: the queue is full
        await asyncio.sleep(0.05)
        with pytest.raises(Overloaded):
            await groups.submit(3)
        release.set()
        assert await first == 10
        assert await second == 20
        await groups.close()

    asyncio.run(scenario())
