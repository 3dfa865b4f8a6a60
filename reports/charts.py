"""The survey's charts, drawn with documents.charts' figure and SVG export. Legends sit under the
plot so that they never hide a bar, and each SVG gets its own element ids so that several
charts can share one document."""

from __future__ import annotations

import re
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from documents.charts import figure, heatmap, kept, to_svg

BLUE, RED, GREEN = "#1f4e79", "#b3261e", "#18753c"
ID_REFERENCE = re.compile(r'(id="|url\(#|href="#)([^")]+)')


def unique_ids(svg: str, prefix: str) -> str:
    """Prefix every id of a matplotlib SVG and every reference to it: matplotlib numbers its
    elements from 1 in each figure (figure_1, patch_1…), which would repeat in a document."""
    return ID_REFERENCE.sub(lambda match: f"{match[1]}{prefix}-{match[2]}", svg)


def _finish(axes: Axes, unit: str, legend_columns: int, legend_at: float = -0.18) -> None:
    """Axis label, no top and right frame, the legend centred under the plot."""
    axes.set_ylabel(unit)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, legend_at), ncol=legend_columns)


@kept("reports.rate_bars")
def rate_bars(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str, prefix: str) -> str:
    """Grouped bars of percentages on a 0–100 scale, one group per label; drawn at the size
    it is printed (13 × 5 cm), so that its text keeps the size of the document's."""
    fig = figure(5.2, 2.1)
    axes = fig.add_subplot()
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series.items()):
        offset = (index - (len(series) - 1) / 2) * width
        bars = axes.bar(
            [i + offset for i in range(len(labels))], values, width, label=name, color=[BLUE, GREEN][index % 2]
        )
        axes.bar_label(bars, labels=[f"{value:.1f}".replace(".", ",") for value in values], padding=2, fontsize=8)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylim(0, 110)
    axes.set_yticks(range(0, 101, 20))
    _finish(axes, "%", len(series))
    return unique_ids(to_svg(fig, title=title), prefix)


@kept("reports.stacked_bars")
def stacked_bars(
    labels: Sequence[str], answered: Sequence[int], missed: Sequence[int], *, title: str, prefix: str
) -> str:
    """Answered calls with the missed ones stacked on top: the bar's height is the calls presented."""
    fig = figure(7.0, 3.0)
    axes = fig.add_subplot()
    positions = range(len(labels))
    axes.bar(positions, answered, 0.7, label="Décrochés", color=BLUE)
    axes.bar(positions, missed, 0.7, bottom=answered, label="Non décrochés", color=RED)
    axes.set_xticks(positions, labels, rotation=45, ha="right")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _finish(axes, "appels", 2, legend_at=-0.3)
    return unique_ids(to_svg(fig, title=title), prefix)


@kept("reports.staffing_bars")
def staffing_bars(labels: Sequence[str], needed: Sequence[int], present: int, *, title: str, prefix: str) -> str:
    """Agents needed per half-hour as bars, the agents present as a dashed line."""
    fig = figure(7.0, 2.8)
    axes = fig.add_subplot()
    positions = range(len(labels))
    axes.bar(positions, needed, 0.7, label="Agents nécessaires (jour le plus chargé)", color=BLUE)
    axes.axhline(present, color=RED, linestyle="--", linewidth=2, label=f"Agents présents ({present})")
    axes.set_xticks(positions, labels, rotation=45, ha="right")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*needed, present]) + 1)
    _finish(axes, "agents", 2, legend_at=-0.3)
    return unique_ids(to_svg(fig, title=title), prefix)


def calls_heatmap(
    counts: dict[tuple[int, int], float], *, title: str, first_slot: int, last_slot: int, prefix: str
) -> str:
    return unique_ids(heatmap(counts, title=title, first_slot=first_slot, last_slot=last_slot), prefix)
