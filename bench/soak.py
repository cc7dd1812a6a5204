"""``python -m bench.soak`` (``make soak``): the reliability soak. Declarations arrive
open loop at a steady rate for many minutes while one agency is killed and comes back,
and webhook endpoints hang and fail; then the soak checks that nothing was lost and
nothing was done twice, and that intake and clearance kept their pace.

The single window runs as ``make run`` runs it (``singlewindow serve``: API processes, a
receipt-callback process, an outbox worker with the webhook pusher), over a fresh SQLite
database; the four agencies each run as a process of the soak's own, so that one can be
killed with SIGKILL and started again on the same port with the same data. bench/README.md
says what is measured and checked."""

import argparse
import base64
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, overload

import httpx

from app.agencies.wire import AgencyName
from bench.clearance import OUTCOMES, ClearanceWatch, EndToEnd
from bench.cli import _git_commit, _host
from bench.database_run import ServerLog, read_server_log
from bench.load import LoadRecord, Target, open_loop, run
from bench.report import write_json
from bench.service import PROJECT_ROOT, Service, ServiceError, _die_with_parent
from bench.service import singlewindow_command as singlewindow
from bench.soak_checks import (
    EXAMPLES,
    AgencyRecords,
    Pushes,
    PushLog,
    agency_records,
    outbox_counts,
    pushes,
    receipts_applied_twice,
    stored_declarations,
)
from bench.soak_receiver import SECRET_VARIABLE
from bench.stats import LatencySummary
from bench.summary import LoadSummary, summarize
from bench.workload import Declarations, file_parties
from tests.support.reliability import Child, Processes, ProcessFailed, free_ports

HOST = "127.0.0.1"
STEP = "SOAK"
RESULT = PROJECT_ROOT / "bench" / "results" / "soak" / "latest.json"
EVENTS = ["declaration.status_changed"]
# A phase's intake p99 is flagged when it is more than this many times the p99 before the
# outage (and more than the slack above it: a few ms either way is noise).
P99_RISE = 2.0
P99_SLACK_MS = 50.0
Say = Callable[[str], None]


@dataclass(frozen=True)
class SoakSettings:
    minutes: float
    rate: float
    outage_seconds: float
    outage_agency: AgencyName
    unavailable_endpoint: bool
    drain_timeout: float
    push_timeout: float
    timeout: float
    connections: int
    server_log_level: str
    seed: int
    output: Path
    keep_workdir: bool

    @property
    def seconds(self) -> float:
        return self.minutes * 60


def parse_settings(argv: Sequence[str] | None = None) -> SoakSettings:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    add = parser.add_argument
    add("--minutes", type=float, default=10.0, help="how long declarations arrive")
    add("--rate", type=float, default=300.0, help="declarations a second, open loop")
    add("--outage-seconds", type=float, default=60.0, help="how long the agency is down")
    add("--outage-agency", type=AgencyName, choices=list(AgencyName), default=AgencyName.CUSTOMS)
    add(
        "--unavailable-endpoint",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also register an endpoint that answers 503",
    )
    add(
        "--drain-timeout",
        type=float,
        default=600.0,
        help="after the load, wait this long for every declaration to reach a final status",
    )
    add(
        "--push-timeout",
        type=float,
        default=120.0,
        help="then wait for the healthy endpoint to get every final status, as long as "
        "pushes keep coming: give up after this long without one",
    )
    add("--timeout", type=float, default=10.0, help="a request gives up this long after its time")
    add("--connections", type=int, default=512, help="open-loop connection limit")
    add("--server-log-level", default="warning", help="SW_LOG_LEVEL of the service")
    add("--seed", type=int, default=20261127)
    add("--output", type=Path, default=RESULT)
    add("--keep-workdir", action="store_true", help="keep the database, agency data and logs")
    arguments = parser.parse_args(argv)
    if arguments.minutes <= 0 or arguments.rate <= 0 or arguments.outage_seconds < 0:
        parser.error("--minutes and --rate must be positive, --outage-seconds not negative")
    if arguments.outage_seconds >= arguments.minutes * 60 * 2 / 3:
        parser.error("the outage must end before the load does (it starts at a third)")
    return SoakSettings(**vars(arguments))


class SoakService(Service):
    """``singlewindow serve`` as ``make run`` starts it, but without ``--with-agencies``
    (the soak runs the agencies itself), on free ports, letting pushes reach this host."""

    def __init__(
        self, *, agency_urls: dict[AgencyName, str], callback_port: int, **given: Any
    ) -> None:
        super().__init__(**given)
        self.environment |= {f"SW_{a.upper()}_URL": url for a, url in agency_urls.items()}
        self.environment |= {
            "SW_CALLBACK_PORT": str(callback_port),
            "SW_WEBHOOK_ALLOWED_HOSTS": self.host,
        }

    def start(self) -> None:
        script = singlewindow()
        upgrade = subprocess.run(
            [script, "db", "upgrade"], env=self.environment, cwd=PROJECT_ROOT, capture_output=True
        )
        if upgrade.returncode != 0:
            raise ServiceError(f"`singlewindow db upgrade` failed:\n{upgrade.stderr.decode()}")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [script, "serve"],
                env=self.environment,
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # one killpg stops it all (Service.stop)
                preexec_fn=_die_with_parent,
            )
        self._wait_until_ready()


def _answers(url: str, pid: int | None = None) -> bool:
    try:
        answer = httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200 and (pid is None or answer.json().get("pid") == pid)


class Stack:
    """Everything the soak runs: the single window, the four agencies, the webhook
    endpoints; stopped on exit whatever happened."""

    def __init__(self, settings: SoakSettings, workdir: Path) -> None:
        api, callback, receiver, hanging, *agency_ports = free_ports(4 + len(AgencyName))
        self.workdir = workdir
        self.processes = Processes(workdir / "logs")
        self.released = threading.Event()  # see Outage
        self.agency_data = workdir / "agency-data"
        self.agency_urls = {
            agency: f"http://{HOST}:{port}"
            for agency, port in zip(AgencyName, agency_ports, strict=True)
        }
        self.service = SoakService(
            agency_urls=self.agency_urls,
            callback_port=callback,
            database_url=f"sqlite:///{workdir / 'singlewindow.db'}",
            workdir=workdir,
            host=HOST,
            port=api,
            log_level=settings.server_log_level,
        )
        self.agencies = {
            agency: self.processes.add(self._agency(agency, f"http://{HOST}:{callback}"))
            for agency in AgencyName
        }
        # Brought by the soak (as a platform may), so that the receiver verifies with it.
        self.secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        self.pushes_path = workdir / "pushes.jsonl"
        receiver_url = f"http://{HOST}:{receiver}"
        self.endpoint_urls = {
            "healthy": f"{receiver_url}/ok",
            "hanging": f"http://{HOST}:{hanging}/hook",
            "unavailable": f"{receiver_url}/unavailable",
        }
        self.receiver = self.processes.add(
            Child(
                "webhook receiver",
                [
                    *(sys.executable, "-m", "bench.soak_receiver", "--host", HOST),
                    *("--port", str(receiver), "--hanging-port", str(hanging)),
                    *("--record", str(self.pushes_path)),
                ],
                self.service.environment
                | {"PYTHONPATH": str(PROJECT_ROOT), SECRET_VARIABLE: self.secret},
                self.processes.log_dir / "receiver.log",
                ready=lambda _: _answers(f"{receiver_url}/healthz"),
            )
        )

    def _agency(self, agency: AgencyName, callback_url: str) -> Child:
        url = self.agency_urls[agency]
        return Child(
            agency.value,
            [
                *(sys.executable, "-m", "mock_agencies", "--agency", agency.value),
                *("--host", HOST, "--port", url.rsplit(":", 1)[1]),
                *("--data-dir", str(self.agency_data), "--callback-base-url", callback_url),
                *("--log-level", "warning", "--exit-with-parent"),
            ],
            self.service.environment,
            self.processes.log_dir / f"{agency.value}.log",
            ready=lambda child: _answers(f"{url}/healthz", child.pid),
        )

    def check(self) -> None:
        self.service.check()
        self.processes.check()

    def __enter__(self) -> "Stack":
        try:
            for child in [self.receiver, *self.agencies.values()]:
                child.spawn()
            for child in [self.receiver, *self.agencies.values()]:
                child.wait_ready()
            self.service.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.service.stop()
        self.processes.stop_all()
        self.released.set()


class Requests(Sequence[bytes]):
    """The load's requests, each built as the generator reaches it (about 0.15 ms of its
    CPU): ten minutes of them built beforehand would hold some 400 MB."""

    def __init__(self, declarations: Declarations, count: int) -> None:
        self.declarations = declarations
        self.size = count

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        raise TypeError("the requests are built in order: iterate over them")

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.size):
            yield self.declarations.one(STEP)


class Outage(threading.Thread):
    """Kills one agency with SIGKILL ``at`` seconds from now, and starts it again on the
    same port, with the same data, ``seconds`` later (``done`` is set then). The thread
    then lives on until ``released``: a child started with PR_SET_PDEATHSIG (as
    tests.support.reliability starts them) dies with the thread that started it."""

    def __init__(self, agency: Child, at: float, seconds: float, released: threading.Event) -> None:
        super().__init__(name="outage", daemon=True)
        self.agency, self.at, self.seconds, self.released = agency, at, seconds, released
        self.stopping = threading.Event()
        self.done = threading.Event()
        self.down: float | None = None  # time.monotonic()
        self.back: float | None = None  # answering again
        self.error: str | None = None

    def run(self) -> None:
        try:
            if self.stopping.wait(self.at):
                return
            self.agency.kill()
            self.down = time.monotonic()
            self.stopping.wait(self.seconds)
            self.agency.start(timeout=60)
            self.back = time.monotonic()
        except ProcessFailed as failure:
            self.error = str(failure)
        finally:
            self.done.set()
        self.released.wait()


@dataclass(frozen=True)
class Phase:
    """Declarations offered in one part of the run (seconds since the load started)."""

    name: str
    window_s: tuple[float, float]
    requests: int
    accepted: int
    errors: dict[str, int]
    intake_ms: LatencySummary | None  # from the scheduled send to the answer
    clearance: EndToEnd  # accepted → final status, read from the database


@dataclass
class SoakResult:
    """Filled in as the soak goes, so that a failed or interrupted run says how far it got."""

    settings: dict[str, Any]
    started_at: str
    host: dict[str, Any]
    commit: str | None
    finished_at: str | None = None
    failure: str | None = None
    interrupted: bool = False
    webhook_endpoints: dict[str, str] = field(default_factory=dict)
    outage: dict[str, Any] = field(default_factory=dict)
    intake: LoadSummary | None = None  # the whole run; its timeline has each second
    phases: list[Phase] = field(default_factory=list)
    declarations: dict[str, Any] = field(default_factory=dict)
    agencies: list[AgencyRecords] = field(default_factory=list)
    outbox: dict[str, int] = field(default_factory=dict)
    database_mb: float | None = None  # the SQLite file and its WAL at the end
    pushes: Pushes | None = None
    endpoint_health: dict[str, Any] = field(default_factory=dict)
    server_log: ServerLog | None = None
    problems: list[str] = field(default_factory=list)  # something lost or done twice
    notes: list[str] = field(default_factory=list)  # worth a look, not a loss


def run_soak(stack: Stack, settings: SoakSettings, result: SoakResult, say: Say) -> None:
    service = stack.service
    say("filing the parties")
    platform_key = file_parties(service.base_url, random.Random(settings.seed), service.admin_key)
    headers = {"Authorization": f"Bearer {platform_key}"}
    with httpx.Client(base_url=service.base_url, timeout=30, headers=headers) as platform:
        names = ["healthy", "hanging"] + (["unavailable"] if settings.unavailable_endpoint else [])
        for name in names:
            body = {"url": stack.endpoint_urls[name], "events": EVENTS, "secret": stack.secret}
            answer = platform.post("/v1/webhooks", json=body)
            if answer.status_code != 201:
                raise RuntimeError(f"registering the {name} endpoint failed: {answer.text}")
            result.webhook_endpoints[name] = answer.json()["id"]
        declarations = Declarations(
            host=f"{HOST}:{service.port}",
            run_id=datetime.now(UTC).strftime("%y%m%d%H%M%S"),
            seed=settings.seed,
            idempotency_keys=True,
            api_key=platform_key,
        )
        record = offer_load(stack, settings, result, declarations, say)
        stack.check()
        verify(stack, settings, result, record, declarations.order_prefix(STEP), say)
        for name, endpoint_id in result.webhook_endpoints.items():
            answer = platform.get(f"/v1/webhooks/{endpoint_id}")
            result.endpoint_health[name] = answer.json()["health"]


def offer_load(
    stack: Stack,
    settings: SoakSettings,
    result: SoakResult,
    declarations: Declarations,
    say: Say,
) -> LoadRecord:
    count = round(settings.rate * settings.seconds)
    agency = settings.outage_agency
    say(
        f"offering {count:,} declarations at {settings.rate:g}/s for {settings.minutes:g} min; "
        f"{agency} goes down a third of the way in, for {settings.outage_seconds:g} s"
    )
    outage = Outage(
        stack.agencies[agency], settings.seconds / 3, settings.outage_seconds, stack.released
    )
    target = Target(HOST, stack.service.port, 202, settings.timeout, settings.connections)
    outage.start()
    try:
        record = run(open_loop(target, Requests(declarations, count), settings.rate))
    finally:
        outage.stopping.set()
        outage.done.wait(timeout=90)
    origin = record.started_monotonic
    result.outage = {
        "agency": agency.value,
        "planned_at_s": round(settings.seconds / 3, 2),
        "down_at_s": None if outage.down is None else round(outage.down - origin, 2),
        "back_at_s": None if outage.back is None else round(outage.back - origin, 2),
        "error": outage.error,
    }
    if outage.error or outage.down is None or outage.back is None:
        raise RuntimeError(f"the outage did not go as planned: {result.outage}")
    return record


def verify(
    stack: Stack,
    settings: SoakSettings,
    result: SoakResult,
    record: LoadRecord,
    prefix: str,
    say: Say,
) -> None:
    watch = ClearanceWatch(stack.service.database_url)
    try:
        say(f"waiting up to {settings.drain_timeout:g} s for every declaration to be final")
        drained = watch.wait_until_done(prefix, settings.drain_timeout)
        stored = stored_declarations(watch.engine, prefix)
        finals = {s.id: s.status for s in stored.values() if s.status in OUTCOMES}
        say("waiting for the pushes of their outcomes (while they keep coming)")
        log = PushLog(stack.pushes_path)
        result.pushes = pushes(log, finals, log.wait_for(finals, settings.push_timeout))
        result.outbox = outbox_counts(watch.engine)
        files = stack.workdir.glob("singlewindow.db*")
        result.database_mb = round(sum(f.stat().st_size for f in files) / 2**20, 1)
        ids = {s.id for s in stored.values()}
        result.agencies = [
            agency_records(agency, stack.agency_data / f"{agency.value}.db", url, ids)
            for agency, url in stack.agency_urls.items()
        ]
        # Each request is numbered by its scheduled time; so is its orderNo (from 1).
        accepted = {
            f"{prefix}{round(o.scheduled * settings.rate) + 1:08d}"
            for o in record.outcomes
            if o.status == 202
        }
        lost = sorted(accepted - stored.keys())
        result.declarations = {
            "offered": len(record.outcomes),
            "accepted": len(accepted),
            "stored": len(stored),
            "lost": len(lost),
            "lost_examples": lost[:EXAMPLES],
            # Stored although the generator saw no 202 (it gave up waiting): not a loss.
            "stored_without_answer": len(stored.keys() - accepted),
            "not_final": drained[1],
            "receipts_applied_twice": receipts_applied_twice(watch.engine, prefix),
            "outcomes": dict(Counter(s.status for s in stored.values())),
            "drained_after_s": drained[0],
        }
        say("measuring intake and clearance by phase")
        measure_phases(watch, settings, result, record, drained, prefix)
    finally:
        watch.close()


def measure_phases(
    watch: ClearanceWatch,
    settings: SoakSettings,
    result: SoakResult,
    record: LoadRecord,
    drained: tuple[float | None, int],
    prefix: str,
) -> None:
    down, back, end = result.outage["down_at_s"], result.outage["back_at_s"], settings.seconds
    result.intake = summarize(record, 202, (0.0, end))
    windows = {"before": (0.0, down), "during": (down, back), "after": (back, end)}
    for name, window in (windows | {"overall": (0.0, end)}).items():
        load = result.intake if name == "overall" else summarize(record, 202, window)
        start, stop = (datetime.fromtimestamp(record.started_wall + t, UTC) for t in window)
        result.phases.append(
            Phase(
                name=name,
                window_s=window,
                requests=load.requests,
                accepted=load.ok,
                errors=load.errors,
                intake_ms=load.latency_ms,
                clearance=watch.measure(prefix, (start, stop), drained),
            )
        )


def judge(result: SoakResult) -> None:
    """Problems: something lost or done twice. Notes: worth a look, not a loss."""
    problem, note = result.problems.append, result.notes.append
    counts = result.declarations
    if counts.get("lost"):
        problem(f"{counts['lost']} accepted declarations are not in the database")
    if counts.get("not_final"):
        problem(f"{counts['not_final']} declarations did not reach a final status in time")
    if counts.get("receipts_applied_twice"):
        problem(f"{counts['receipts_applied_twice']} agency receipts were applied twice")
    for agency in result.agencies:
        if agency.missing or agency.unknown:
            problem(
                f"{agency.agency}: {agency.missing} declarations without a record, "
                f"{agency.unknown} records of unknown declarations"
            )
    if result.outbox.get("dead"):
        problem(f"{result.outbox['dead']} dead letters in the outbox")
    if (p := result.pushes) is not None:
        if p.finals_missing:
            problem(f"the healthy endpoint missed {p.finals_missing} declarations' outcomes")
        if p.changes_under_two_ids:
            problem(f"{p.changes_under_two_ids} status changes were pushed under two ids")
        if p.unverified:
            problem(f"{p.unverified} pushes did not verify as Standard Webhooks")
        if p.arrived_again:
            note(f"{p.arrived_again} pushes arrived again under the same id (at least once)")
    for name in ("hanging", "unavailable"):
        health = result.endpoint_health.get(name)
        if health is not None and not health.get("parked"):
            note(
                f"the {name} endpoint is not parked (yet?): "
                f"{health.get('consecutiveFailures')} failures in a row"
            )
    phases = {phase.name: phase for phase in result.phases}
    before = phases.get("before")
    if before is not None and before.intake_ms is not None:
        for name in ("during", "after"):
            latency = phases[name].intake_ms
            ceiling = max(P99_RISE * before.intake_ms.p99, before.intake_ms.p99 + P99_SLACK_MS)
            if latency is not None and latency.p99 > ceiling:
                note(
                    f"intake p99 {name} the outage, {latency.p99:,.0f} ms, is above "
                    f"{P99_RISE:g}x the {before.intake_ms.p99:,.0f} ms before it"
                )
    if result.intake is not None:
        if result.intake.errors:
            note(f"intake answered other than 202: {result.intake.errors}")
        if result.intake.generator.behind_schedule:
            note("the generator fell behind its schedule (see intake.generator)")
    if result.server_log is not None and result.server_log.errors:
        note(f"{result.server_log.errors} ERROR lines in the service's log")


def _ms(summary: LatencySummary | None, field_name: str, scale: float = 1.0) -> str:
    if summary is None:
        return "-"
    return f"{getattr(summary, field_name) / scale:,.{1 if scale == 1 else 2}f}"


def print_summary(result: SoakResult, say: Say) -> None:
    outage, counts = result.outage, result.declarations
    if outage:
        say(
            f"{outage['agency']} down from {outage['down_at_s']} s to {outage['back_at_s']} s "
            "of the load"
        )
    for phase in result.phases:
        e2e = phase.clearance.accepted_to_outcome_ms
        say(
            f"  {phase.name:>8}: {phase.requests:>7,} offered, intake p50 "
            f"{_ms(phase.intake_ms, 'p50')} p99 {_ms(phase.intake_ms, 'p99')} ms; "
            f"accepted → final p50 {_ms(e2e, 'p50', 1000)} p99 {_ms(e2e, 'p99', 1000)} s"
        )
    if counts:
        say(
            f"declarations: {counts['accepted']:,} accepted, {counts['stored']:,} stored, "
            f"{counts['lost']} lost, {counts['not_final']} not final, "
            f"{counts['receipts_applied_twice']} receipts applied twice; "
            f"drained after {counts['drained_after_s']} s"
        )
    for agency in result.agencies:
        say(
            f"  {agency.agency:>10}: {agency.records:,} records, {agency.missing} missing, "
            f"{agency.unknown} unknown ({agency.items_received:,} received with re-sends)"
        )
    if result.outbox:
        say(f"outbox: {result.outbox}; database {result.database_mb:,} MB")
    if (p := result.pushes) is not None:
        say(
            f"pushes to the healthy endpoint: {p.received:,} ({p.arrived_again} again under "
            f"the same id, {p.changes_under_two_ids} changes under two ids, "
            f"{p.unverified} unverified), {p.finals_missing} outcomes missing; outcome push "
            f"lag p50 {_ms(p.final_push_lag_ms, 'p50', 1000)} "
            f"p99 {_ms(p.final_push_lag_ms, 'p99', 1000)} s"
        )
    for name, health in result.endpoint_health.items():
        if name != "healthy":
            say(
                f"  {name} endpoint: parked {health.get('parked')}, "
                f"{health.get('consecutiveFailures')} failures in a row"
            )
    for line in result.notes:
        say(f"note: {line}")
    if result.failure:
        say(f"FAILED: {result.failure}")
    for line in result.problems:
        say(f"PROBLEM: {line}")
    if not result.failure and not result.problems and not result.interrupted:
        say("nothing lost, nothing duplicated")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    result = SoakResult(
        settings=asdict(settings),
        started_at=datetime.now(UTC).isoformat(),
        host=_host(),
        commit=_git_commit(),
    )
    workdir = Path(tempfile.mkdtemp(prefix="sw-soak-"))
    stack: Stack | None = None
    try:
        say(f"starting the single window, its agencies and the webhook endpoints ({workdir})")
        with Stack(settings, workdir) as stack:
            run_soak(stack, settings, result, say)
    except KeyboardInterrupt:
        result.interrupted = True
    except (ServiceError, ProcessFailed, RuntimeError, httpx.HTTPError) as failure:
        result.failure = f"{type(failure).__name__}: {failure}"
    finally:
        if stack is not None:
            result.server_log = read_server_log(stack.service.log_path)
        result.finished_at = datetime.now(UTC).isoformat()
        judge(result)
        write_json(settings.output, asdict(result))
        print_summary(result, say)
        keep = settings.keep_workdir or bool(result.problems or result.failure)
        if keep:
            say(f"kept {workdir} (database, agency data, logs)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        say(f"results: {settings.output}")
    if result.interrupted:
        return 130
    return 1 if result.problems or result.failure else 0


if __name__ == "__main__":
    sys.exit(main())
