"""The charts of the figures page, each with the data its table shows (RGAA: the table is
the chart's text alternative)."""

from __future__ import annotations

from dataclasses import dataclass

from core.localtime import half_hour_label
from core.periods import Period
from documents.charts import bar_chart, heatmap
from telephony.queries import CallFigures, CallScope

DEFAULT_FIRST_SLOT, DEFAULT_LAST_SLOT = 16, 35  # 08:00 to 18:00
WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass(frozen=True)
class HeatTable:
    weekdays: list[str]
    rows: list[tuple[str, list[int]]]  # half-hour label, calls per weekday


@dataclass(frozen=True)
class Charts:
    monthly_svg: str
    heatmap_svg: str
    heat_table: HeatTable
    empty: bool


SHORT_MONTHS = ["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"]


def _month_label(period: Period) -> str:
    return SHORT_MONTHS[period.start.month - 1]


def _slot_range(slots: dict[tuple[int, int], tuple[int, int]]) -> tuple[int, int]:
    used = [half_hour for (_, half_hour), (calls, _) in slots.items() if calls]
    if not used:
        return DEFAULT_FIRST_SLOT, DEFAULT_LAST_SLOT
    return min(min(used), DEFAULT_FIRST_SLOT), max(max(used), DEFAULT_LAST_SLOT)


def figure_charts(
    scope: CallScope, months: list[tuple[Period, CallFigures]], slots: dict[tuple[int, int], tuple[int, int]]
) -> Charts:
    labels = [_month_label(period) for period, _ in months]
    monthly = bar_chart(
        labels,
        {
            "Appels présentés": [figures.presented for _, figures in months],
            "Décrochés": [figures.answered for _, figures in months],
            "Hors horaires": [figures.out_of_hours for _, figures in months],
        },
        title=f"Appels par mois, {scope.period.label}",
        unit="appels",
    )
    first, last = _slot_range(slots)
    weekdays = sorted({weekday for weekday, _ in slots} | set(range(5)))
    counts = {key: float(calls) for key, (calls, _) in slots.items()}
    heat = heatmap(
        counts, title=f"Appels par jour et demi-heure, {scope.period.label}", first_slot=first, last_slot=last
    )
    table = HeatTable(
        weekdays=[WEEKDAY_NAMES[weekday] for weekday in weekdays],
        rows=[
            (half_hour_label(slot), [slots.get((weekday, slot), (0, 0))[0] for weekday in weekdays])
            for slot in range(first, last + 1)
        ],
    )
    return Charts(monthly, heat, table, empty=not slots)
