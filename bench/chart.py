"""Latency against arrival rate, as a hand-written SVG (no plotting dependency).

x: the offered rate (linear); y: latency in ms (log scale, a decade per grid line); one
colour per database, one dash pattern per percentile; a red ring marks a rate that was
not sustained."""

import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from bench.database_run import DatabaseResult

WIDTH, HEIGHT = 820, 480
LEFT, RIGHT, TOP, BOTTOM = 72, 190, 56, 56
COLOURS = {"sqlite": "#1f77b4", "postgres": "#d62728"}
PERCENTILES = (("p50", "p50", ""), ("p99", "p99", "7 4"), ("p999", "p99.9", "2 3"))


@dataclass(frozen=True)
class _Axes:
    x_max: float
    y_min_decade: int
    y_max_decade: int

    def x(self, rate: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * rate / self.x_max

    def y(self, ms: float) -> float:
        span = self.y_max_decade - self.y_min_decade
        fraction = (math.log10(max(ms, 10.0**self.y_min_decade)) - self.y_min_decade) / span
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * fraction


def _nice_ceiling(value: float) -> float:
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _axes(results: list[DatabaseResult], slo_ms: float) -> _Axes:
    rates = [s.offered_rate for r in results for s in r.rates] or [1.0]
    values = [
        getattr(s.load.latency_ms, field)
        for r in results
        for s in r.rates
        if s.load.latency_ms is not None
        for field, _, _ in PERCENTILES
    ]
    values.append(slo_ms)
    low = math.floor(math.log10(max(min(values), 0.1)))
    high = max(math.ceil(math.log10(max(values))), low + 1)
    return _Axes(_nice_ceiling(max(rates)), low, high)


def _ms_label(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


def render(results: list[DatabaseResult], subtitle: str, slo_ms: float) -> str:
    axes = _axes(results, slo_ms)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">'
        "POST /v1/declarations: latency against arrival rate (open loop)</text>",
        f'<text x="{LEFT}" y="40" fill="#555">{escape(subtitle)}</text>',
    ]
    parts += _grid(axes)
    y = axes.y(slo_ms)
    parts.append(
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#777" '
        'stroke-dasharray="1 3"/>'
    )
    parts.append(
        f'<text x="{WIDTH - RIGHT - 4}" y="{y - 4:.1f}" text-anchor="end" fill="#777">'
        f"p99 objective {_ms_label(slo_ms)}</text>"
    )
    for result in results:
        parts += _series(result, axes)
    parts += _legend(results)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _grid(axes: _Axes) -> list[str]:
    parts = []
    left, right, bottom = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM
    for decade in range(axes.y_min_decade, axes.y_max_decade):
        for multiple in (2, 5):
            y = axes.y(multiple * 10.0**decade)
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#f2f2f2"/>'
            )
    for decade in range(axes.y_min_decade, axes.y_max_decade + 1):
        y = axes.y(10.0**decade)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
        label = _ms_label(10.0**decade)
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    for tick in range(6):
        rate = axes.x_max * tick / 5
        x = axes.x(rate)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom}" stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{rate:g}</text>')
    parts.append(
        f'<rect x="{left}" y="{TOP}" width="{right - left}" height="{bottom - TOP}" '
        'fill="none" stroke="#888"/>'
    )
    parts.append(
        f'<text x="{(left + right) / 2:.0f}" y="{HEIGHT - 14}" text-anchor="middle">'
        "offered rate (declarations/s)</text>"
    )
    parts.append(
        f'<text transform="translate(18 {(TOP + bottom) / 2:.0f}) rotate(-90)" '
        'text-anchor="middle">latency from scheduled send (log)</text>'
    )
    return parts


def _stroke(colour: str, dash: str) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return f'stroke="{colour}" stroke-width="2"{dashes}'


def _series(result: DatabaseResult, axes: _Axes) -> list[str]:
    colour = COLOURS.get(result.database, "#333")
    steps = [s for s in result.rates if s.load.latency_ms is not None]
    parts = []
    for field, _, dash in PERCENTILES:
        points = [
            (axes.x(s.offered_rate), axes.y(getattr(s.load.latency_ms, field))) for s in steps
        ]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" {_stroke(colour, dash)}/>')
        for (x, y), step in zip(points, steps, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
            if not step.sustained:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="none" stroke="red"/>')
    return parts


def _legend(results: list[DatabaseResult]) -> list[str]:
    x, y = WIDTH - RIGHT + 20, TOP + 10
    parts = []
    for result in results:
        if not result.rates:
            continue
        colour = COLOURS.get(result.database, "#333")
        parts.append(
            f'<text x="{x}" y="{y}" font-weight="bold" fill="{colour}">{result.database}</text>'
        )
        y += 18
        for _, label, dash in PERCENTILES:
            parts.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 30}" y2="{y - 4}" {_stroke(colour, dash)}/>'
            )
            parts.append(f'<text x="{x + 38}" y="{y}">{label}</text>')
            y += 16
        y += 10
    parts.append(f'<circle cx="{x + 15}" cy="{y - 4}" r="7" fill="none" stroke="red"/>')
    parts.append(f'<text x="{x + 38}" y="{y}">not sustained</text>')
    return parts


def write_svg(path: Path, results: list[DatabaseResult], subtitle: str, slo_ms: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, subtitle, slo_ms))
