"""Charts drawn on the server as inline SVG: no script, no library to load, nothing from
outside the page. Each bar carries its label and value (``data-label``, ``data-value``,
and a tooltip), and every page prints the same figures in a table beside the chart, for
readers who cannot see it and for copying."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

Number = int | float | Decimal


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    value: Number
    # The value as the table beside the chart shows it (formatted for the language).
    shown: str
    # A shorter label for the axis, where there are many (days: MM-DD).
    tick: str | None = None


_WIDTH = 720
_COLUMN_HEIGHT = 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 8, 12, 40
_ROW_HEIGHT = 24
_LABEL_WIDTH = 150
_VALUE_WIDTH = 110
# A column chart labels at most this many columns along its axis (every n-th).
_MAX_AXIS_LABELS = 12


def nice_ceiling(value: float) -> float:
    """The top of the axis: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _number(value: Number) -> str:
    """An axis figure: whole when it is, else up to two decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.2f}"


def _bar(x: float, y: float, width: float, height: float, point: Point) -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'data-label="{escape(point.label)}" data-value="{escape(str(point.value))}">'
        f"<title>{escape(point.label)}: {escape(point.shown)}</title></rect>"
    )


def columns(points: Sequence[Point], title: str) -> Markup:
    """Vertical bars in order (days, hours, months), the axis from zero."""
    plot_width = _WIDTH - _LEFT - _RIGHT
    plot_height = _COLUMN_HEIGHT - _TOP - _BOTTOM
    top = nice_ceiling(max((float(p.value) for p in points), default=0))
    slot = plot_width / max(len(points), 1)
    every = max(1, math.ceil(len(points) / _MAX_AXIS_LABELS))
    parts = [_open(_WIDTH, _COLUMN_HEIGHT, title)]
    for fraction in (0.0, 0.5, 1.0):
        y = _TOP + plot_height * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_number(top * fraction))}</text>"
        )
    for i, point in enumerate(points):
        height = plot_height * float(point.value) / top
        x = _LEFT + i * slot + slot * 0.1
        parts.append(_bar(x, _TOP + plot_height - height, slot * 0.8, height, point))
        if i % every == 0:
            parts.append(
                f'<text class="axis" x="{x + slot * 0.4:.1f}" y="{_COLUMN_HEIGHT - _BOTTOM + 16}" '
                f'text-anchor="middle">{escape(point.tick or point.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def rows(points: Sequence[Point], title: str) -> Markup:
    """Horizontal bars, one row each, with its label and its value beside it: rankings
    (rule codes, HS chapters) and shares (credit grades)."""
    height = _TOP + _ROW_HEIGHT * max(len(points), 1) + 8
    plot_width = _WIDTH - _LABEL_WIDTH - _VALUE_WIDTH
    top = nice_ceiling(max((float(p.value) for p in points), default=0))
    parts = [_open(_WIDTH, height, title)]
    for i, point in enumerate(points):
        y = _TOP + i * _ROW_HEIGHT
        width = plot_width * float(point.value) / top
        parts.append(
            f'<text class="axis" x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(point.label)}</text>"
        )
        parts.append(_bar(_LABEL_WIDTH, y + 3, width, _ROW_HEIGHT - 8, point))
        parts.append(
            f'<text class="axis" x="{_LABEL_WIDTH + width + 6:.1f}" y="{y + 15}">'
            f"{escape(point.shown)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )
