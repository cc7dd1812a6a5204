"""Registering a webhook endpoint: URLs that would reach inside the single window's
network are refused, in any spelling, unless the operator allowed their host; the
secret is a Standard Webhooks one."""

import base64
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.support.service import ADMIN

EVENTS = ["declaration.status_changed"]


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[TestClient]:
    """The service as it ships: no host allowed beyond public addresses."""
    shipped = settings.model_copy(update={"webhook_allowed_hosts": ""})
    with TestClient(create_app(shipped), headers=ADMIN) as test_client:
        yield test_client


def register(client: TestClient, url: str, **more: Any) -> Any:
    return client.post("/v1/webhooks", json={"url": url, "events": EVENTS, **more})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://0177.0.0.1/hook",
        "http://127.1/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:7f00:1]/hook",
        "http://localhost/hook",
        "http://localhost./hook",
        "http://hooks.localhost/hook",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[fe80::1]/hook",
        "http://10.0.0.7/hook",
        "http://172.16.5.4/hook",
        "http://192.168.0.1/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[fd00::1]/hook",
        "http://[64:ff9b::10.0.0.1]/hook",
        "http://user:password@hooks.example.com/hook",
    ],
)
def test_a_url_reaching_inside_is_refused(strict_client: TestClient, url: str) -> None:
    answer = register(strict_client, url)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "webhook_url_forbidden"
    assert problem["titleZh"]
    assert problem["detailZh"].startswith("url")
    assert [(v["code"], v["pointer"]) for v in problem["violations"]] == [
        ("webhook_url_forbidden", "/url")
    ]
    assert problem["violations"][0]["messageZh"]
    assert strict_client.get("/v1/webhooks").json()["items"] == []


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/", "file:///etc/passwd"])
def test_only_http_and_https_urls_are_taken(strict_client: TestClient, url: str) -> None:
    answer = register(strict_client, url)
    assert answer.status_code == 422
    assert [v["pointer"] for v in answer.json()["violations"]] == ["/url"]


def test_a_public_url_is_taken(strict_client: TestClient) -> None:
    answer = register(strict_client, "https://hooks.example.com/status")
    assert answer.status_code == 201
    assert answer.json()["url"] == "https://hooks.example.com/status"


def test_urls_are_at_most_2000_characters_as_stored(strict_client: TestClient) -> None:
    base = "https://hooks.example.com/"
    assert register(strict_client, base + "a" * (2000 - len(base))).status_code == 201
    for too_long in (
        base + "a" * (2001 - len(base)),
        # 1,000 characters sent, 6,000 once percent-encoded as stored.
        base + "é" * 1000,
    ):
        answer = register(strict_client, too_long)
        assert answer.status_code == 422
        assert answer.json()["code"] == "invalid_request"
        assert [(v["code"], v["pointer"]) for v in answer.json()["violations"]] == [
            ("too_long", "/url")
        ]


def test_an_allowed_host_passes_and_nothing_else(settings: Settings) -> None:
    local = settings.model_copy(update={"webhook_allowed_hosts": "localhost"})
    with TestClient(create_app(local), headers=ADMIN) as client:
        assert register(client, "http://localhost:9000/hook").status_code == 201
        assert register(client, "http://LOCALHOST:9000/hook").status_code == 201
        for elsewhere in ("http://127.0.0.1:9000/hook", "http://hooks.localhost/hook"):
            assert register(client, elsewhere).json()["code"] == "webhook_url_forbidden"


def test_the_allowed_hosts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SW_WEBHOOK_ALLOWED_HOSTS", raising=False)
    assert Settings(_env_file=None).webhook_hosts_allowed() == frozenset()
    monkeypatch.setenv("SW_WEBHOOK_ALLOWED_HOSTS", "localhost, Hooks.Internal,[::1],")
    assert Settings(_env_file=None).webhook_hosts_allowed() == {
        "localhost",
        "hooks.internal",
        "::1",
    }


def test_the_secret_made_is_standard_webhooks(strict_client: TestClient) -> None:
    secret = register(strict_client, "https://hooks.example.com/").json()["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_a_secret_brought_along_is_a_standard_one(strict_client: TestClient) -> None:
    own = "whsec_" + base64.b64encode(secrets.token_bytes(48)).decode()
    answer = register(strict_client, "https://hooks.example.com/", secret=own)
    assert answer.status_code == 201
    assert answer.json()["secret"] == own
    for unusable in (
        "my-own-webhook-secret-0123456789",  # not base64 of a key
        "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),  # too short a key
        "whsec_" + base64.urlsafe_b64encode(b"\xfb\xff\xbf" * 11).decode(),  # URL-safe
    ):
        answer = register(strict_client, "https://hooks.example.com/", secret=unusable)
        assert answer.status_code == 422, unusable
        assert [v["pointer"] for v in answer.json()["violations"]] == ["/secret"]
