"""Charts as clean, script-free SVG drawn by matplotlib: the same SVG goes in pages and PDFs,
always next to a data table (RGAA needs the text alternative)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

plt.rcParams.update({"svg.fonttype": "none", "font.size": 10, "font.family": "DejaVu Sans"})


def figure(width: float = 7.0, height: float = 3.2) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, *, title: str) -> str:
    """The figure as an inline SVG element with role="img" and a title for screen readers."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    if "<metadata>" in svg:
        svg = svg[: svg.index("<metadata>")] + svg[svg.index("</metadata>") + len("</metadata>") :]
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)


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
