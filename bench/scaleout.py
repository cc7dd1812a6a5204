"""Scale-out on PostgreSQL: one API process that only takes declarations
(``SW_DISPATCHER_ENABLED=false``) and N ``singlewindow worker`` processes delivering the
outbox, over one database. For each N: the parties are filed (one worker delivers the
filings), a backlog of declarations is accepted while no worker runs, then N workers
start together; the run measures how fast the backlog is cleared by all four agencies
(declarations reaching a final status per second, from the workers' start) and checks
that no agency holds a declaration twice.

Real agencies are remote: ``--agency-latency-ms`` (300) is added to each of their
answers, as a government system's network and queue would. A worker then waits on the
agencies, and more workers deliver more at once.

    .venv/bin/python -m bench.scaleout --workers 1,2,4 --declarations 3000

Results: a table, and ``bench/results/scaleout.json``."""

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, text

from app.agencies.wire import AgencyName
from app.store.db import upgrade
from bench.postgres import DEFAULT_SERVER_URL, fresh_database
from bench.service import PROJECT_ROOT, singlewindow_command
from bench.workload import Declarations, file_parties
from mock_agencies.runner import AgencyProcesses

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


BATCH = 100
RESULTS = PROJECT_ROOT / "bench" / "results" / "scaleout.json"


@dataclass
class Outcome:
    workers: int
    declarations: int
    post_seconds: float = 0.0
    # From the workers' start until the last declaration of the backlog was final.
    cleared_in_seconds: float = 0.0
    cleared_per_second: float = 0.0
    # Declarations final 5 s, 10 s and 20 s after the workers started.
    final_after: dict[str, int] = field(default_factory=dict)
    final: int = 0
    # Per agency: distinct declarations it holds, and items it was sent (redeliveries
    # after a lease ran out are deduplicated by the agency).
    agency_records: dict[str, int] = field(default_factory=dict)
    agency_items_received: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    failure: str | None = None


@contextlib.contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        child = subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield child
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=url, timeout=2) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/readyz").status_code == 200:
                    return
            time.sleep(0.2)
    raise RuntimeError(f"{url} was not ready after {timeout} s")


def final_instants(engine: Engine) -> list[float]:
    """When each final declaration became final (epoch seconds)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT extract(epoch FROM finalized_at) FROM declarations "
                "WHERE finalized_at IS NOT NULL"
            )
        ).all()
    return sorted(float(at) for (at,) in rows)


def set_latency(ports: dict[AgencyName, int], latency_ms: int) -> None:
    with httpx.Client(timeout=10) as client:
        for port in ports.values():
            client.put(
                f"http://{HOST}:{port}/admin/faults", json={"latencyMs": latency_ms}
            ).raise_for_status()


def run_one(
    server_url: str, workers: int, count: int, delay_ms: int, latency_ms: int, seed: int
) -> Outcome:
    outcome = Outcome(workers=workers, declarations=count)
    api_port = free_port()
    ports = {agency: free_port() for agency in AgencyName}
    api_url = f"http://{HOST}:{api_port}"
    admin_key = "sw_a_bench_" + secrets.token_urlsafe(32)
    with fresh_database(server_url) as url, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        upgrade(url)
        env = os.environ | {
            "SW_DATABASE_URL": url,
            "SW_HOST": HOST,
            "SW_PORT": str(api_port),
            "SW_LOG_LEVEL": "warning",
            "SW_BOOTSTRAP_ADMIN_KEY": admin_key,
            "SW_DISPATCHER_ENABLED": "false",
            # The agencies call back the API's own port (there is one API process here).
            "SW_CALLBACK_PORT": "0",
            **{
                f"SW_{agency.upper()}_URL": f"http://{HOST}:{port}"
                for agency, port in ports.items()
            },
        }
        script = str(singlewindow_command())
        engine = create_engine(url)
        with contextlib.ExitStack() as stack:
            stack.enter_context(
                AgencyProcesses(
                    host=HOST,
                    ports=ports,
                    callback_base_url=api_url,
                    data_dir=workdir / "agency-data",
                    decision_delay_ms=delay_ms,
                    log_level="warning",
                )
            )
            set_latency(ports, latency_ms)
            stack.enter_context(process([script, "serve"], env, workdir / "api.log"))
            wait_ready(api_url)
            with process([script, "worker"], env, workdir / "filings.log"):
                platform_key = file_parties(api_url, random.Random(seed), admin_key)
            outcome.post_seconds = post_backlog(api_url, platform_key, count, seed)
            started = time.time()
            for n in range(workers):
                stack.enter_context(process([script, "worker"], env, workdir / f"worker{n}.log"))
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                instants = final_instants(engine)
                if len(instants) >= count:
                    break
                time.sleep(0.5)
            outcome.final = len(instants)
            outcome.final_after = {
                f"{after}s": sum(1 for at in instants if at - started <= after)
                for after in (5, 10, 20)
            }
            if instants:
                outcome.cleared_in_seconds = round(instants[-1] - started, 2)
                outcome.cleared_per_second = round(
                    len(instants) / max(outcome.cleared_in_seconds, 1e-6), 1
                )
            with httpx.Client(timeout=10) as client:
                for agency, port in ports.items():
                    stats = client.get(f"http://{HOST}:{port}/admin/stats").json()
                    outcome.agency_records[agency.value] = stats["declarations"]
                    outcome.agency_items_received[agency.value] = stats["itemsReceived"]
            outcome.duplicates = sum(
                max(0, held - count) for held in outcome.agency_records.values()
            )
        engine.dispose()
    return outcome


def post_backlog(api_url: str, platform_key: str, count: int, seed: int) -> float:
    """Accept ``count`` declarations in batches (no worker runs); answers the seconds."""
    declarations = Declarations(
        host=api_url.removeprefix("http://"),
        run_id=uuid.uuid4().hex[:8],
        seed=seed,
        idempotency_keys=False,
        api_key=platform_key,
    )
    bodies = [json.loads(declarations.one("s").split(b"\r\n\r\n", 1)[1]) for _ in range(count)]
    started = time.monotonic()
    with httpx.Client(
        base_url=api_url, timeout=60, headers={"Authorization": f"Bearer {platform_key}"}
    ) as client:
        for start in range(0, count, BATCH):
            answer = client.post(
                "/v1/declarations/batch", json={"declarations": bodies[start : start + BATCH]}
            )
            answer.raise_for_status()
            if answer.json()["accepted"] != len(bodies[start : start + BATCH]):
                raise RuntimeError(f"a batch was not wholly accepted: {answer.text[:500]}")
    return round(time.monotonic() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare")
    parser.add_argument("--declarations", type=int, default=3000)
    parser.add_argument("--decision-delay-ms", type=int, default=1000)
    parser.add_argument(
        "--agency-latency-ms",
        type=int,
        default=300,
        help="added to every answer of the agencies (a remote system's network and queue)",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_SERVER_URL)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    outcomes: list[Outcome] = []
    for workers in (int(w) for w in arguments.workers.split(",")):
        print(f"{workers} worker(s): {arguments.declarations} declarations …", flush=True)
        try:
            outcome = run_one(
                arguments.postgres_url,
                workers,
                arguments.declarations,
                arguments.decision_delay_ms,
                arguments.agency_latency_ms,
                arguments.seed,
            )
        except Exception as failure:
            outcome = Outcome(workers, arguments.declarations, failure=repr(failure))
        outcomes.append(outcome)
        print(f"  {json.dumps(asdict(outcome))}", flush=True)
    print()
    print(
        "| workers | backlog cleared in | cleared/s | final after 5 s / 10 s / 20 s "
        "| final | per agency | duplicates |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for o in outcomes:
        after = " / ".join(str(n) for n in o.final_after.values())
        print(
            f"| {o.workers} | {o.cleared_in_seconds} s | {o.cleared_per_second} | {after} | "
            f"{o.final}/{o.declarations} | {sorted(set(o.agency_records.values()))} | "
            f"{o.duplicates} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"arguments": vars(arguments), "outcomes": [asdict(o) for o in outcomes]}, indent=2
        )
        + "\n"
    )
    print(f"results: {RESULTS}")


if __name__ == "__main__":
    main()
