"""An 8 MiB batch body, the most /v1/declarations/batch takes, must not grow the process
by more than 50 MB, however it is shaped: sizes and shapes are checked before numbers
become Decimals and items become models (an 8 MiB body of tiny numbers grew it by
240 MB, and one object with a million unknown fields by 1.4 GB)."""

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.factories import Declarations

LIMIT = 8 * 1024 * 1024  # SW_MAX_BATCH_BODY_BYTES
MAX_GROWTH = 50 * 1024 * 1024
Body = Callable[[Declarations], bytes]


def _filled(head: bytes, unit: bytes, tail: bytes, size: int = LIMIT) -> bytes:
    """``head``, ``unit`` repeated as often as fits in ``size`` bytes, ``tail``."""
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


def giant_array_of_tiny_numbers(_: Declarations) -> bytes:
    return _filled(b'{"declarations": [', b"0.1,", b"0]}")


def declarations_with_huge_arrays_of_numbers(declarations: Declarations) -> bytes:
    one = declarations.valid()
    one["order"]["items"] = [0]
    item = json.dumps(one).encode()
    head, tail = item.split(b"[0]")
    huge = _filled(head + b"[", b"1.5,", b"1]" + tail, LIMIT // 100 - 10)
    return b'{"declarations": [' + b",".join([huge] * 100) + b"]}"


def one_object_with_unknown_fields(_: Declarations) -> bytes:
    fields = b",".join(b'"f%d":1' % n for n in range(LIMIT // 9))
    return b'{"declarations": [{"order": {' + fields[: LIMIT - 40].rsplit(b",", 1)[0] + b"}}]}"


def empty_objects(_: Declarations) -> bytes:
    return _filled(b'{"declarations": [', b"{},", b"{}]}")


def commas_in_strings(_: Declarations) -> bytes:
    return _filled(b'{"declarations": [', b'",",', b"0]}")


HOSTILE: dict[str, Body] = {
    "a giant array of tiny numbers": giant_array_of_tiny_numbers,
    "100 declarations with huge arrays of numbers": declarations_with_huge_arrays_of_numbers,
    "one object with a million unknown fields": one_object_with_unknown_fields,
    "a million empty objects": empty_objects,
    "strings of commas": commas_in_strings,
}


def growth(client: TestClient, body: bytes) -> tuple[int, Any]:
    """The peak growth of traced memory while the service takes the body, and its answer."""
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        answer = client.post(
            "/v1/declarations/batch", content=body, headers={"Content-Type": "application/json"}
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - start, answer


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_8_mib_batch_is_refused_within_50_mb(
    client: TestClient, declarations: Declarations, make: Body
) -> None:
    body = make(declarations)
    assert LIMIT - 1024 < len(body) <= LIMIT
    grown, answer = growth(client, body)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "invalid_request"
    assert problem["violations"][0]["code"] in {"too_many_values", "too_many_fields"}
    assert grown < MAX_GROWTH, f"grew by {grown / 2**20:.0f} MB"


def test_items_full_of_wrong_fields_list_a_bounded_number_of_problems(
    client: TestClient, declarations: Declarations
) -> None:
    """Within the values 100 declarations can hold, every field of every goods line
    wrong: each item is refused on its own, its problems listed up to a bound."""
    one = declarations.valid()
    line = dict.fromkeys(one["order"]["items"][0], 0)
    one["order"]["items"] = [line] * 99
    grown, answer = growth(client, json.dumps({"declarations": [one] * 100}).encode())
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert len(results) == 100
    for result in results:
        assert result["outcome"] == "invalid_request"
        violations = result["violations"]
        assert len(violations) == 51
        assert violations[-1]["code"] == "too_many_violations"
    assert grown < MAX_GROWTH, f"grew by {grown / 2**20:.0f} MB"


def test_more_than_100_declarations_are_refused_before_any_is_validated(
    client: TestClient, declarations: Declarations
) -> None:
    body = json.dumps({"declarations": [declarations.valid() for _ in range(101)]}).encode()
    answer = client.post(
        "/v1/declarations/batch", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    (violation,) = answer.json()["violations"]
    assert (violation["code"], violation["pointer"]) == ("too_many_items", "/declarations")


def test_an_object_with_more_fields_than_any_of_ours_is_refused(
    client: TestClient, declarations: Declarations
) -> None:
    one = declarations.valid()
    one["order"] |= {f"extra{n}": "x" for n in range(64)}
    answer = client.post("/v1/declarations/batch", json={"declarations": [one]})
    assert answer.status_code == 422
    assert answer.json()["violations"][0]["code"] == "too_many_fields"
