"""The results: a table on the terminal and a JSON file."""

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.ceb311 import Ceb311Result, Comparison
from bench.database_run import DatabaseResult
from bench.stats import LatencySummary
from bench.steps import BatchStep, ClosedLoopStep
from bench.summary import LoadSummary


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_plain(document), indent=2, ensure_ascii=False) + "\n")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _ms(summary: LatencySummary | None, field: str) -> str:
    if summary is None:
        return "-"
    value: float = getattr(summary, field)
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _seconds(summary: LatencySummary | None, field: str) -> str:
    return "-" if summary is None else f"{getattr(summary, field) / 1000:,.2f}"


# Printed text holds brackets (error messages, lists) that are not rich markup.
_PLAIN: dict[str, Any] = {"markup": False, "highlight": False, "soft_wrap": True}
_WARN: dict[str, Any] = _PLAIN | {"style": "yellow"}
_ERROR: dict[str, Any] = _PLAIN | {"style": "red"}


def print_tables(console: Console, results: list[DatabaseResult]) -> None:
    for result in results:
        if result.skipped:
            console.print(f"{result.database}: skipped — {result.skipped}", **_WARN)
            continue
        if result.ceiling or result.saturation:
            _print_ceilings(console, result)
        if result.rates:
            _print_rates(console, result)
        if result.batches:
            _print_batches(console, result.batches)
        if result.ceb311:
            _print_ceb311(console, result)
        if result.failure:
            console.print(f"{result.database}: failed — {result.failure}", **_ERROR)
        if result.not_run_rates:
            console.print(
                f"{result.database}: not run (a lower rate was not sustained): "
                f"{result.not_run_rates}",
                **_PLAIN,
            )
        if result.outbox:
            console.print(f"{result.database}: outbox at the end: {result.outbox}", **_PLAIN)
        if result.server_log and (result.server_log.errors or result.server_log.warnings):
            log = result.server_log
            console.print(
                f"{result.database}: server log: {log.errors} error(s), {log.warnings} warning(s)"
            )
            for line in log.examples:
                console.print(f"  {line}", **_PLAIN)


def _print_ceilings(console: Console, result: DatabaseResult) -> None:
    table = Table(title=f"{result.database}: closed loop (callers sending back to back)")
    for column in (
        "endpoint",
        "callers",
        "answers/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "server CPU %",
        "gen CPU %",
    ):
        table.add_column(column, justify="right")
    steps: list[ClosedLoopStep] = [s for s in (result.ceiling, result.saturation) if s is not None]
    for step in steps:
        table.add_row(
            step.endpoint,
            str(step.concurrency),
            f"{step.load.achieved_rps:,.0f}",
            _ms(step.load.latency_ms, "p50"),
            _ms(step.load.latency_ms, "p99"),
            str(sum(step.load.errors.values())),
            f"{step.resources.server_cpu_percent:.0f}",
            f"{step.resources.generator_cpu_percent:.0f}",
        )
    console.print(table)


def _print_rates(console: Console, result: DatabaseResult) -> None:
    table = Table(
        title=f"{result.database}: POST /v1/declarations, open loop; latency in ms from the "
        "scheduled send; ✗ not sustained, ⚠ generator behind schedule"
    )
    columns = (
        "rate/s",
        "achieved/s",
        "÷healthz",
        "p50",
        "p99",
        "p99.9",
        "errors",
        "gen lag p99",
        "server CPU %",
        "api/callbacks/worker/agencies %",
        "peak RSS MB",
        "largest MB",
        "done e2e/s",
        "e2e p99 s",
        "own p99 s",
        "drained s",
    )
    for column in columns:
        table.add_column(column, justify="right")
    for step in result.rates:
        load, used, e2e = step.load, step.resources, step.end_to_end
        api = used.cpu_percent_by_role.get("api", 0.0)
        callbacks = used.cpu_percent_by_role.get("callbacks", 0.0)
        worker = used.cpu_percent_by_role.get("worker", 0.0)
        agencies = used.server_cpu_percent - api - callbacks - worker
        largest = used.largest_process_rss_mb
        table.add_row(
            f"{step.offered_rate:g}" + ("" if step.sustained else " ✗"),
            f"{load.achieved_rps:,.1f}",
            f"{step.ratio_to_ceiling:.1%}" if step.ratio_to_ceiling is not None else "-",
            _ms(load.latency_ms, "p50"),
            _ms(load.latency_ms, "p99"),
            _ms(load.latency_ms, "p999"),
            _errors(load.errors),
            f"{load.generator.lag_p99_ms:,.1f}" + (" ⚠" if load.generator.behind_schedule else ""),
            f"{used.server_cpu_percent:.0f}",
            f"{api:.0f}/{callbacks:.0f}/{worker:.0f}/{agencies:.0f}",
            f"{used.server_peak_rss_mb:,.0f}",
            f"{largest:,.0f}",
            f"{e2e.finished_per_s:,.1f}" + ("" if step.end_to_end_sustained else " ✗"),
            _seconds(e2e.accepted_to_outcome_ms, "p99"),
            _seconds(e2e.service_ms, "p99"),
            f"{e2e.drained_after_s:.1f}"
            if e2e.drained_after_s is not None
            else f"{e2e.pending_after_drain} left",
        )
    console.print(table)


def _print_batches(console: Console, step: BatchStep) -> None:
    table = Table(
        title=f"{step.endpoint}, {step.batch_size} declarations each, closed loop "
        f"({step.callers} callers); latency per batch"
    )
    for column in (
        "batches/s",
        "declarations/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "refused items",
        "server CPU %",
        "largest MB",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{step.load.achieved_rps:,.1f}",
        f"{step.declarations_per_s:,.0f}",
        _ms(step.load.latency_ms, "p50"),
        _ms(step.load.latency_ms, "p99"),
        _errors(step.load.errors),
        str(step.refused_items),
        f"{step.resources.server_cpu_percent:.0f}",
        f"{step.resources.largest_process_rss_mb:,.0f}",
    )
    console.print(table)


def _print_ceb311(console: Console, result: DatabaseResult) -> None:
    ceb: Ceb311Result | None = result.ceb311
    if ceb is None:
        return
    table = Table(
        title=f"{result.database}: single-order CEB311 messages beside JSON single sets; "
        "latency in ms (open loop: from the scheduled send); ✗ not sustained"
    )
    for column in (
        "intake",
        "load",
        "achieved/s",
        "p50",
        "p99",
        "p99.9",
        "errors",
        "refused",
        "server CPU %",
        "api %",
    ):
        table.add_column(column, justify="right")

    def row(intake: str, load: str, summary: LoadSummary, refused: str, used: Any) -> None:
        table.add_row(
            intake,
            load,
            f"{summary.achieved_rps:,.1f}",
            _ms(summary.latency_ms, "p50"),
            _ms(summary.latency_ms, "p99"),
            _ms(summary.latency_ms, "p999"),
            _errors(summary.errors),
            refused,
            f"{used.server_cpu_percent:.0f}",
            f"{used.cpu_percent_by_role.get('api', 0.0):.0f}",
        )

    callers = f"{result.saturation.concurrency if result.saturation else '-'} back to back"
    if result.saturation:
        row("JSON set", callers, result.saturation.load, "-", result.saturation.resources)
    if ceb.saturation:
        step = ceb.saturation
        row(
            "CEB311",
            f"{step.concurrency} back to back",
            step.load,
            str(step.refused),
            step.resources,
        )
    json_rates = {s.offered_rate: s for s in result.rates}
    shown: set[float] = set()
    for step in ceb.rates:
        rate = step.offered_rate or 0.0
        best = max((s.offered_rate for s in result.rates if s.sustained), default=None)
        for json_rate in (rate, best):
            if json_rate in json_rates and json_rate not in shown:
                shown.add(json_rate)
                json_step = json_rates[json_rate]
                mark = "" if json_step.sustained else " ✗"
                row("JSON set", f"{json_rate:g}/s{mark}", json_step.load, "-", json_step.resources)
        mark = "" if step.sustained else " ✗"
        row("CEB311", f"{rate:g}/s{mark}", step.load, str(step.refused), step.resources)
    console.print(table)
    if ceb.comparison:
        console.print(_comparison_line(result.database, ceb.comparison), **_PLAIN)


def _comparison_line(database: str, c: Comparison) -> str:
    def verdict(meets: bool | None) -> str:
        return "" if meets is None else (" ✓" if meets else " ✗")

    parts = []
    if c.saturation_ratio is not None:
        parts.append(
            f"back to back {c.ceb311_saturation_rps:,.1f}/s ÷ {c.json_saturation_rps:,.1f}/s = "
            f"{c.saturation_ratio:.2f}{verdict(c.saturation_meets_target)}"
        )
    if c.rate_ratio is not None:
        ceb = (
            f"{c.ceb311_sustained_rate:g}/s (p99 {c.ceb311_p99_ms:,.1f} ms)"
            if (c.ceb311_sustained_rate is not None and c.ceb311_p99_ms is not None)
            else "no rate"
        )
        parts.append(
            f"open loop, highest sustained with p99 ≤ {c.slo_p99_ms:g} ms: {ceb} ÷ "
            f"{c.json_sustained_rate:g}/s (p99 {c.json_p99_ms or 0:,.1f} ms) = "
            f"{c.rate_ratio:.2f}{verdict(c.rate_meets_target)}"
        )
    if not parts:
        return f"{database}: CEB311 ÷ JSON: nothing to compare (run the json scenario too)"
    return f"{database}: CEB311 ÷ JSON (target ≥ {c.target_share:g}): " + "; ".join(parts)


def _errors(errors: dict[str, int]) -> str:
    if not errors:
        return "0"
    return ", ".join(f"{kind} {n}" for kind, n in sorted(errors.items(), key=lambda kv: -kv[1]))
