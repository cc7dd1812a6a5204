"""Medians over several runs of ``make bench``: one run is noisy on a small machine.

    for run in 1 2 3; do make bench BENCH_OUTPUT_DIR=bench/results/run$run; done
    .venv/bin/python -m bench.medians bench/results/run*/latest.json

Prints a table per database (a rate's figures are the medians of the runs that reached
it; "sustained" counts the runs in which it was) and writes ``bench/results/medians.json``
beside the first file's directory."""

import argparse
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

Document = dict[str, Any]


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def _get(document: Document | None, *path: str) -> Any:
    value: Any = document
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _largest(step: Document) -> float | None:
    largest = _get(step, "resources", "largest_process_rss_mb")
    if largest is not None:
        return float(largest)
    by_role = _get(step, "resources", "peak_rss_mb_by_role") or {}  # runs from before
    return max(by_role.values(), default=None)


def _percent(ratio: float | None) -> float | None:
    return None if ratio is None else ratio * 100


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000


RATE_FIGURES: dict[str, Callable[[Document], Any]] = {
    "achieved_rps": lambda s: _get(s, "load", "achieved_rps"),
    "p50_ms": lambda s: _get(s, "load", "latency_ms", "p50"),
    "p99_ms": lambda s: _get(s, "load", "latency_ms", "p99"),
    "p999_ms": lambda s: _get(s, "load", "latency_ms", "p999"),
    "percent_of_healthz": lambda s: _percent(s.get("ratio_to_ceiling")),
    "end_to_end_per_s": lambda s: _get(s, "end_to_end", "finished_per_s"),
    "end_to_end_p99_s": lambda s: _seconds(_get(s, "end_to_end", "accepted_to_outcome_ms", "p99")),
    "service_p99_s": lambda s: _seconds(_get(s, "end_to_end", "service_ms", "p99")),
    "largest_mb": _largest,
}


def medians(runs: Sequence[Document]) -> Document:
    names = sorted({db["database"] for run in runs for db in run["databases"]})
    out: Document = {"runs": len(runs), "commits": [r.get("commit") for r in runs]}
    for name in names:
        dbs = [db for run in runs for db in run["databases"] if db["database"] == name]
        measured = [db for db in dbs if not db.get("skipped")]
        rates = sorted({step["offered_rate"] for db in measured for step in db["rates"]})
        by_rate = []
        for rate in rates:
            steps = [s for db in measured for s in db["rates"] if s["offered_rate"] == rate]
            row: Document = {"offered_rate": rate, "runs": len(steps)}
            row |= {k: _median([f(s) for s in steps]) for k, f in RATE_FIGURES.items()}
            row["sustained_in"] = sum(1 for s in steps if s["sustained"])
            row["end_to_end_sustained_in"] = sum(1 for s in steps if s["end_to_end_sustained"])
            by_rate.append(row)
        out[name] = {
            "runs": len(measured),
            "ceiling_rps": _median([_get(db, "ceiling", "load", "achieved_rps") for db in dbs]),
            "saturation_rps": _median(
                [_get(db, "saturation", "load", "achieved_rps") for db in dbs]
            ),
            "batch_declarations_per_s": _median(
                [_get(db, "batches", "declarations_per_s") for db in dbs]
            ),
            "batch_refused_items": sum(_get(db, "batches", "refused_items") or 0 for db in dbs),
            "rates": by_rate,
        }
    return out


def _text(value: Any) -> str:
    return "-" if value is None else f"{value:,}"


def print_medians(console: Console, result: Document) -> None:
    for name, figures in result.items():
        if not isinstance(figures, dict):
            continue
        table = Table(
            title=f"{name}: medians of {figures['runs']} run(s); healthz "
            f"{_text(figures['ceiling_rps'])}/s, back to back "
            f"{_text(figures['saturation_rps'])}/s, batches "
            f"{_text(figures['batch_declarations_per_s'])} declarations/s"
        )
        columns = ("rate/s", "runs", "sustained in", *RATE_FIGURES, "e2e sustained in")
        for column in columns:
            table.add_column(column, justify="right")
        for row in figures["rates"]:
            table.add_row(
                f"{row['offered_rate']:g}",
                str(row["runs"]),
                str(row["sustained_in"]),
                *(_text(row[k]) for k in RATE_FIGURES),
                str(row["end_to_end_sustained_in"]),
            )
        console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.medians", description=__doc__)
    parser.add_argument("results", nargs="+", type=Path, help="latest.json of each run")
    parser.add_argument("--output", type=Path, help="default: medians.json beside the first")
    arguments = parser.parse_args(argv)
    runs = [json.loads(path.read_text()) for path in arguments.results]
    result = medians(runs)
    output = arguments.output or arguments.results[0].parent.parent / "medians.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print_medians(Console(width=200), result)
    print(f"medians: {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
