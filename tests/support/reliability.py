"""Real processes for the reliability tests: the single window (`singlewindow serve`,
`singlewindow worker`) and the four agencies (`python -m mock_agencies`), each a child
process on its own port and log file; and the database, read as the truth of what the
single window accepted and decided.

Every child is started from the test's main thread and asks the kernel to kill it when
that thread goes away (PR_SET_PDEATHSIG), so even a test run that is itself killed
leaves no process holding a port; ``Processes.stop_all`` stops them in the ordinary way."""

import contextlib
import ctypes
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import IO, Any

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from app import demo
from app.agencies.wire import AgencyName
from app.domain.clearance import FINAL
from app.store.db import make_engine
from mock_agencies.rules import customs
from tests.support.service import ADMIN, ADMIN_KEY

HOST = "127.0.0.1"
SINGLEWINDOW = Path(sys.executable).with_name("singlewindow")
FINAL_STATUSES = frozenset(status.value for status in FINAL)
PARTY_CODES = [party.customs_code for party in demo.DEMO_PARTIES.filings()]
# Goods neither prohibited nor flagged by quarantine, on customs' positive list.
SHOES = demo.PRODUCTS[4]  # 6403990090
T_SHIRT = demo.PRODUCTS[9]  # 6109100021
COSMETICS = demo.PRODUCTS[0]  # 3304990099: quarantine inspects it (flagged category)
FROZEN_PORK = demo.Product("冷冻猪肉", "1kg/袋", "0203291000", "035", Decimal("88.00"), "502")

# The single window as the tests run it: quick retries, a short lease (a killed worker's
# claims fall due again after it), frequent reconciliation. With a 2 s cap on the backoff
# an agency that is down for 30 s costs about 30 attempts, so the dead-letter threshold is
# raised with it (the defaults, 0.5 s doubling to 60 s and 15 attempts, last minutes).
SW_DEFAULTS: dict[str, str] = {
    "SW_LOG_LEVEL": "info",
    "SW_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
    "SW_DISPATCH_IDLE_SECONDS": "0.05",
    "SW_RETRY_BASE_SECONDS": "0.2",
    "SW_RETRY_CAP_SECONDS": "2",
    "SW_DEAD_LETTER_ATTEMPTS": "100",
    "SW_DISPATCH_LEASE_SECONDS": "5",
    "SW_RECONCILE_AFTER_SECONDS": "3",
    "SW_RECONCILE_EVERY_SECONDS": "1",
}
# The agencies: callbacks retried within a second while the single window is away.
AGENCY_DEFAULTS: dict[str, str] = {"AGENCY_RETRY_MAX_MS": "1000"}
DECISION_DELAY_MS = 100
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child between fork and exec."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def free_ports(count: int) -> list[int]:
    """Distinct free ports (the sockets are held until all are chosen)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind((HOST, 0))
        return [int(s.getsockname()[1]) for s in sockets]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any SW_* or AGENCY_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SW_", "AGENCY_"))}
    env["PYTHONUNBUFFERED"] = "1"
    return env | extra


def singlewindow_command(*arguments: str) -> list[str]:
    if SINGLEWINDOW.exists():
        return [str(SINGLEWINDOW), *arguments]
    return [sys.executable, "-c", "from app.cli import main; main()", *arguments]


class ProcessFailed(AssertionError):
    pass


class Child:
    """One child process; it can be killed and started again with the same command line,
    appending to the same log."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        log_path: Path,
        ready: Callable[["Child"], bool] | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.ready = ready
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0
        self.meant_to_run = False  # started, and not (yet) stopped or killed on purpose

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def spawn(self) -> "Child":
        assert not self.alive(), f"{self.name} is already running"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log is None:
            self._log = self.log_path.open("ab")
        self.starts += 1
        self.meant_to_run = True
        self._log.write(f"\n===== start #{self.starts}: {' '.join(self.argv)}\n".encode())
        self._log.flush()
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            # Not the project: a developer's .env there must not change the settings.
            cwd=self.log_path.parent,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        return self

    def wait_ready(self, timeout: float = 30) -> "Child":
        deadline = time.monotonic() + timeout
        while self.ready is not None and not self.ready(self):
            if not self.alive():
                raise ProcessFailed(f"{self.name} exited before it was ready\n{self.tail()}")
            if time.monotonic() > deadline:
                raise ProcessFailed(f"{self.name} not ready after {timeout} s\n{self.tail()}")
            time.sleep(0.05)
        return self

    def start(self, timeout: float = 30) -> "Child":
        return self.spawn().wait_ready(timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind."""
        self.meant_to_run = False
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def terminate(self) -> None:
        self.meant_to_run = False
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def stop(self, grace: float = 10) -> None:
        self.terminate()
        self.reap(time.monotonic() + grace)

    def reap(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 25) -> str:
        last = self.log_text().splitlines()[-lines:]
        state = "running" if self.alive() else f"exited: {self.process and self.process.poll()}"
        return f"--- {self.name} ({state}), last lines of {self.log_path}:\n" + "\n".join(last)


class Processes:
    """Every child one test starts; ``stop_all`` ends those still running."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: list[Child] = []

    def add(self, child: Child) -> Child:
        self.children.append(child)
        return child

    def check(self) -> None:
        """Fail at once if a process died that nobody stopped (rather than wait in vain)."""
        for child in self.children:
            if child.meant_to_run and not child.alive():
                raise ProcessFailed(f"{child.name} died unexpectedly\n{child.tail()}")

    def stop_all(self, grace: float = 10) -> None:
        for child in self.children:
            child.terminate()
        deadline = time.monotonic() + grace
        for child in self.children:
            child.reap(deadline)
            child.close()


def _answers(url: str, pid: int | None = None) -> bool:
    try:
        answer = httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    if answer.status_code != 200:
        return False
    return pid is None or answer.json().get("pid") == pid


@dataclass
class SingleWindow:
    """One single window (an API process and any workers) over one database, and the four
    agencies it talks to, each on its own free port."""

    processes: Processes
    name: str
    database_url: str
    data_dir: Path
    settings: dict[str, str] = field(default_factory=dict)
    api_port: int = 0
    agency_ports: dict[AgencyName, int] = field(default_factory=dict)
    agencies: dict[AgencyName, Child] = field(default_factory=dict)
    api: Child | None = None
    workers: list[Child] = field(default_factory=list)

    def __post_init__(self) -> None:
        ports = free_ports(1 + len(AgencyName))
        self.api_port = ports[0]
        self.agency_ports = dict(zip(AgencyName, ports[1:], strict=True))
        self._engine: Engine | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    def agency_url(self, agency: AgencyName) -> str:
        return f"http://{HOST}:{self.agency_ports[agency]}"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # --- processes ------------------------------------------------------------------------

    def sw_env(self, *, dispatcher: bool) -> dict[str, str]:
        urls = {f"SW_{agency.upper()}_URL": self.agency_url(agency) for agency in AgencyName}
        own = {
            "SW_DATABASE_URL": self.database_url,
            "SW_HOST": HOST,
            "SW_PORT": str(self.api_port),
            "SW_DISPATCHER_ENABLED": str(dispatcher).lower(),
        }
        return clean_env(**(SW_DEFAULTS | urls | own | self.settings))

    def agency(
        self,
        agency: AgencyName,
        *,
        callback_base_url: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Child:
        """An agency child (not started); its data lives in ``data_dir/agencies``."""
        argv = [sys.executable, "-m", "mock_agencies", "--agency", agency.value]
        argv += ["--host", HOST, "--port", str(self.agency_ports[agency])]
        argv += ["--data-dir", str(self.agency_data_dir)]
        argv += ["--callback-base-url", callback_base_url or self.url]
        argv += ["--decision-delay-ms", str(DECISION_DELAY_MS), "--log-level", "warning"]
        argv += ["--exit-with-parent"]
        url = f"{self.agency_url(agency)}/healthz"
        child = Child(
            f"{self.name}/{agency}",
            argv,
            clean_env(**(AGENCY_DEFAULTS | dict(env or {}))),
            self.processes.log_dir / f"{self.name}-{agency}.log",
            ready=lambda c: _answers(url, c.pid),
        )
        self.agencies[agency] = self.processes.add(child)
        return child

    @property
    def agency_data_dir(self) -> Path:
        return self.data_dir / "agencies"

    def start_agencies(
        self,
        *,
        env: Mapping[str, str] | None = None,
        callback_base_urls: Mapping[AgencyName, str] | None = None,
    ) -> None:
        """All four at once (started together, then waited for)."""
        children = [
            self.agency(
                agency, callback_base_url=(callback_base_urls or {}).get(agency), env=env
            ).spawn()
            for agency in AgencyName
        ]
        for child in children:
            child.wait_ready()

    def start_api(self, *, dispatcher: bool = True) -> Child:
        if self.api is None:
            self.api = self.processes.add(
                Child(
                    f"{self.name}/api",
                    # The dispatcher in the API process itself: killing it kills both. The
                    # agencies call back this one process.
                    singlewindow_command(
                        "serve", "--dispatch-workers", "0", "--callback-port", "0"
                    ),
                    self.sw_env(dispatcher=dispatcher),
                    self.processes.log_dir / f"{self.name}-api.log",
                    ready=lambda _: _answers(f"{self.url}/readyz"),
                )
            )
        return self.api.start()

    def start_worker(self) -> Child:
        n = len(self.workers) + 1
        log = self.processes.log_dir / f"{self.name}-worker{n}.log"
        worker = Child(
            f"{self.name}/worker{n}",
            singlewindow_command("worker"),
            self.sw_env(dispatcher=True),
            log,
            ready=lambda c: "dispatcher started" in c.log_text().split("===== start #")[-1],
        )
        self.workers.append(self.processes.add(worker))
        return worker.start()

    def cli(self, *arguments: str) -> str:
        """Run ``singlewindow <arguments>`` against this database; answer its output."""
        self.processes.log_dir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            singlewindow_command(*arguments),
            env=self.sw_env(dispatcher=False) | {"COLUMNS": "300", "TERM": "dumb"},
            cwd=self.processes.log_dir,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"singlewindow {' '.join(arguments)} failed:\n{done}"
        return done.stdout

    def diagnostics(self) -> str:
        return "\n".join(child.tail(15) for child in self.processes.children)

    # --- the single window's API ----------------------------------------------------------

    def client(self, timeout: float = 30) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout, headers=ADMIN)

    def file_parties(self, seed: int = 11) -> None:
        """File the demo parties, wait until every agency registered them and the
        re-announcements of the active filings went out."""
        rng = Random(seed)
        with self.client() as client:
            for party in demo.DEMO_PARTIES.filings():
                answer = client.post("/v1/enterprises", json=party.body(rng))
                assert answer.status_code == 201, answer.text
            demo.wait_until_active(client, PARTY_CODES, timeout=30)
        self.wait_for(lambda: outbox_pending(self.engine) == 0, 30, "the filings' outbox drained")

    def post(self, bodies: Sequence[dict[str, Any]]) -> list[str]:
        """Post declarations one by one; answer their ids (every one must be accepted)."""
        ids = []
        with self.client() as client:
            for body in bodies:
                answer = client.post("/v1/declarations", json=body)
                assert answer.status_code == 202, answer.text
                ids.append(answer.json()["id"])
        return ids

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            self.processes.check()
            if time.monotonic() > deadline:
                raise AssertionError(f"not {what} after {timeout} s\n{self.diagnostics()}")
            time.sleep(0.1)

    def wait_all_final(self, ids: Sequence[str], timeout: float) -> float:
        """Wait until every declaration has a final status; answer when (monotonic)."""
        deadline = time.monotonic() + timeout
        while True:
            statuses = declaration_statuses(self.engine)
            waiting = [i for i in ids if statuses.get(i) not in FINAL_STATUSES]
            if not waiting:
                return time.monotonic()
            self.processes.check()
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(waiting)} of {len(ids)} declarations are not final after "
                    f"{timeout} s:\n{describe(self.engine, waiting)}\n{self.diagnostics()}"
                )
            time.sleep(0.2)


# --- the database as the truth --------------------------------------------------------------


def declaration_statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return {
            row.id: row.status
            for row in connection.execute(text("SELECT id, status FROM declarations"))
        }


def agency_parts(engine: Engine) -> dict[str, dict[str, str]]:
    parts: dict[str, dict[str, str]] = {}
    with engine.connect() as connection:
        for row in connection.execute(
            text("SELECT declaration_id, agency, status FROM declaration_agencies")
        ):
            parts.setdefault(row.declaration_id, {})[row.agency] = row.status
    return parts


def outbox_rows(engine: Engine, where: str = "1 = 1", **values: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT id, destination, kind, subject_id, status, attempts, last_error "
                    f"FROM outbox_messages WHERE {where} ORDER BY id"
                ),
                values,
            )
        )


def outbox_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            row.status: row.n
            for row in connection.execute(
                text("SELECT status, count(*) AS n FROM outbox_messages GROUP BY status")
            )
        }


def outbox_pending(engine: Engine) -> int:
    return outbox_counts(engine).get("pending", 0)


def describe(engine: Engine, ids: Sequence[str], limit: int = 20) -> str:
    """Stuck declarations: their status, their agency parts and their outbox messages."""
    statuses = declaration_statuses(engine)
    parts = agency_parts(engine)
    lines = []
    for declaration_id in ids[:limit]:
        agencies = ", ".join(f"{a}={s}" for a, s in sorted(parts.get(declaration_id, {}).items()))
        lines.append(f"  {declaration_id}: {statuses.get(declaration_id)} [{agencies}]")
        for m in outbox_rows(engine, "subject_id = :s", s=declaration_id):
            if m.status != "delivered":
                error = (m.last_error or "")[:120]
                lines.append(
                    f"      outbox {m.id} {m.destination} {m.status} x{m.attempts} {error}"
                )
    if len(ids) > limit:
        lines.append(f"  … and {len(ids) - limit} more")
    return "\n".join(lines)


def expected_status(declaration_id: str, credit_grade: str = "general") -> str:
    """What a declaration of plain goods (shoes, T-shirts) ends as: cleared, unless customs'
    risk sampling (a deterministic draw on the id) inspects it and then detains it."""
    if customs.sampled(declaration_id, credit_grade) and customs.detained(declaration_id):
        return "detained"
    return "cleared"


def agency_stats(url: str) -> dict[str, int]:
    answer: dict[str, int] = httpx.get(f"{url}/admin/stats", timeout=10).json()
    return answer


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, url
    return Path(database)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def read_sqlite(path: Path, query: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(query).fetchall()


@contextlib.contextmanager
def timed() -> Iterator[Callable[[], float]]:
    started = time.monotonic()
    yield lambda: time.monotonic() - started


class Load:
    """Posts declarations from several threads at once. A request that fails because the
    API went away is tried once more as soon as the API answers again, without an
    idempotency key: an order is declared once, so the retry is answered 409 if the first
    attempt was committed after all (its answer lost), 202 if it was not."""

    def __init__(self, url: str, bodies: Sequence[dict[str, Any]], threads: int = 8) -> None:
        self.url = url
        self.bodies = list(bodies)
        self.outcomes: dict[str, int] = {}
        self.errors: list[str] = []
        self._next = 0
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, name=f"load-{n}", daemon=True)
            for n in range(threads)
        ]

    def start(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not self.running(), f"the load did not finish in {timeout} s: {self.outcomes}"

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def _take(self) -> dict[str, Any] | None:
        with self._lock:
            if self._next >= len(self.bodies):
                return None
            self._next += 1
            return self.bodies[self._next - 1]

    def _count(self, outcome: str, detail: str = "") -> None:
        with self._lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            if detail:
                self.errors.append(detail)

    def _post(self, client: httpx.Client, body: dict[str, Any]) -> tuple[str, str]:
        try:
            answer = client.post("/v1/declarations", json=body)
        except httpx.HTTPError as error:
            return "failed", f"{type(error).__name__}: {error}"
        detail = "" if answer.status_code in (202, 409) else answer.text[:300]
        return str(answer.status_code), detail

    def _wait_for_api(self, client: httpx.Client, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30, headers=ADMIN) as client:
            while (body := self._take()) is not None:
                outcome, detail = self._post(client, body)
                self._count(f"first {outcome}", detail)
                if outcome == "failed":
                    self._wait_for_api(client)
                    outcome, detail = self._post(client, body)
                    self._count(f"retry {outcome}", detail)
