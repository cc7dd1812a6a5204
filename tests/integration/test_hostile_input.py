"""Bad input gets a clear problem, never a 500, on SQLite and on PostgreSQL."""

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.main import create_app
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

ODD_VALUES: list[Any] = [
    None,
    True,
    -1,
    0,
    10**40,
    1.5e308,
    "",
    "x" * 2000,
    "a\u0000b",
    "\ud800",
    "😀",
    [],
    {},
    [1, 2],
    {"nested": {"deeper": []}},
    "-1",
    "1e400",
    "0.000001",
]


@pytest.fixture
def hostile_client(database_url: str, declarations: Declarations) -> Iterator[TestClient]:
    with TestClient(
        create_app(quiet_settings(database_url)), raise_server_exceptions=False, headers=ADMIN
    ) as client:
        bodies = declarations.filings()
        for body in bodies:
            assert client.post("/v1/enterprises", json=body).status_code == 201
        register_everywhere(client.app.state.engine, [b["customsCode"] for b in bodies])  # type: ignore[attr-defined]
        yield client


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def post_raw(client: TestClient, url: str, document: Any) -> Any:
    raw = json.dumps(document, ensure_ascii=True, allow_nan=True)
    return client.post(url, content=raw, headers={"content-type": "application/json"})


def test_odd_values_in_every_field_never_500(
    hostile_client: TestClient, declarations: Declarations
) -> None:
    base = declarations.valid()
    for n, path in enumerate(paths(base)):
        value = ODD_VALUES[n % len(ODD_VALUES)]
        answer = post_raw(hostile_client, "/v1/declarations", replaced(base, path, value))
        assert answer.status_code in (202, 409, 422), (path, value, answer.text)
        assert answer.headers["content-type"].startswith(
            ("application/json", "application/problem")
        )


def test_odd_query_and_path_values_never_500(hostile_client: TestClient) -> None:
    for url in (
        "/v1/declarations/%00",
        "/v1/declarations/%F0%9F%98%80/events",
        "/v1/declarations?orderNo=%00",
        "/v1/declarations?ebpCode=" + "9" * 40,
        "/v1/declarations?createdFrom=yesterday",
        "/v1/declarations?cursor=%00",
        "/v1/declarations?limit=-5",
        "/v1/declarations?limit=ten",
        "/v1/enterprises/%00",
        "/v1/enterprises?role=%00",
    ):
        answer = hostile_client.get(url)
        assert answer.status_code in (400, 404, 422), (url, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


def test_odd_filings_never_500(hostile_client: TestClient, declarations: Declarations) -> None:
    base = declarations.filings()[0] | {"customsCode": "1234567890"}
    base["uscc"] = "91110105AGYGLUY3WK"
    for n, path in enumerate(paths(base)):
        value = ODD_VALUES[n % len(ODD_VALUES)]
        answer = post_raw(hostile_client, "/v1/enterprises", replaced(base, path, value))
        assert answer.status_code in (201, 409, 422), (path, value, answer.text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_declarations_never_500(hostile_client: TestClient, data: st.DataObject) -> None:
    # The same base every time, so that hypothesis can replay and shrink its examples.
    base = Declarations(seed=99).valid()
    document = base
    for path in data.draw(st.lists(st.sampled_from(list(paths(base))), max_size=3)):
        try:
            document = replaced(document, path, data.draw(json_values))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    answer = post_raw(hostile_client, "/v1/declarations", document)
    assert answer.status_code in (202, 409, 422), answer.text
