"""The service under test, started as `make run` starts it: ``singlewindow db upgrade``,
then ``singlewindow serve --with-agencies``, with its database and the agencies' data in
a directory of the benchmark's own. Stopping it stops every process it started."""

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from bench.resources import live_group_members

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# `serve --with-agencies` puts the agencies on their usual ports, and takes their receipt
# callbacks in a second API process on its usual port.
AGENCY_PORTS = (8101, 8102, 8103, 8104)
CALLBACK_PORT = 8001
STARTUP_SECONDS = 60
STOP_GRACE_SECONDS = 20
_PR_SET_PDEATHSIG = 1


class ServiceError(RuntimeError):
    """The service did not start, or its ports are taken."""


def singlewindow_command() -> Path:
    """The ``singlewindow`` script of the virtual environment running the benchmark."""
    script = Path(sys.executable).with_name("singlewindow")
    if not script.exists():
        raise ServiceError(f"{script} is missing: run the benchmark with the project's venv")
    return script


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM it if the benchmark dies, even by SIGKILL."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Service:
    def __init__(
        self, *, database_url: str, workdir: Path, host: str, port: int, log_level: str
    ) -> None:
        self.database_url = database_url
        # The admin the benchmark files the parties as; made fresh for each run.
        self.admin_key = "sw_a_bench_" + secrets.token_urlsafe(32)
        self.host = host
        self.port = port
        self.log_path = workdir / "server.log"
        self.environment = os.environ | {
            "SW_DATABASE_URL": database_url,
            "SW_HOST": host,
            "SW_PORT": str(port),
            "SW_LOG_LEVEL": log_level,
            "AGENCY_DATA_DIR": str(workdir / "agency-data"),
            "SW_BOOTSTRAP_ADMIN_KEY": self.admin_key,
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "the service is not running"
        return self.process.pid

    def start(self) -> None:
        taken = [p for p in (self.port, CALLBACK_PORT, *AGENCY_PORTS) if port_in_use(self.host, p)]
        if taken:
            raise ServiceError(
                f"port(s) {', '.join(map(str, taken))} in use: is `make run` or another "
                "benchmark running? (`pgrep -fa 'singlewindow|mock_agencies'`)"
            )
        script = singlewindow_command()
        upgrade = subprocess.run(
            [script, "db", "upgrade"], env=self.environment, cwd=PROJECT_ROOT, capture_output=True
        )
        if upgrade.returncode != 0:
            raise ServiceError(
                f"`singlewindow db upgrade` failed:\n{upgrade.stderr.decode()[-2000:]}"
            )
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [script, "serve", "--with-agencies"],
                env=self.environment,
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # A group of its own: Ctrl-C reaches only the benchmark, which then stops
                # the API and the agencies in order, and one killpg reaches them all.
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        with httpx.Client(base_url=self.base_url, timeout=2) as client:
            while True:
                if self.process is None or self.process.poll() is not None:
                    raise ServiceError("the service exited as it started")
                try:
                    if client.get("/readyz").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise ServiceError(f"the service was not ready after {STARTUP_SECONDS} s")
                time.sleep(0.2)

    def check(self) -> None:
        """Raise if the service has stopped: the numbers after that would mean nothing."""
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise ServiceError(f"the service stopped during the run (exit code {code})")

    def log_tail(self, lines: int = 12) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the group (uvicorn shuts down, then stops its agencies), then SIGKILL
        whatever is left of it after the grace period."""
        if self.process is None:
            return
        group = self.process.pid  # the session leader's pid is its group's id
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        while live_group_members(group) and time.monotonic() < deadline:
            time.sleep(0.1)
        if live_group_members(group):
            _signal_group(group, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait()
        self.process = None

    def __enter__(self) -> "Service":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _signal_group(group: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)
