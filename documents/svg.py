"""Small charts written as plain SVG, without matplotlib: a line chart against a target, a
sparkline and a share bar. Cheap enough to draw on every request (a few dozen microseconds), script-free and
CSP-safe: presentation attributes only, never a style attribute or element (see
documents.charts.csp_safe). A chart is always shown with a table of its data (RGAA)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours on white: line 8.6:1, target 6.5:1, grid and axis text 7.4:1 (RGAA 3.2, 3.3).
LINE = "#1f4e79"
TARGET = "#b3261e"
GRID = "#c8c8c8"
TRACK = "#e6e9ee"  # the empty part of a share bar, behind the line colour (8.6:1 on white)
TEXT = "#525252"
FONT = 'font-family="system-ui, sans-serif"'


def _bounds(values: Sequence[float], target: float | None) -> tuple[float, float]:
    """The value axis: from the lowest to the highest of the values and the target, padded."""
    numbers = [*values, *([target] if target is not None else [])] or [0.0, 1.0]
    low, high = min(numbers), max(numbers)
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    low = 0.0 if low >= 0 and low - pad < 0 else low - pad
    return low, high + pad


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """A line through the points, broken where a value is missing."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f} {point[1]:.1f}")
        pen_down = True
    return " ".join(parts)


def line_chart(
    *,
    labels: Sequence[tuple[str, str]],
    values: Sequence[float | None],
    target: float | None,
    title: str,
    value_text: Callable[[float], str],
    target_label: str = "",
) -> SafeString:
    """A line of values over periods (`labels`: a short label and an optional second line,
    such as the year), the target as a dashed line, as an inline <svg role="img"> named by
    `title`. Missing values break the line; with many periods every other one is labelled,
    and a second line is written only when it changes."""
    width, height, left, right, top, bottom = 360, 180, 50, 18, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = _bounds([value for value in values if value is not None], target)

    def x(index: int) -> float:
        return left + (plot_w * index / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    out = [
        f'<svg class="trend-chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" {FONT} font-size="12">'
    ]
    for tick in (low, (low + high) / 2, high):
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(value_text(tick))}</text>"
        )
    step = 2 if len(labels) > 8 else 1  # every other label when many: the table names them all
    shown_second = ""
    for index, (label, second) in enumerate(labels):
        if (len(labels) - 1 - index) % step:
            continue
        out.append(f'<text x="{x(index):.1f}" y="{height - bottom + 15}" text-anchor="middle" fill="{TEXT}">')
        out.append(f"{escape(label)}")
        if second and second != shown_second:  # a second line (the year) written once
            out.append(f'<tspan x="{x(index):.1f}" dy="13">{escape(second)}</tspan>')
            shown_second = second
        out.append("</text>")
    if target is not None:
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        if target_label:
            out.append(
                f'<text x="{width - right}" y="{y(target) - 5:.1f}" text-anchor="end" fill="{TARGET}">'
                f"{escape(target_label)}</text>"
            )
    points = [(x(index), y(value)) if value is not None else None for index, value in enumerate(values)]
    out.append(f'<path d="{_path(points)}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    out.extend(f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3.5" fill="{LINE}"/>' for point in points if point)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every text above is escaped


def sparkline(values: Sequence[float | None], target: float | None) -> SafeString:
    """A word-sized line of the values with the target dashed, hidden from screen readers:
    the text beside it (the change against the previous period) says the same."""
    width, height, pad = 80, 22, 3
    low, high = _bounds([value for value in values if value is not None], target)
    count = max(len(values) - 1, 1)

    def y(value: float) -> float:
        return pad + (height - 2 * pad) * (high - value) / (high - low)

    points = [
        (pad + (width - 2 * pad) * index / count, y(value)) if value is not None else None
        for index, value in enumerate(values)
    ]
    out = [
        f'<svg class="sparkline" aria-hidden="true" focusable="false" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if target is not None:
        out.append(
            f'<line x1="0" x2="{width}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="{TARGET}" '
            'stroke-dasharray="3 2"/>'
        )
    out.append(f'<path d="{_path(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    last = next((point for point in reversed(points) if point), None)
    if last:
        out.append(f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="{LINE}"/>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- numbers only


def share_bar(share: float, width: int = 160, height: int = 14) -> SafeString:
    """A horizontal bar of a share (0 to 1) on a light track, hidden from screen readers: the
    table cell beside it gives the figure."""
    filled = max(0.0, min(1.0, share)) * width
    return mark_safe(  # noqa: S308 -- numbers only
        f'<svg class="share-bar" aria-hidden="true" focusable="false" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{width}" height="{height}" fill="{TRACK}"/>'
        f'<rect width="{filled:.1f}" height="{height}" fill="{LINE}"/></svg>'
    )
