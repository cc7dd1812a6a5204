"""The simulated agencies listen where the single window looks for them (SW_CUSTOMS_URL,
SW_INSPECTION_URL, SW_TAX_URL, SW_FOREX_URL) and call back where `serve` takes receipts,
whether `serve --with-agencies` starts them or `singlewindow agencies` does; so that
`make run` works with ports of one's choosing."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.agencies.wire import AgencyName
from app.store.db import upgrade
from mock_agencies.config import DEFAULT_PORTS
from tests.support.factories import Declarations
from tests.support.reliability import (
    SHOES,
    Child,
    Processes,
    SingleWindow,
    expected_status,
    free_ports,
    singlewindow_command,
)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    registry = Processes(tmp_path / "logs")
    try:
        yield registry
    finally:
        registry.stop_all()


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def single_window(processes: Processes, tmp_path: Path) -> SingleWindow:
    """A database and ports for the API and the four agencies, none of them the defaults."""
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    upgrade(url)
    sw = SingleWindow(processes, "sw", url, tmp_path)
    assert not set(sw.agency_ports.values()) & set(DEFAULT_PORTS.values())
    return sw


def assert_agencies_answer_at_their_urls(sw: SingleWindow) -> None:
    for agency in AgencyName:
        health = httpx.get(f"{sw.agency_url(agency)}/healthz", timeout=5).json()
        assert health["agency"] == agency


def assert_a_declaration_clears(sw: SingleWindow) -> None:
    """File the parties (every agency registers them), declare, and see the agencies'
    receipts come back and fold into the final status."""
    sw.file_parties()
    (declaration,) = sw.post([Declarations(seed=31).valid(lines=[(SHOES, 1)])])
    sw.wait_all_final([declaration], timeout=60)
    with sw.client() as client:
        detail = client.get(f"/v1/declarations/{declaration}").json()
    assert detail["status"] == expected_status(declaration), detail
    assert {part["agency"] for part in detail["agencies"]} == set(AgencyName)


def test_serve_with_agencies_runs_them_at_the_configured_urls(
    processes: Processes, tmp_path: Path
) -> None:
    sw = single_window(processes, tmp_path)
    (callback_port,) = free_ports(1)
    env = sw.sw_env(dispatcher=True) | {
        "SW_CALLBACK_PORT": str(callback_port),
        "SW_API_WORKERS": "1",
        "AGENCY_DECISION_DELAY_MS": "100",
    }
    serve = processes.add(
        Child(
            "serve",
            # The outbox delivered in the API process: fewer processes to start.
            singlewindow_command("serve", "--with-agencies", "--dispatch-workers", "0"),
            env,
            processes.log_dir / "serve.log",
            ready=lambda _: answers(f"{sw.url}/readyz"),
        )
    )
    serve.start(timeout=60)
    log = serve.log_text()
    for agency in AgencyName:
        assert sw.agency_url(agency) in log, log
    assert_agencies_answer_at_their_urls(sw)
    assert answers(f"http://127.0.0.1:{callback_port}/readyz")
    assert_a_declaration_clears(sw)


def test_singlewindow_agencies_runs_them_at_the_configured_urls(
    processes: Processes, tmp_path: Path
) -> None:
    sw = single_window(processes, tmp_path)
    # Two terminals with the same settings: the service, and the agencies apart, which
    # call back on SW_PORT as the service takes receipts there (SW_CALLBACK_PORT=0).
    env = sw.sw_env(dispatcher=True) | {"SW_CALLBACK_PORT": "0", "SW_API_WORKERS": "1"}
    processes.add(
        Child(
            "serve",
            singlewindow_command("serve", "--dispatch-workers", "0"),
            env,
            processes.log_dir / "serve.log",
            ready=lambda _: answers(f"{sw.url}/readyz"),
        )
    ).start(timeout=60)
    processes.add(
        Child(
            "agencies",
            singlewindow_command("agencies", "--decision-delay-ms", "100"),
            env,
            processes.log_dir / "agencies.log",
            ready=lambda _: all(
                answers(f"{sw.agency_url(agency)}/healthz") for agency in AgencyName
            ),
        )
    ).start(timeout=60)
    assert_agencies_answer_at_their_urls(sw)
    assert_a_declaration_clears(sw)
