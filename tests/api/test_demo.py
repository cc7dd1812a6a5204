"""`singlewindow demo` posts realistic declarations; its faults fire the rules they name."""

import random

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli, local_url
from app.config import get_settings
from app.demo import DEMO_PARTIES, FAULTS, run_demo
from tests.support.factories import register_everywhere
from tests.support.service import ADMIN, ADMIN_KEY, LiveServer, quiet_settings


def test_demo_declarations_are_mostly_accepted_and_faults_are_refused(client: TestClient) -> None:
    rng = random.Random(1)
    for filing in DEMO_PARTIES.filings():
        assert client.post("/v1/enterprises", json=filing.body(rng)).status_code == 201
    register_everywhere(client.app.state.engine, [f.customs_code for f in DEMO_PARTIES.filings()])  # type: ignore[attr-defined]
    ticks: list[None] = []
    outcome = run_demo(client, 120, seed=5, on_progress=lambda: ticks.append(None))
    assert outcome.posted == len(ticks) == 120
    assert outcome.accepted + outcome.refused + outcome.duplicates == 120
    assert outcome.accepted > 60
    assert outcome.refused > 10
    by_code = outcome.by_code or {}
    # Every fault injected names a rule that fired; nothing unexpected fired.
    assert set(by_code) <= set(FAULTS) | {
        "goods_value_mismatch",  # a changed line total also breaks the order total
        "waybill_reused",
        "duplicate_order",
        "annual_limit_exceeded",
    }
    listed = client.get("/v1/declarations", params={"limit": 200}).json()["items"]
    assert len(listed) == outcome.accepted


def test_singlewindow_demo_talks_to_the_service_at_sw_host_and_sw_port(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveServer(quiet_settings(sqlite_url)) as server:
        rng = random.Random(2)
        for filing in DEMO_PARTIES.filings():
            answer = httpx.post(
                f"{server.url}/v1/enterprises", json=filing.body(rng), headers=ADMIN
            )
            assert answer.status_code == 201, answer.text
        register_everywhere(server.engine, [f.customs_code for f in DEMO_PARTIES.filings()])
        # Not the default port: the demo finds the service by the settings `serve` uses.
        monkeypatch.setenv("SW_HOST", "127.0.0.1")
        monkeypatch.setenv("SW_PORT", str(server.port))
        monkeypatch.setenv("SW_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["demo", "--count", "12", "--seed", "3"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        listed = httpx.get(
            f"{server.url}/v1/declarations", params={"limit": 50}, headers=ADMIN
        ).json()["items"]
        assert listed, result.output
        assert {d["orderNo"][:4] for d in listed} == {"DEMO"}


def test_a_service_listening_on_every_interface_is_reached_on_loopback() -> None:
    assert local_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert local_url("::", 9000) == "http://[::1]:9000"
    assert local_url("10.1.2.3", 9000) == "http://10.1.2.3:9000"
