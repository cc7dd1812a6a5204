"""``python -m bench`` (``make bench``): run every database, write the JSON and the chart,
print the tables. Every process started is stopped, also on Ctrl-C and on failure."""

import os
import platform
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from rich.console import Console

from bench.chart import write_svg
from bench.database_run import DatabaseResult, run_database
from bench.report import print_tables, write_json
from bench.service import AGENCY_PORTS, PROJECT_ROOT, port_in_use
from bench.settings import BenchSettings, parse_settings

DEFINITIONS = {
    "achieved_rps": "202 answers that arrived inside the measured window, per second",
    "latency_ms": "answer time minus scheduled send time, for requests scheduled inside the "
    "window; a timed-out request counts at the timeout, so percentiles are then lower bounds",
    "ratio_to_ceiling": "achieved_rps / closed-loop GET /healthz answers per second, same server",
    "generator": "the load generator's own lag behind its schedule, its CPU and the time it "
    "waited for a CPU while runnable; behind_schedule when its p99 lag exceeds 10 ms",
    "resources": "CPU averaged over the measured window (100 = one core); peak RSS of the "
    "API and the four agencies over the whole step, drain included",
    "end_to_end": "read from the database: declarations created inside the window, from "
    "created_at to their first cleared/rejected/detained event; finished_per_s counts the "
    "step's declarations reaching an outcome inside the window",
    "sustained": "achieved_rps >= 95% of the rate, at most 1% errors, p99 within slo_p99_ms",
    "end_to_end_sustained": "finished_per_s >= 95% of the rate, and every declaration of the "
    "rate reached an outcome within the drain timeout",
    "batches": "closed-loop POST /v1/declarations/batch, 100 valid declarations each: "
    "declarations_per_s = 200 answers per second inside the window x 100; accepted counts "
    "the step's declarations in the database afterwards, refused_items the items of 200 "
    "answers missing from it",
    "ceb311": "single-order CEB311 messages (POST /v1/ceb/messages, the platform's key, "
    "unsigned), each a new orderNo, filed as the platform's order document (it waits for "
    "payment, waybill and inventory: no agency sees it); measured as the JSON single set: "
    "saturation back to back with the same callers, then open loop at ceb311 rates with "
    "the same sustained test; expected answer 200 (the CEB312 receipt), refused counts "
    "answered orders missing from party_documents afterwards (a negative returnStatus)",
    "ceb311.comparison": "saturation_ratio = CEB311 / JSON answers per second back to "
    "back; rate_ratio = highest CEB311 rate sustained / highest JSON rate sustained, both "
    "with p99 within slo_p99_ms; target_share 0.8 (issue 19)",
}


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _git_commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip()


def _host() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _subtitle(settings: BenchSettings, host: dict[str, Any]) -> str:
    return (
        f"{settings.duration:g} s per rate after {settings.warmup:g} s warm-up, "
        f"{host['cores']} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, red ring: not sustained"
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)
    # Wide enough for the rates table also when the output goes to a file or a pipe.
    console = Console(width=None if sys.stdout.isatty() else 200)

    def say(line: str) -> None:
        console.print(line, markup=False, highlight=False, soft_wrap=True)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    run_id = datetime.now(UTC).strftime("%y%m%d%H%M%S")
    started = datetime.now(UTC)
    host = _host()
    results: list[DatabaseResult] = []
    interrupted = False
    try:
        for database in settings.databases:
            results.append(DatabaseResult(database))
            run_database(settings, database, run_id, results[-1], say)
    except KeyboardInterrupt:
        interrupted = True
        console.print(
            "[yellow]interrupted: the service is stopped; writing what was measured[/yellow]"
        )

    document = {
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "interrupted": interrupted,
        "command": [sys.executable, *sys.argv],
        "commit": _git_commit(),
        "host": host,
        "settings": asdict(settings),
        "generator": "one asyncio process (uvloop), a raw HTTP/1.1 keep-alive client",
        "definitions": DEFINITIONS,
        "databases": results,
    }
    json_path = settings.output_dir / "latest.json"
    svg_path = settings.output_dir / "latency.svg"
    write_json(json_path, document)
    write_svg(svg_path, results, _subtitle(settings, host), settings.slo_p99_ms)
    print_tables(console, results)
    say(f"results: {json_path}, {svg_path}")

    busy = [p for p in (settings.port, *AGENCY_PORTS) if port_in_use(settings.host, p)]
    if busy:
        say(f"ports still in use after the run: {busy}")
    if interrupted:
        return 130
    return 1 if busy or any(r.failure for r in results) else 0
