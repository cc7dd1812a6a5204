"""A suspended or revoked enterprise's keys stop working: every call with them answers
403 problem+json (``enterprise_suspended``, ``enterprise_revoked``) within the key-cache
time (SW_KEY_CACHE_SECONDS), in every process, and work again once it is reinstated."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

PROBLEM = "application/problem+json"


class Clock:
    """The key cache's clock, turned forward by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def file_enterprise(client: TestClient, declarations: Declarations) -> tuple[str, dict[str, str]]:
    """The platform filed and active; its customs code and its first key's header."""
    body = declarations.filings()[0]
    answer = client.post("/v1/enterprises", json=body)
    assert answer.status_code == 201, answer.text
    code: str = body["customsCode"]
    register_everywhere(client.app.state.engine, [code])  # type: ignore[attr-defined]
    return code, {"Authorization": f"Bearer {answer.json()['apiKey']['key']}"}


def change_status(client: TestClient, code: str, status: str) -> None:
    answer = client.post(
        f"/v1/regulator/enterprises/{code}/status",
        json={"status": status, "reason": "counterfeit goods reported"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == status


def assert_refused(answer: Any, code: str) -> None:
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == code
    assert answer.json()["requestId"]


@pytest.fixture
def uncached(sqlite_url: str) -> Iterator[TestClient]:
    settings = quiet_settings(sqlite_url, key_cache_seconds=0)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client


def test_a_suspended_enterprises_keys_are_refused_until_it_is_reinstated(
    uncached: TestClient, declarations: Declarations
) -> None:
    code, own = file_enterprise(uncached, declarations)
    assert uncached.get(f"/v1/enterprises/{code}", headers=own).status_code == 200

    change_status(uncached, code, "suspended")
    for method, url in (
        ("GET", f"/v1/enterprises/{code}"),
        ("GET", "/v1/declarations"),
        ("GET", "/v1/keys"),
        ("POST", "/v1/declarations"),
    ):
        kwargs: dict[str, Any] = {"json": declarations.valid()} if method == "POST" else {}
        assert_refused(uncached.request(method, url, headers=own, **kwargs), "enterprise_suspended")

    change_status(uncached, code, "active")
    assert uncached.get(f"/v1/enterprises/{code}", headers=own).status_code == 200


def test_a_revoked_enterprises_keys_never_work_again(
    uncached: TestClient, declarations: Declarations
) -> None:
    code, own = file_enterprise(uncached, declarations)
    change_status(uncached, code, "revoked")
    assert_refused(uncached.get("/v1/declarations", headers=own), "enterprise_revoked")
    # Nor does a key issued after the revocation.
    issued = uncached.post("/v1/keys", json={"kind": "enterprise", "customsCode": code})
    assert issued.status_code == 201, issued.text
    fresh = {"Authorization": f"Bearer {issued.json()['key']}"}
    assert_refused(uncached.get("/v1/declarations", headers=fresh), "enterprise_revoked")


def test_a_suspension_elsewhere_stops_the_keys_here_within_the_cache_time(
    sqlite_url: str, declarations: Declarations
) -> None:
    """Two processes on one database: the regulator's goes through one, the platform's
    calls through the other, whose key cache remembers the key as it was."""
    clock = Clock()
    here_settings = quiet_settings(sqlite_url, key_cache_seconds=5)
    with (
        TestClient(create_app(quiet_settings(sqlite_url)), headers=ADMIN) as elsewhere,
        TestClient(create_app(here_settings)) as here,
    ):
        here.app.state.authenticator.clock = clock  # type: ignore[attr-defined]
        code, own = file_enterprise(elsewhere, declarations)
        assert here.get("/v1/declarations", headers=own).status_code == 200

        change_status(elsewhere, code, "suspended")
        clock.now += 5.01  # the cache entry has expired: the filing is read again
        assert_refused(here.get("/v1/declarations", headers=own), "enterprise_suspended")

        change_status(elsewhere, code, "active")
        clock.now += 5.01
        assert here.get("/v1/declarations", headers=own).status_code == 200


def test_forgetting_an_enterprise_drops_its_cached_keys_at_once(
    sqlite_url: str, declarations: Declarations
) -> None:
    """What the process that changes a filing's status does, so that the change holds
    there at once rather than after the cache time."""
    with (
        TestClient(create_app(quiet_settings(sqlite_url)), headers=ADMIN) as elsewhere,
        TestClient(create_app(quiet_settings(sqlite_url, key_cache_seconds=60))) as here,
    ):
        authenticator = here.app.state.authenticator  # type: ignore[attr-defined]
        authenticator.clock = Clock()  # stands still: nothing expires by itself
        code, own = file_enterprise(elsewhere, declarations)
        other_code = declarations.filings()[1]["customsCode"]
        assert here.get("/v1/declarations", headers=own).status_code == 200

        change_status(elsewhere, code, "suspended")
        # Remembered for the cache time…
        assert here.get("/v1/declarations", headers=own).status_code == 200
        authenticator.forget_enterprise(other_code)  # …someone else's: nothing changes…
        assert here.get("/v1/declarations", headers=own).status_code == 200
        authenticator.forget_enterprise(code)  # …its own: read again at once.
        assert_refused(here.get("/v1/declarations", headers=own), "enterprise_suspended")
