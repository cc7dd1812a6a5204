"""The benchmark's parameters: command-line flags, each defaulting to a ``BENCH_*``
environment variable, then to a value that keeps the full run within ~10 minutes."""

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.postgres import DEFAULT_SERVER_URL

DATABASES = ("sqlite", "postgres")
# json: POST /v1/declarations (rates, saturation, batches); ceb311: single-order CEB311
# messages on POST /v1/ceb/messages, set beside the JSON numbers (bench/ceb311.py).
SCENARIOS = ("json", "ceb311")
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class BenchSettings:
    rates: tuple[float, ...]
    duration: float
    warmup: float
    databases: tuple[str, ...]
    scenarios: tuple[str, ...]
    ceb311_rates: tuple[float, ...]  # empty: 0.8 x and 1 x the best JSON rate sustained
    postgres_url: str
    ceiling_seconds: float
    concurrency: int
    saturation_seconds: float
    batch_seconds: float
    batch_callers: int
    connections: int
    timeout: float
    slo_p99_ms: float
    drain_timeout: float
    host: str
    port: int
    server_log_level: str
    idempotency_keys: bool
    stop_at_saturation: bool
    seed: int
    output_dir: Path
    keep_workdir: bool


def _env(name: str, default: str) -> str:
    return os.environ.get(f"BENCH_{name}", default)


def _rates(text: str) -> tuple[float, ...]:
    try:
        rates = tuple(float(r) for r in text.split(",") if r.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"rates: {error}") from error
    if not rates or any(r <= 0 for r in rates):
        raise argparse.ArgumentTypeError("rates are positive numbers, e.g. 100,200,400")
    return tuple(sorted(rates))


def _databases(text: str) -> tuple[str, ...]:
    chosen = tuple(d.strip() for d in text.split(",") if d.strip())
    unknown = set(chosen) - set(DATABASES)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"databases: some of {', '.join(DATABASES)}")
    return chosen


def _scenarios(text: str) -> tuple[str, ...]:
    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    if not chosen or set(chosen) - set(SCENARIOS):
        raise argparse.ArgumentTypeError(f"scenarios: some of {', '.join(SCENARIOS)}")
    return tuple(s for s in SCENARIOS if s in chosen)


def _ceb311_rates(text: str) -> tuple[float, ...]:
    return () if text.strip().lower() in ("", "auto") else _rates(text)


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


def parse_settings(argv: Sequence[str] | None = None) -> BenchSettings:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Open-loop load on POST /v1/declarations at fixed arrival rates, "
        "on SQLite and PostgreSQL; latency, throughput, CPU, memory, end to end.",
    )
    add = parser.add_argument
    add(
        "--rates",
        type=_rates,
        default=_env("RATES", "50,100,200,400,800,1400"),
        help="arrival rates, declarations/s (BENCH_RATES)",
    )
    add(
        "--duration",
        type=float,
        default=_env("DURATION", "20"),
        help="measured seconds per rate (BENCH_DURATION; the issue's target is 60)",
    )
    add(
        "--warmup",
        type=float,
        default=_env("WARMUP", "5"),
        help="seconds at the same rate before measuring (BENCH_WARMUP)",
    )
    add(
        "--databases",
        type=_databases,
        default=_env("DATABASES", "sqlite,postgres"),
        help="sqlite, postgres or both (BENCH_DATABASES)",
    )
    add(
        "--scenarios",
        type=_scenarios,
        default=_env("SCENARIOS", ",".join(SCENARIOS)),
        help="json (POST /v1/declarations), ceb311 (single-order CEB311 messages on POST "
        "/v1/ceb/messages, beside the JSON numbers) or both (BENCH_SCENARIOS)",
    )
    add(
        "--ceb311-rates",
        type=_ceb311_rates,
        default=_env("CEB311_RATES", "auto"),
        help="open-loop CEB311 rates, messages/s; auto: 0.8 x and 1 x the highest JSON rate "
        "sustained, or --rates without one (BENCH_CEB311_RATES)",
    )
    add(
        "--postgres-url",
        default=_env("POSTGRES_URL", DEFAULT_SERVER_URL),
        help="a PostgreSQL server; a fresh database is made on it (BENCH_POSTGRES_URL)",
    )
    add(
        "--ceiling-seconds",
        type=float,
        default=_env("CEILING_SECONDS", "10"),
        help="closed-loop GET /healthz, the stack's ceiling (BENCH_CEILING_SECONDS)",
    )
    add(
        "--concurrency",
        type=int,
        default=_env("CONCURRENCY", "64"),
        help="callers in the closed-loop runs (BENCH_CONCURRENCY)",
    )
    add(
        "--saturation-seconds",
        type=float,
        default=_env("SATURATION_SECONDS", "10"),
        help="closed-loop declarations after the rates; 0 skips (BENCH_SATURATION_SECONDS)",
    )
    add(
        "--batch-seconds",
        type=float,
        default=_env("BATCH_SECONDS", "10"),
        help="closed-loop POST /v1/declarations/batch (100 declarations each) at the end; "
        "0 skips (BENCH_BATCH_SECONDS)",
    )
    add(
        "--batch-callers",
        type=int,
        default=_env("BATCH_CALLERS", "4"),
        help="callers sending batches back to back (BENCH_BATCH_CALLERS)",
    )
    add(
        "--connections",
        type=int,
        default=_env("CONNECTIONS", "512"),
        help="open-loop connection limit (BENCH_CONNECTIONS)",
    )
    add(
        "--timeout",
        type=float,
        default=_env("TIMEOUT", "10"),
        help="a request gives up this long after its scheduled time (BENCH_TIMEOUT)",
    )
    add(
        "--slo-p99-ms",
        type=float,
        default=_env("SLO_P99_MS", "1000"),
        help="a rate is sustained only with p99 latency within this (BENCH_SLO_P99_MS)",
    )
    add(
        "--drain-timeout",
        type=float,
        default=_env("DRAIN_TIMEOUT", "30"),
        help="wait this long after each rate for the agencies to finish (BENCH_DRAIN_TIMEOUT)",
    )
    add("--host", default=_env("HOST", "127.0.0.1"))
    add("--port", type=int, default=_env("PORT", "8000"), help="the API's port (as make run)")
    add(
        "--server-log-level",
        default=_env("SERVER_LOG_LEVEL", "info"),
        help="SW_LOG_LEVEL of the service: info as make run (a line per request)",
    )
    add(
        "--idempotency-keys",
        action=argparse.BooleanOptionalAction,
        default=_flag(_env("IDEMPOTENCY_KEYS", "true")),
        help="send an Idempotency-Key with each declaration, as platforms should",
    )
    add(
        "--stop-at-saturation",
        action=argparse.BooleanOptionalAction,
        default=_flag(_env("STOP_AT_SATURATION", "true")),
        help="skip higher rates once one is not sustained (keeps overload short)",
    )
    add("--seed", type=int, default=_env("SEED", "20261127"))
    add("--output-dir", type=Path, default=_env("OUTPUT_DIR", str(RESULTS_DIR)))
    add(
        "--keep-workdir",
        action="store_true",
        help="keep the temporary directory (database, agency data, server.log)",
    )
    arguments = parser.parse_args(argv)
    if arguments.batch_callers < 1:
        parser.error("--batch-callers must be at least 1")
    for name in ("duration", "ceiling_seconds", "timeout", "slo_p99_ms", "drain_timeout"):
        if getattr(arguments, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return BenchSettings(**vars(arguments))
