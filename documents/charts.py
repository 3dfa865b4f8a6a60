"""Charts as clean, script-free SVG drawn by matplotlib: the same SVG goes in pages and PDFs,
always next to a data table (RGAA needs the text alternative)."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from typing import ParamSpec

import matplotlib
from django.core.cache import caches

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

plt.rcParams.update({"svg.fonttype": "none", "font.size": 10, "font.family": "DejaVu Sans"})


P = ParamSpec("P")
CHARTS_CACHE = "charts"


def cached_svg(kind: str, data: object, draw: Callable[[], str]) -> str:
    """The SVG `draw` makes of `data`, drawn once per change of the data and kept: a
    matplotlib draw costs about 200 ms of CPU, reading it back from the cache well under one.
    Keyed by the kind of chart and a hash of everything it is drawn from (`repr` of plain
    numbers, strings, lists and dicts, whose order is part of the chart)."""
    digest = hashlib.sha256(repr(data).encode()).hexdigest()
    key = f"chart:{kind}:{digest}"
    cache = caches[CHARTS_CACHE]
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, timeout=None)
    return svg


def kept(kind: str) -> Callable[[Callable[P, str]], Callable[P, str]]:
    """A chart function whose SVG is drawn once per change of its arguments (cached_svg)."""

    def wrap(draw: Callable[P, str]) -> Callable[P, str]:
        @functools.wraps(draw)
        def chart(*args: P.args, **kwargs: P.kwargs) -> str:
            return cached_svg(kind, (args, sorted(kwargs.items())), lambda: draw(*args, **kwargs))

        return chart

    return wrap


def figure(width: float = 7.0, height: float = 3.2) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def csp_safe(svg: str) -> str:
    """The pages' CSP (style-src 'self') blocks the inline style attributes and the <style>
    element matplotlib writes, which left charts black: each declaration becomes the SVG
    presentation attribute of the same name (fill, stroke, font-size, text-anchor...)."""

    def attributes(match: re.Match[str]) -> str:
        pairs = [declaration.split(":", 1) for declaration in match.group(1).split(";") if ":" in declaration]
        return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)

    return STYLE_ATTRIBUTE.sub(attributes, STYLE_ELEMENT.sub("", svg))


def to_svg(fig: Figure, *, title: str) -> str:
    """The figure as an inline SVG element with role="img" and a title for screen readers."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    if "<metadata>" in svg:
        svg = svg[: svg.index("<metadata>")] + svg[svg.index("</metadata>") + len("</metadata>") :]
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return csp_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1))


@kept("bar_chart")
def bar_chart(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str, unit: str = "") -> str:
    """Grouped bars, one group per label and one colour per series."""
    fig = figure()
    axes = fig.add_subplot()
    count = max(len(series), 1)
    width = 0.8 / count
    palette = ["#1f4e79", "#b3261e", "#18753c", "#6a3d9a", "#8a5a00"]
    for index, (name, values) in enumerate(series.items()):
        positions = [i + (index - (count - 1) / 2) * width for i in range(len(labels))]
        axes.bar(positions, values, width, label=name, color=palette[index % len(palette)])
    axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 12 else 0, ha="right")
    if unit:
        axes.set_ylabel(unit)
    if len(series) > 1:
        axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return to_svg(fig, title=title)


WEEKDAY_SHORT = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]


@kept("heatmap")
def heatmap(counts: dict[tuple[int, int], float], *, title: str, first_slot: int, last_slot: int) -> str:
    """A weekday × half-hour heat map. `counts[(weekday, half_hour)]`, weekday 0 = Monday,
    half_hour 0 = 00:00–00:30; shows the slots from `first_slot` to `last_slot` included."""
    slots = list(range(first_slot, last_slot + 1))
    weekdays = sorted({weekday for weekday, _ in counts} | set(range(5)))
    grid = [[counts.get((weekday, slot), 0) for slot in slots] for weekday in weekdays]
    fig = figure(8.0, 0.45 * len(weekdays) + 1.2)
    axes = fig.add_subplot()
    image = axes.imshow(grid, aspect="auto", cmap="Blues", interpolation="nearest")
    axes.set_yticks(range(len(weekdays)), [WEEKDAY_SHORT[weekday] for weekday in weekdays])
    hour_ticks = [index for index, slot in enumerate(slots) if slot % 2 == 0]
    axes.set_xticks(hour_ticks, [f"{slots[index] // 2}h" for index in hour_ticks])
    fig.colorbar(image, ax=axes, shrink=0.8)
    return to_svg(fig, title=title)
