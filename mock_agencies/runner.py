"""All four agencies, each in its own process: ``run_all()`` (blocks until Ctrl-C or
SIGTERM) or ``with AgencyProcesses() as agencies:`` (for scripts and tests)."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType, TracebackType

import httpx

from app.agencies.wire import AgencyName
from mock_agencies.config import DEFAULT_PORTS

STOP_GRACE_SECONDS = 10
PARENT_CHECK_SECONDS = 1.0


class AgencyProcessError(RuntimeError):
    """An agency process did not come up, or failed."""


class AgencyProcesses:
    """Starts ``python -m mock_agencies --agency <name>`` for each agency, waits until each
    answers ``GET /healthz``, and stops them all on exit."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        ports: Mapping[AgencyName, int] = DEFAULT_PORTS,
        hosts: Mapping[AgencyName, str] | None = None,
        callback_base_url: str | None = None,
        data_dir: Path | None = None,
        decision_delay_ms: int | None = None,
        log_level: str | None = None,
        startup_timeout: float = 20.0,
    ) -> None:
        """``ports``: the agencies to run and where; ``hosts``: the host one of them
        listens on when not ``host``."""
        self.host = host
        self.ports = dict(ports)
        self.hosts = {agency: (hosts or {}).get(agency, host) for agency in self.ports}
        self.options: list[str] = []
        for option, value in (
            ("--callback-base-url", callback_base_url),
            ("--data-dir", data_dir),
            ("--decision-delay-ms", decision_delay_ms),
            ("--log-level", log_level),
        ):
            if value is not None:
                self.options += [option, str(value)]
        self.startup_timeout = startup_timeout
        self.processes: dict[AgencyName, subprocess.Popen[bytes]] = {}

    @property
    def urls(self) -> dict[AgencyName, str]:
        return {
            agency: f"http://{_in_url(self.hosts[agency])}:{port}"
            for agency, port in self.ports.items()
        }

    def start(self) -> None:
        for agency, port in self.ports.items():
            command = [sys.executable, "-m", "mock_agencies", "--agency", agency]
            command += ["--host", self.hosts[agency], "--port", str(port), "--exit-with-parent"]
            self.processes[agency] = subprocess.Popen([*command, *self.options])
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        waiting = dict(self.urls)
        with httpx.Client(timeout=1.0) as client:
            while waiting:
                self.check()
                for agency, url in list(waiting.items()):
                    if self._answers(client, agency, url):
                        del waiting[agency]
                if waiting and time.monotonic() > deadline:
                    raise AgencyProcessError(f"not healthy in time: {', '.join(waiting)}")
                time.sleep(0.1)

    def _answers(self, client: httpx.Client, agency: AgencyName, url: str) -> bool:
        """Our own process answers at ``url`` (not another one that holds the port)."""
        try:
            answer = client.get(f"{url}/healthz")
            health = answer.json() if answer.is_success else None
        except (httpx.HTTPError, ValueError):
            return False
        return isinstance(health, dict) and health.get("pid") == self.processes[agency].pid

    def check(self) -> None:
        """Raise if an agency process has stopped."""
        for agency, process in self.processes.items():
            if process.poll() is not None:
                raise AgencyProcessError(f"{agency} exited with code {process.returncode}")

    def wait(self) -> None:
        """Block while all the agencies run. Return when one stops cleanly (told to: Ctrl-C
        reaches the whole process group, and the children may notice before we do);
        raise when one fails."""
        while True:
            for agency, process in self.processes.items():
                code = process.poll()
                if code == 0:
                    return
                if code is not None:
                    raise AgencyProcessError(f"{agency} exited with code {code}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def __enter__(self) -> "AgencyProcesses":
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def run_all(
    *,
    host: str = "127.0.0.1",
    ports: Mapping[AgencyName, int] = DEFAULT_PORTS,
    hosts: Mapping[AgencyName, str] | None = None,
    callback_base_url: str | None = None,
    data_dir: Path | None = None,
    decision_delay_ms: int | None = None,
    log_level: str | None = None,
    startup_timeout: float = 20.0,
    on_ready: Callable[[dict[AgencyName, str]], None] | None = None,
) -> None:
    """Run the four agencies until Ctrl-C or SIGTERM, then stop them. Raises
    ``AgencyProcessError`` when one does not start or fails."""
    agencies = AgencyProcesses(
        host=host,
        ports=ports,
        hosts=hosts,
        callback_base_url=callback_base_url,
        data_dir=data_dir,
        decision_delay_ms=decision_delay_ms,
        log_level=log_level,
        startup_timeout=startup_timeout,
    )
    # SIGTERM stops the agencies as Ctrl-C does (signals reach the main thread only).
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    try:
        with agencies:
            (on_ready or _announce)(agencies.urls)
            agencies.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _in_url(host: str) -> str:
    """An IPv6 address is written in brackets in a URL."""
    return f"[{host}]" if ":" in host else host


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _announce(urls: dict[AgencyName, str]) -> None:
    for agency, url in urls.items():
        print(f"{agency:>10}  {url}", flush=True)


def exit_with_parent() -> None:
    """Stop this process (as by SIGTERM) when the process that started it goes away, so
    that agencies started by ``AgencyProcesses`` never outlive a parent that was killed."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
