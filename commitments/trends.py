"""Trends against targets: each indicator's last 12 complete periods, with the change against
the previous period and against the same period a year before.

Read from stored values (of the whole town, or of one site; all services together) in ONE
query for every indicator, served by the index (organisation, indicator, granularity,
period_start). A verdict only for complete periods: the current period never enters a trend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from commitments.models import (
    COMPARATOR_SYMBOLS,
    COUNT_UNIT,
    NBSP,
    STATUS_LABELS,
    YES_NO_UNIT,
    Comparator,
    Indicator,
    IndicatorValue,
    Status,
    format_number,
)
from commitments.targets import attach_closed_targets
from core.models import Organisation, Site
from core.periods import Granularity, Period, add_months

TREND_LENGTH = 12
PERIODS_IN_A_YEAR = {Granularity.MONTH: 12, Granularity.QUARTER: 4, Granularity.YEAR: 1}
# The worse of two statuses, for a commitment judged by its indicators: a target missed first.
SEVERITY = {Status.NOT_MET: 0, Status.NO_DATA: 1, Status.IN_PROGRESS: 2, Status.MET: 3}


def complete_periods(granularity: Granularity, today: dt.date, count: int = TREND_LENGTH) -> list[Period]:
    """The `count` complete periods before the current one, oldest first."""
    periods = [Period.containing(today, granularity).previous()]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def year_before(period: Period) -> Period:
    return Period(add_months(period.start, -12), period.granularity)


@dataclass(frozen=True)
class TrendPoint:
    """A complete period, its stored value (None when none is stored) and its verdict."""

    period: Period
    value: float | None
    status: Status

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def format_change(change: float | None, unit: str) -> str:
    """A signed change in the indicator's unit: "+2,1 pts" for a share, "−3 min", "0"."""
    if change is None:
        return "—"
    sign = "+" if change > 0 else "−" if change < 0 else ""
    number = format_number(abs(change))
    if unit == "%":
        suffix = f"{NBSP}pt" if abs(change) < 2 else f"{NBSP}pts"
    elif unit in ("", COUNT_UNIT):
        suffix = ""
    else:
        suffix = f"{NBSP}{unit}"
    return f"{sign}{number}{suffix}"


@dataclass(frozen=True)
class Trend:
    """An indicator's last complete periods (oldest first) and how the latest compares."""

    indicator: Indicator
    points: list[TrendPoint]
    year_ago: TrendPoint

    @property
    def latest(self) -> TrendPoint:
        return self.points[-1]

    @property
    def previous(self) -> TrendPoint:
        return self.points[-2]

    @cached_property
    def status(self) -> Status:
        """The verdict of the last complete period (no data when none is stored)."""
        return self.latest.status

    @cached_property
    def has_values(self) -> bool:
        return any(point.value is not None for point in self.points)

    def _change(self, other: TrendPoint) -> float | None:
        if self.indicator.unit == YES_NO_UNIT or self.latest.value is None or other.value is None:
            return None
        return round(self.latest.value - other.value, 6)

    @cached_property
    def change_vs_previous(self) -> float | None:
        return self._change(self.previous)

    @cached_property
    def change_vs_year_ago(self) -> float | None:
        return self._change(self.year_ago)

    @property
    def change_vs_previous_text(self) -> str:
        return format_change(self.change_vs_previous, self.indicator.unit)

    @property
    def change_vs_year_ago_text(self) -> str:
        return format_change(self.change_vs_year_ago, self.indicator.unit)

    @cached_property
    def direction(self) -> str:
        """ "better", "worse" or "same" against the previous period, read along the target's
        comparator (a waiting time going down is better); "" when it cannot be said."""
        change = self.change_vs_previous
        comparator = Comparator(self.indicator.comparator)
        if change is None or comparator == Comparator.EQUALS:
            return ""
        if change == 0:
            return "same"
        return "better" if (change > 0) == (comparator == Comparator.AT_LEAST) else "worse"

    @property
    def direction_label(self) -> str:
        return {"better": "en progrès", "worse": "en recul", "same": "stable"}.get(self.direction, "")

    @property
    def target_symbol(self) -> str:
        return COMPARATOR_SYMBOLS[Comparator(self.indicator.comparator)]


def _point(indicator: Indicator, period: Period, value: float | None) -> TrendPoint:
    return TrendPoint(period, value, indicator.status_for(value, year=period.start.year))


def _trend(indicator: Indicator, periods: list[Period], stored: dict[tuple[int, str, dt.date], float | None]) -> Trend:
    if indicator.is_planned:  # no value, no verdict, until its module comes
        stored = {}

    def value_of(period: Period) -> float | None:
        return stored.get((indicator.pk, period.granularity, period.start))

    ago = year_before(periods[-1])
    return Trend(
        indicator,
        points=[_point(indicator, period, value_of(period)) for period in periods],
        year_ago=_point(indicator, ago, value_of(ago)),
    )


def indicator_trends(
    indicators: Sequence[Indicator], *, organisation: Organisation, today: dt.date, site: Site | None = None
) -> dict[int, Trend]:
    """The trend of each indicator (by id) in its own granularity, of the whole town or of
    `site`, all services together. Two queries (the values, the closed years' targets), whatever
    the number of indicators."""
    if not indicators:
        return {}
    attach_closed_targets(list(indicators))  # a closed year's points are judged against its closing's targets
    windows = {granularity: complete_periods(granularity, today) for granularity in Granularity}
    scope = IndicatorValue.objects.filter(organisation=organisation, service__isnull=True, site=site).order_by()
    branches = []
    for granularity, periods in windows.items():
        ids = [indicator.pk for indicator in indicators if indicator.granularity == granularity]
        if ids:
            first = min(periods[0].start, year_before(periods[-1]).start)
            window = scope.filter(indicator__in=ids, granularity=granularity, period_start__gte=first)
            branches.append(
                window.filter(period_start__lt=periods[-1].end).values_list(
                    "indicator_id", "granularity", "period_start", "value"
                )
            )
    # One statement: a branch per granularity, each an index range (organisation, indicator,
    # granularity, period_start) that SQLite cannot use across an OR of granularities.
    rows = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    stored = {(indicator_id, granularity, start): value for indicator_id, granularity, start, value in rows}
    return {
        indicator.pk: _trend(indicator, windows[Granularity(indicator.granularity)], stored) for indicator in indicators
    }


def worst_status(statuses: Sequence[Status]) -> Status:
    """A commitment's status from its indicators': the worst, a missed target first."""
    return min(statuses, key=SEVERITY.__getitem__, default=Status.NO_DATA)
