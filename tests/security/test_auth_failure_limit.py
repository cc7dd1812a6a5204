"""Guessing keys is rate limited per client address: past SW_AUTH_FAILURE_LIMIT (20 a
minute) requests without a valid key, the address is answered 429 problem+json with
``Retry-After``, whatever key it sends, before the key is hashed or looked up. Requests
with valid keys do not count, and other addresses are not affected."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.store.keys as stored_keys
from app.main import create_app
from tests.support.service import ADMIN, quiet_settings

PROBLEM = "application/problem+json"
BAD = {"Authorization": "Bearer sw_e_not-a-key-anyone-was-given-0123"}


def assert_throttled(answer: Any) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "too_many_failed_authentications"
    assert int(answer.headers["retry-after"]) >= 1
    assert answer.json()["requestId"]


def test_an_address_that_keeps_failing_is_turned_away(sqlite_url: str) -> None:
    app = create_app(quiet_settings(sqlite_url))  # the default limit: 20 a minute
    with TestClient(app, client=("203.0.113.7", 50000)) as guesser:
        # Valid keys' requests do not count, however many.
        for _ in range(30):
            assert guesser.get("/v1/declarations", headers=ADMIN).status_code == 200
        # Missing, malformed and unknown keys do.
        failures = [guesser.get("/v1/declarations", headers=BAD) for _ in range(10)]
        failures += [guesser.get("/v1/declarations") for _ in range(5)]
        failures += [
            guesser.get("/v1/keys", headers={"Authorization": "Basic dXNlcjpwYXNz"})
            for _ in range(5)
        ]
        assert [a.status_code for a in failures] == [401] * 20
        assert_throttled(guesser.get("/v1/declarations", headers=BAD))
        assert_throttled(guesser.get("/v1/declarations"))
        # A right key from that address is turned away too: a guess that happens to be
        # right cannot be told from a wrong one.
        assert_throttled(guesser.get("/v1/declarations", headers=ADMIN))

        # Another address is not affected.
        neighbour = TestClient(app, client=("203.0.113.8", 50000))
        assert neighbour.get("/v1/declarations", headers=ADMIN).status_code == 200
        assert neighbour.get("/v1/declarations", headers=BAD).status_code == 401


def test_a_throttled_address_costs_no_key_hashing_or_look_up(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            calls.append(name)
            return real(*args)

        return counted

    monkeypatch.setattr(stored_keys, "hash_key", spy("hash", stored_keys.hash_key))
    monkeypatch.setattr(stored_keys, "find_active", spy("look-up", stored_keys.find_active))
    settings = quiet_settings(sqlite_url, auth_failure_limit="3/minute")
    with TestClient(create_app(settings)) as client:
        for n in range(3):
            key = {"Authorization": f"Bearer sw_e_guess-{n:040d}"}
            assert client.get("/v1/declarations", headers=key).status_code == 401
        assert calls.count("look-up") == 3
        calls.clear()
        for n in range(3, 13):
            key = {"Authorization": f"Bearer sw_e_guess-{n:040d}"}
            assert_throttled(client.get("/v1/declarations", headers=key))
        assert calls == []


def test_the_limit_is_off_with_the_rate_limits(sqlite_url: str) -> None:
    settings = quiet_settings(sqlite_url, auth_failure_limit="2/minute", rate_limit_enabled=False)
    with TestClient(create_app(settings)) as client:
        assert [client.get("/v1/declarations").status_code for _ in range(5)] == [401] * 5
        assert client.get("/v1/declarations", headers=ADMIN).status_code == 200
