"""Small plain-SVG charts for the committee's documents, drawn by string building in well under
a millisecond (no matplotlib): a line of an indicator's values with its target as a dashed
line, and grouped bars. Each is an image with a French label; the document always prints the
same figures in a table beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

BLUE, RED, GREEN, GREY = "#1f4e79", "#b3261e", "#18753c", "#6b6b6b"


def _scale(low: float, high: float, top: float, bottom: float) -> tuple[float, float]:
    """(factor, offset) mapping a value to a y coordinate between `top` and `bottom`."""
    span = (high - low) or 1.0
    factor = (bottom - top) / span
    return factor, bottom + low * factor


def trend_line(
    values: Sequence[float | None], *, target: float | None, title: str, width: int = 150, height: int = 36
) -> str:
    """The values in order as a line with a dot per value (green when the target is met is not
    known here: the table says it), the target as a dashed grey line. Empty periods break the line."""
    known = [value for value in values if value is not None]
    if not known:
        return ""
    low = min([*known, *([target] if target is not None else [])])
    high = max([*known, *([target] if target is not None else [])])
    pad = (high - low) * 0.1 or 1.0
    factor, offset = _scale(low - pad, high + pad, 3, height - 3)
    step = (width - 8) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return round(offset - value * factor, 1)

    parts = []
    if target is not None:
        parts.append(
            f'<line x1="2" x2="{width - 2}" y1="{y(target)}" y2="{y(target)}" stroke="{GREY}" '
            'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    segment: list[str] = []
    dots = []
    for index, value in enumerate(values):
        x = round(4 + index * step, 1)
        if value is None:
            if len(segment) > 1:
                parts.append(_polyline(segment))
            segment = []
            continue
        segment.append(f"{x},{y(value)}")
        dots.append(f'<circle cx="{x}" cy="{y(value)}" r="1.8" fill="{BLUE}"/>')
    if len(segment) > 1:
        parts.append(_polyline(segment))
    return _svg(width, height, title, [*parts, *dots])


def _polyline(points: list[str]) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{BLUE}" stroke-width="1.5"/>'


def _svg(width: int, height: int, title: str, parts: list[str]) -> str:
    label = escape(title, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" class="chart"><title>{label}</title>'
        + "".join(parts)
        + "</svg>"
    )


def grouped_bars(
    labels: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str, width: int = 480, height: int = 150
) -> str:
    """Bars side by side per label, one colour per series, with the labels under the bars and a
    legend on top."""
    top, bottom, left = 22, height - 18, 26
    highest = max([1, *(value for values in series.values() for value in values)])
    factor = (bottom - top) / highest
    group = (width - left - 4) / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    colours = [GREY, BLUE, GREEN, RED]
    parts = [
        f'<line x1="{left}" x2="{width - 2}" y1="{bottom}" y2="{bottom}" stroke="#1b1b1b" stroke-width="0.6"/>',
        f'<text x="{left - 3}" y="{top + 4}" font-size="8" text-anchor="end">{highest}</text>',
        f'<text x="{left - 3}" y="{bottom}" font-size="8" text-anchor="end">0</text>',
    ]
    for number, (name, values) in enumerate(series.items()):
        colour = colours[number % len(colours)]
        legend_x = left + number * 110
        parts.append(f'<rect x="{legend_x}" y="4" width="8" height="8" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 11}" y="11.5" font-size="8">{escape(name)}</text>')
        for index, value in enumerate(values):
            x = round(left + index * group + group * 0.1 + number * bar, 1)
            h = round(value * factor, 1)
            parts.append(
                f'<rect x="{x}" y="{round(bottom - h, 1)}" width="{round(bar, 1)}" height="{h}" fill="{colour}"/>'
            )
    for index, label in enumerate(labels):
        x = round(left + index * group + group / 2, 1)
        parts.append(f'<text x="{x}" y="{height - 6}" font-size="8" text-anchor="middle">{escape(label)}</text>')
    return _svg(width, height, title, parts)
