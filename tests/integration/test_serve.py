"""`singlewindow serve` delivers the outbox from worker processes of its own and takes the
agencies' receipt callbacks in an API process of their own; all of them stop with it, and
go away even when it is killed."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from app.store.db import upgrade
from tests.support.reliability import singlewindow_command
from tests.support.service import free_port


def children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(child) for child in text.split()}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone as far as work goes.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text()


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_serve_runs_the_dispatcher_and_the_callbacks_in_processes_that_end_with_it(
    tmp_path: Path, stop: signal.Signals
) -> None:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    upgrade(url)
    port, callback_port = free_port(), free_port()
    env = os.environ | {
        "SW_DATABASE_URL": url,
        "SW_PORT": str(port),
        "SW_BOOTSTRAP_ADMIN_KEY": "sw_a_" + "x" * 40,
        "SW_LOG_LEVEL": "info",
    }
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        singlewindow_command(
            "serve", "--dispatch-workers", "2", "--callback-port", str(callback_port)
        ),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def ready() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(ready, 30), (tmp_path / "serve.log").read_text()
        workers = {p for p in children(serve.pid) if " worker" in command_line(p)}
        assert len(workers) == 2
        replicas = {p for p in children(serve.pid) if " serve " in command_line(p)}
        assert len(replicas) == 1
        # The callback process answers receipts (here: one not signed by the agency).
        refused = httpx.post(
            f"http://127.0.0.1:{callback_port}/v1/receipts/customs", json={"receipts": []}
        )
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        # The API and the callback process leave the outbox to the workers: only the
        # workers say they started a dispatcher.
        assert wait_until(
            lambda: (tmp_path / "serve.log").read_text().count("dispatcher started") == 2, 20
        )
        serve.send_signal(stop)
        serve.wait(timeout=20)
        assert wait_until(lambda: not any(alive(p) for p in workers | replicas), 15)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        log.close()
