"""Percentiles and latency summaries."""

import math
from collections.abc import Iterable
from dataclasses import dataclass


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values: no interpolation, so p99.9 of
    1,000 values is the largest one, as it should be."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LatencySummary:
    """Milliseconds."""

    count: int
    p50: float
    p90: float
    p99: float
    p999: float
    max: float
    mean: float


def summarize_ms(seconds: Iterable[float]) -> LatencySummary | None:
    ordered = sorted(value * 1000 for value in seconds)
    if not ordered:
        return None
    return LatencySummary(
        count=len(ordered),
        p50=round(percentile(ordered, 0.50), 2),
        p90=round(percentile(ordered, 0.90), 2),
        p99=round(percentile(ordered, 0.99), 2),
        p999=round(percentile(ordered, 0.999), 2),
        max=round(ordered[-1], 2),
        mean=round(sum(ordered) / len(ordered), 2),
    )
