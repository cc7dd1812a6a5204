"""examples/declare.py, through the client generated from the OpenAPI document, files the
parties, declares an order and follows it to a final status on a live single window with
its four simulated agencies; a second run finds the parties filed and declares again."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.store.db import upgrade
from tests.support.reliability import Child, Processes, SingleWindow, singlewindow_command
from tests.support.service import ADMIN_KEY

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "declare.py"


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


@pytest.fixture
def single_window(processes: Processes, tmp_path: Path) -> SingleWindow:
    """`singlewindow serve --with-agencies`, as `make run` starts it, on free ports."""
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    upgrade(url)
    sw = SingleWindow(processes, "sw", url, tmp_path)
    env = sw.sw_env(dispatcher=True) | {
        "SW_CALLBACK_PORT": "0",
        "SW_API_WORKERS": "1",
        "SW_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "AGENCY_DECISION_DELAY_MS": "100",
    }
    processes.add(
        Child(
            "serve",
            singlewindow_command("serve", "--with-agencies", "--dispatch-workers", "0"),
            env,
            processes.log_dir / "serve.log",
            ready=lambda _: answers(f"{sw.url}/readyz"),
        )
    ).start(timeout=60)
    return sw


def run_example(sw: SingleWindow, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--url", sw.url, "--admin-key", ADMIN_KEY, "--timeout", "60"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # no .singlewindow-admin-key there: the key given is the one used
        check=False,
    )


def test_the_example_files_declares_and_follows_a_declaration_to_its_end(
    single_window: SingleWindow, tmp_path: Path
) -> None:
    first = run_example(single_window, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert sum(line.startswith("filed ") for line in lines) == 4, first.stdout
    assert "the four filings are active" in lines
    assert any(line.startswith("declared EXAMPLE-") for line in lines), first.stdout
    # The T-shirt is released, unless customs' risk sample picks it and detains it; the
    # tax agency assesses what the platform withheld.
    assert any(line.startswith(("cleared (800)", "detained (501)")) for line in lines), lines
    assert lines[-1] == "tax assessed: CNY 12.65"

    again = run_example(single_window, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert sum(" was filed before" in line for line in again.stdout.splitlines()) == 4

    listed = httpx.get(
        f"{single_window.url}/v1/declarations",
        params={"ebpCode": "1105960001"},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    ).json()["items"]
    assert len(listed) == 2
    assert all(d["status"] in {"cleared", "detained"} for d in listed), listed
