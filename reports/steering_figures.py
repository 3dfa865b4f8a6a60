"""The figures of the steering committee's documents, read from stored indicator values and
aggregate queries, never from raw calls or tickets: a fixed number of queries whatever the
size of the town or the length of its history.

- indicator results of the complete periods of a span (`indicator_trends`), of a year against
  the previous one (`year_results`);
- complaints by commitment with their justified share (`complaint_figures`);
- improvement actions opened, closed, late and their effectiveness (`action_figures`).

No personal data of citizens: complaints are counted, never named."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from commitments.models import (
    STATUS_LABELS,
    YES_NO_UNIT,
    Indicator,
    IndicatorValue,
    Status,
    format_measure,
    format_number,
)
from commitments.targets import attach_closed_targets, read_in_year
from commitments.years import PERCENT, year_counts
from complaints.models import Complaint, Justified, Kind
from core.localtime import aware_local
from core.models import Organisation
from core.periods import Period, add_months
from improvement.models import OPEN_STATUSES, ActionStatus, ImprovementAction
from reports.steering_charts import grouped_bars, trend_line

SURVEY_PREFIX = "surveys."
LISTED_ACTIONS = 60
LISTED_LATE = 30
TREND_PERIODS = 12
MONTH_ABBREVIATIONS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# --- Indicator results ---------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    period: Period
    value: IndicatorValue

    @property
    def number(self) -> float | None:
        return self.value.value

    @property
    def year(self) -> int:
        return self.period.start.year


def _followed_indicators(organisation: Organisation) -> list[Indicator]:
    """With the targets of the closed years: a closed year's periods are judged against them."""
    return attach_closed_targets(
        list(
            Indicator.objects.for_org(organisation)
            .filter(is_active=True, commitment__is_active=True)
            .select_related("commitment__framework", "commitment__module")
            .order_by("commitment__framework__name", "commitment__position", "commitment__code", "position", "code")
        )
    )


def _points(
    organisation: Organisation, indicators: list[Indicator], *, since: dt.date, until: dt.date
) -> dict[int, list[Point]]:
    """The town's own values (all services, all sites) of each indicator's periods, in its
    granularity, complete on `until`, from 12 months before `since` on, oldest first. One query."""
    granularity = {indicator.pk: indicator.granularity for indicator in indicators}
    rows = IndicatorValue.objects.for_org(organisation).filter(
        indicator_id__in=list(granularity),
        service__isnull=True,
        site__isnull=True,
        period_start__gte=add_months(since.replace(day=1), -12),
        period_start__lt=until,
    )
    points: dict[int, list[Point]] = defaultdict(list)
    for value in rows.order_by("period_start"):
        if value.granularity != granularity[value.indicator_id]:
            continue
        period = value.period
        if period.end <= until:
            points[value.indicator_id].append(Point(period, value))
    return points


def _change_text(indicator: Indicator, new: float | None, old: float | None) -> str:
    """ "+2,5 pts", "−1 min", "=" ; empty when either is missing."""
    if new is None or old is None or indicator.unit == YES_NO_UNIT:
        return ""
    difference = new - old
    if abs(difference) < 0.005:
        return "="
    unit = "pts" if indicator.unit == PERCENT else ("" if indicator.unit in ("nombre", "oui/non") else indicator.unit)
    sign = "+" if difference > 0 else "−"
    return f"{sign}{format_number(abs(difference))}{' ' + unit if unit else ''}"


@dataclass
class IndicatorTrend:
    """An indicator's results over a span: every complete period with its verdict, the change
    between the last two and a small line chart with the target."""

    indicator: Indicator
    points: list[Point]
    history: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def latest_text(self) -> str:
        latest = self.latest
        return format_measure(latest.number, self.indicator.unit) if latest else "—"

    @property
    def status(self) -> Status:
        latest = self.latest
        return self.indicator.status_for(latest.number, year=latest.year) if latest else Status.NO_DATA

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def met(self) -> int:
        return sum(self.indicator.status_for(point.number, year=point.year) == Status.MET for point in self.points)

    @property
    def measured(self) -> int:
        return sum(point.number is not None for point in self.points)

    @property
    def change(self) -> str:
        if len(self.points) < 2:
            return ""
        return _change_text(self.indicator, self.points[-1].number, self.points[-2].number)

    @property
    def chart(self) -> str:
        values = [point.number for point in self.history[-TREND_PERIODS:]]
        if sum(value is not None for value in values) < 2:
            return ""
        title = f"Évolution de l'indicateur {self.indicator.code} sur ses dernières périodes, avec sa cible"
        return trend_line(values, target=float(self.indicator.target_value), title=title)

    @property
    def is_survey(self) -> bool:
        return self.indicator.metric_key.startswith(SURVEY_PREFIX)


def indicator_trends(organisation: Organisation, *, since: dt.date, until: dt.date) -> list[IndicatorTrend]:
    """Every followed indicator with its complete periods ending after `since` and by `until`:
    the results that came in since the previous meeting. Two queries."""
    indicators = _followed_indicators(organisation)
    points = _points(organisation, indicators, since=since, until=until)
    trends = []
    for indicator in indicators:
        history = points.get(indicator.pk, [])
        recent = [point for point in history if point.period.end > since]
        trends.append(IndicatorTrend(indicator, recent, history))
    return trends


def _combined(indicator: Indicator, points: list[Point]) -> float | None:
    """One value for a year (commitments.years); None for a median or a delay."""
    return year_counts(indicator, [point.value for point in points if point.number is not None]).value


@dataclass
class YearResult:
    """An indicator over one year against the previous year."""

    indicator: Indicator
    points: list[Point]
    previous_points: list[Point]
    complete: bool

    @property
    def value(self) -> float | None:
        return _combined(self.indicator, self.points)

    @property
    def previous_value(self) -> float | None:
        return _combined(self.indicator, self.previous_points)

    @property
    def value_text(self) -> str:
        return self._text(self.value, self.points)

    @property
    def previous_text(self) -> str:
        return self._text(self.previous_value, self.previous_points)

    def _text(self, value: float | None, points: list[Point]) -> str:
        """The year's value; for a measure that does not add up, the periods that met the target."""
        if value is not None or not any(point.number is not None for point in points):
            return format_measure(value, self.indicator.unit)
        met = sum(self.indicator.status_for(point.number, year=point.year) == Status.MET for point in points)
        measured = sum(point.number is not None for point in points)
        return f"{met} / {measured} pér."

    @property
    def met(self) -> int:
        return sum(self.indicator.status_for(point.number, year=point.year) == Status.MET for point in self.points)

    @property
    def measured(self) -> int:
        return sum(point.number is not None for point in self.points)

    @property
    def status(self) -> Status:
        """Met for the year: the year's value meets the target, or, for a measure that does not
        add up, every period measured does. A year not over yet gets no verdict."""
        if not self.measured:
            return Status.NO_DATA
        if not self.complete:
            return Status.IN_PROGRESS
        if self.value is not None:
            return self.indicator.status_for(self.value)
        return Status.MET if self.met == self.measured else Status.NOT_MET

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def change(self) -> str:
        return _change_text(self.indicator, self.value, self.previous_value)

    @property
    def chart(self) -> str:
        values = [point.number for point in [*self.previous_points, *self.points]]
        if sum(value is not None for value in values) < 2:
            return ""
        title = f"Évolution de l'indicateur {self.indicator.code} sur deux ans, avec sa cible"
        return trend_line(values, target=float(self.indicator.target_value), title=title)

    @property
    def is_survey(self) -> bool:
        return self.indicator.metric_key.startswith(SURVEY_PREFIX)


def year_results(organisation: Organisation, *, year: int, today: dt.date) -> list[YearResult]:
    """Every followed indicator's complete periods of `year` and of the year before. Two queries."""
    previous_start, start, end = dt.date(year - 1, 1, 1), dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    indicators = read_in_year(_followed_indicators(organisation), year)
    points = _points(organisation, indicators, since=dt.date(year - 1, 1, 1), until=min(end, today))
    results = []
    for indicator in indicators:
        mine = points.get(indicator.pk, [])
        results.append(
            YearResult(
                indicator,
                points=[point for point in mine if point.period.start >= start],
                previous_points=[point for point in mine if previous_start <= point.period.start < start],
                complete=today >= end,
            )
        )
    return results


# --- Complaints ----------------------------------------------------------------------------


@dataclass
class CommitmentComplaints:
    code: str
    label: str
    total: int = 0
    justified: int = 0
    not_justified: int = 0

    @property
    def undetermined(self) -> int:
        return self.total - self.justified - self.not_justified

    @property
    def justified_share(self) -> float | None:
        """Founded complaints among those judged (founded or not)."""
        return percent(self.justified, self.justified + self.not_justified)


@dataclass
class ComplaintFigures:
    suggestions: int = 0
    by_commitment: list[CommitmentComplaints] = field(default_factory=list)
    by_month: dict[dt.date, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.by_commitment)

    @property
    def justified(self) -> int:
        return sum(row.justified for row in self.by_commitment)

    @property
    def not_justified(self) -> int:
        return sum(row.not_justified for row in self.by_commitment)

    @property
    def undetermined(self) -> int:
        return self.total - self.justified - self.not_justified

    @property
    def justified_share(self) -> float | None:
        return percent(self.justified, self.justified + self.not_justified)


def complaint_figures(organisation: Organisation, *, start: dt.date, end: dt.date) -> ComplaintFigures:
    """Complaints received from `start` to `end` (excluded) by commitment and by month, with
    how many were judged founded, and the suggestions: one grouped query on the month index."""
    rows = (
        Complaint.objects.for_org(organisation)
        .filter(
            received_month__gte=start.replace(day=1),
            received_month__lt=end,
            received_on__gte=start,
            received_on__lt=end,
        )
        .values("received_month", "kind", "commitment_code", "commitment_label", "justified")
        .annotate(count=Count("pk"))
        .order_by()
    )
    figures = ComplaintFigures()
    by_code: dict[str, CommitmentComplaints] = {}
    for row in rows:
        if row["kind"] != Kind.COMPLAINT:
            figures.suggestions += row["count"]
            continue
        code = row["commitment_code"]
        label = row["commitment_label"] or "Aucun engagement précisé"
        counts = by_code.setdefault(code, CommitmentComplaints(code, label))
        counts.total += row["count"]
        counts.justified += row["count"] if row["justified"] == Justified.YES else 0
        counts.not_justified += row["count"] if row["justified"] == Justified.NO else 0
        month = row["received_month"]
        figures.by_month[month] = figures.by_month.get(month, 0) + row["count"]
    figures.by_commitment = sorted(by_code.values(), key=lambda row: (-row.total, row.code))
    return figures


def complaints_by_month_chart(current: ComplaintFigures, previous: ComplaintFigures, *, year: int) -> str:
    months = [dt.date(year, number, 1) for number in range(1, 13)]
    series = {
        str(year - 1): [previous.by_month.get(month.replace(year=year - 1), 0) for month in months],
        str(year): [current.by_month.get(month, 0) for month in months],
    }
    labels = list(MONTH_ABBREVIATIONS)
    return grouped_bars(labels, series, title=f"Réclamations reçues par mois en {year - 1} et {year}")


# --- Improvement actions -------------------------------------------------------------------


@dataclass
class ActionFigures:
    opened: int
    closed: int
    closed_on_time: int
    late: int
    effective: int
    ineffective: int
    late_actions: list[ImprovementAction]
    done_actions: list[ImprovementAction]  # carried out or checked in the span
    as_of: dt.date

    @property
    def on_time_share(self) -> float | None:
        return percent(self.closed_on_time, self.closed)

    @property
    def more_late(self) -> int:
        return self.late - len(self.late_actions)

    @property
    def listed_limit(self) -> int:
        return LISTED_ACTIONS


def _local_midnight(organisation: Organisation, day: dt.date) -> dt.datetime:
    return aware_local(dt.datetime.combine(day, dt.time.min), organisation.time_zone)


def action_figures(organisation: Organisation, *, start: dt.date, end: dt.date, as_of: dt.date) -> ActionFigures:
    """Actions opened and closed from `start` to `end` (excluded), those late on `as_of`, the
    effectiveness checks made in the span; and the actions behind them (the late ones, those
    closed or checked in the span), at most LISTED_LATE and LISTED_ACTIONS. Three queries."""
    actions = ImprovementAction.objects.for_org(organisation)
    opened = Q(created_at__gte=_local_midnight(organisation, start), created_at__lt=_local_midnight(organisation, end))
    closed = Q(done_on__gte=start, done_on__lt=end)
    late = Q(status__in=OPEN_STATUSES, due_on__lt=as_of)
    checked = Q(checked_on__gte=start, checked_on__lt=end)
    counts = actions.aggregate(
        opened=Count("pk", filter=opened),
        closed=Count("pk", filter=closed),
        closed_on_time=Count("pk", filter=closed & Q(done_on__lte=F("due_on"))),
        late=Count("pk", filter=late),
        effective=Count("pk", filter=checked & Q(status=ActionStatus.EFFECTIVE)),
        ineffective=Count("pk", filter=checked & ~Q(status=ActionStatus.EFFECTIVE)),
    )
    listed = actions.select_related("owner", "check_indicator")
    late_actions = list(listed.filter(late).order_by("due_on", "number")[:LISTED_LATE])
    done_actions = list(listed.filter(closed | checked).order_by("done_on", "number")[:LISTED_ACTIONS])
    return ActionFigures(**counts, late_actions=late_actions, done_actions=done_actions, as_of=as_of)
