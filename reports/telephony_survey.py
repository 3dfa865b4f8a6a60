"""The telephone traffic survey (*enquête d'affluence téléphonique*): for a town, a span of
days and some of its lines, how many calls came in each half-hour of each weekday, how
many were answered and how fast, and how many agents each slot needs to answer 90 % of
calls within 5 rings (Erlang C) against the agents present.

Four queries whatever the number of calls: the lines, then three grouped on the local columns
stored with each call (local_month narrows through the month index, then local_date, weekday,
half_hour). A call counts when it is *presented* (it started during the opening hours of its
service, `in_hours`); the others are counted apart."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from core.localtime import half_hour_label
from core.models import Organisation, Site, Weekday
from core.workdays import french_date
from reports.charts import calls_heatmap, rate_bars, stacked_bars, staffing_bars
from reports.erlang import agents_needed
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine

RINGS = 5
TARGET_SHARE = 0.9
SLOT_SECONDS = 1800
BUSIEST_COUNT = 10
MAX_SPAN_DAYS = 366
MANUAL_SOURCE = "relevé manuel"


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass
class Counts:
    """Additive counts of one group of calls."""

    presented: int = 0
    answered: int = 0
    within: int = 0
    out_of_hours: int = 0
    talk_seconds: int = 0
    wait_unknown: int = 0  # presented, answered, neither a measured wait nor rings: not within

    def add(self, other: Counts) -> None:
        self.presented += other.presented
        self.answered += other.answered
        self.within += other.within
        self.out_of_hours += other.out_of_hours
        self.talk_seconds += other.talk_seconds
        self.wait_unknown += other.wait_unknown

    @property
    def missed(self) -> int:
        return self.presented - self.answered

    @property
    def answer_rate(self) -> float | None:
        return percent(self.answered, self.presented)

    @property
    def within_rate(self) -> float | None:
        return percent(self.within, self.presented)

    @property
    def mean_talk_seconds(self) -> float | None:
        return self.talk_seconds / self.answered if self.answered else None


@dataclass(frozen=True)
class LineRow:
    line: PhoneLine
    counts: Counts


@dataclass(frozen=True)
class SlotRow:
    """One half-hour of one weekday: its presented calls over the period and per day observed."""

    weekday: int
    half_hour: int
    counts: Counts
    days: int

    @property
    def weekday_label(self) -> str:
        return Weekday(self.weekday).label

    @property
    def slot_label(self) -> str:
        return half_hour_label(self.half_hour)

    @property
    def calls_per_day(self) -> float:
        return self.counts.presented / self.days if self.days else 0.0


@dataclass(frozen=True)
class StaffingCell:
    calls_per_day: float
    needed: int | None  # None: no talk time measured for the line, so no estimate
    present: int

    @property
    def short(self) -> bool:
        return self.needed is not None and self.needed > self.present


@dataclass(frozen=True)
class StaffingRow:
    half_hour: int
    cells: list[StaffingCell | None]  # one per weekday shown; None where no call was presented

    @property
    def slot_label(self) -> str:
        return half_hour_label(self.half_hour)


@dataclass(frozen=True)
class LineStaffing:
    line: PhoneLine
    present: int
    mean_talk_seconds: float | None
    weekdays: list[int]  # the days the line had presented calls
    rows: list[StaffingRow]
    chart: str

    @property
    def weekday_labels(self) -> list[str]:
        return [Weekday(weekday).label for weekday in self.weekdays]

    @property
    def present_phrase(self) -> str:
        """The agents present as the end of "plus d'agents que …"."""
        if self.present == 0:
            return "zéro agent présent"
        if self.present == 1:
            return "l'agent présent"
        return f"les {self.present} agents présents"

    @property
    def cells(self) -> list[StaffingCell]:
        return [cell for row in self.rows for cell in row.cells if cell is not None]

    @property
    def short_slots(self) -> int:
        return sum(1 for cell in self.cells if cell.short)

    @property
    def max_needed(self) -> int:
        return max((cell.needed or 0 for cell in self.cells), default=0)


@dataclass(frozen=True)
class SurveyRequest:
    organisation: Organisation
    start: dt.date
    end: dt.date  # included
    lines: tuple[PhoneLine, ...] = ()  # empty: every line of the town (of the site, with one)
    agents_present: dict[str, int] = field(default_factory=dict)  # line code → agents; default 1
    site: Site | None = None  # an annex or district town hall: the lines of its services only

    def present_on(self, line: PhoneLine) -> int:
        return self.agents_present.get(line.code, 1)


@dataclass
class TelephonySurvey:
    request: SurveyRequest
    lines: list[PhoneLine]
    sources: list[str]
    ring_cycle_seconds: Decimal
    days_observed: int
    by_line: list[LineRow]
    total: Counts
    slots: dict[tuple[int, int], SlotRow]
    weekdays: list[int]
    half_hours: list[int]
    staffing: list[LineStaffing]
    charts: dict[str, str]

    @property
    def organisation(self) -> Organisation:
        return self.request.organisation

    @property
    def site(self) -> Site | None:
        return self.request.site

    @property
    def rings(self) -> int:
        return RINGS

    @property
    def within_seconds(self) -> Decimal:
        return RINGS * self.ring_cycle_seconds

    @property
    def start_label(self) -> str:
        return french_date(self.request.start)

    @property
    def end_label(self) -> str:
        return french_date(self.request.end)

    @property
    def weekday_labels(self) -> list[str]:
        return [Weekday(weekday).label for weekday in self.weekdays]

    @property
    def has_calls(self) -> bool:
        return self.total.presented + self.total.out_of_hours > 0

    @property
    def grid(self) -> list[tuple[str, list[int], int]]:
        """(half-hour label, presented calls per weekday shown, row total) for the table of the heat map."""
        rows = []
        for half_hour in self.open_half_hours:
            counts = [self._presented(weekday, half_hour) for weekday in self.weekdays]
            rows.append((half_hour_label(half_hour), counts, sum(counts)))
        return rows

    @property
    def open_half_hours(self) -> list[int]:
        """The half-hours with at least one presented call: the lunch closing drops out of tables."""
        return [slot for slot in self.half_hours if any(self._presented(day, slot) for day in self.weekdays)]

    @property
    def weekday_totals(self) -> list[int]:
        return [sum(self._presented(weekday, slot) for slot in self.half_hours) for weekday in self.weekdays]

    @property
    def by_half_hour(self) -> list[tuple[str, Counts]]:
        """Every weekday together, per half-hour: answered and missed calls."""
        rows = []
        for half_hour in self.open_half_hours:
            counts = Counts()
            for weekday in self.weekdays:
                slot = self.slots.get((weekday, half_hour))
                if slot is not None:
                    counts.add(slot.counts)
            rows.append((half_hour_label(half_hour), counts))
        return rows

    @property
    def busiest(self) -> list[SlotRow]:
        ranked = sorted(
            (slot for slot in self.slots.values() if slot.counts.presented),
            key=lambda slot: (-slot.calls_per_day, -slot.counts.presented, slot.weekday, slot.half_hour),
        )
        return ranked[:BUSIEST_COUNT]

    def _presented(self, weekday: int, half_hour: int) -> int:
        slot = self.slots.get((weekday, half_hour))
        return slot.counts.presented if slot else 0


def chosen_lines(request: SurveyRequest) -> list[PhoneLine]:
    """The lines chosen, or every line; with a site, only the lines of its services."""
    if request.lines:
        chosen = sorted(request.lines, key=lambda line: line.name)
        return [line for line in chosen if request.site is None or line.service.site_id == request.site.pk]
    lines = PhoneLine.objects.for_org(request.organisation).select_related("service")
    if request.site is not None:
        lines = lines.filter(service__site=request.site)
    return list(lines.order_by("name"))


def survey_calls(request: SurveyRequest, lines: list[PhoneLine]) -> QuerySet[Call]:
    """The calls of the span. The month bounds let the (organisation, local_month, …) index
    narrow the scan to the months concerned before the days are filtered."""
    return Call.objects.for_org(request.organisation).filter(
        local_month__gte=request.start.replace(day=1),
        local_month__lte=request.end.replace(day=1),
        local_date__gte=request.start,
        local_date__lte=request.end,
        line__in=lines,
    )


def _grouped_counts(calls: QuerySet[Call], within_seconds: Decimal) -> dict[tuple[int, int, int], Counts]:
    """Counts per (line, weekday, half-hour), in one query."""
    answered = Q(outcome=CallOutcome.ANSWERED)
    # A call may carry the rings heard instead of a measured wait (a tally, a table's rings
    # column): within 5 rings when rings ≤ 5, as telephony's summary rows count it.
    in_time = answered & (Q(wait_seconds__lte=within_seconds) | Q(wait_seconds__isnull=True, rings__lte=RINGS))
    unknown = answered & Q(wait_seconds__isnull=True, rings__isnull=True)
    rows = (
        calls.values("line", "weekday", "half_hour", "in_hours")
        .annotate(
            calls=Count("id"),
            answered=Count("id", filter=answered),
            within=Count("id", filter=in_time),
            unknown=Count("id", filter=unknown),
            talk=Sum("talk_seconds", filter=answered),
        )
        .order_by()
    )
    grouped: dict[tuple[int, int, int], Counts] = defaultdict(Counts)
    for row in rows:
        counts = grouped[(row["line"], row["weekday"], row["half_hour"])]
        if row["in_hours"]:
            counts.add(Counts(row["calls"], row["answered"], row["within"], 0, row["talk"] or 0, row["unknown"]))
        else:
            counts.out_of_hours += row["calls"]
    return grouped


def _days_per_weekday(calls: QuerySet[Call]) -> dict[int, int]:
    """How many days of each weekday had presented calls: the divisor of calls per day."""
    rows = calls.filter(in_hours=True).values("weekday").annotate(days=Count("local_date", distinct=True)).order_by()
    return {row["weekday"]: row["days"] for row in rows}


def _sources(calls: QuerySet[Call]) -> list[str]:
    """Where the calls come from: the import sources by name, or the agents' manual tally."""
    labels = set()
    for origin, label in calls.values_list("origin", "source__label").distinct().order_by():
        if origin == CallOrigin.TALLY:
            labels.add(MANUAL_SOURCE)
        else:
            labels.add(f"import « {label} »" if label else "import")
    return sorted(labels)


def _staffing(
    request: SurveyRequest,
    line: PhoneLine,
    line_counts: Counts,
    grouped: dict[tuple[int, int, int], Counts],
    days: dict[int, int],
    axes: tuple[list[int], list[int]],
    within_seconds: float,
    with_charts: bool,
) -> LineStaffing:
    half_hours = axes[1]
    weekdays = [
        day for day in axes[0] if any(grouped.get((line.pk, day, slot), Counts()).presented for slot in half_hours)
    ]
    talk = line_counts.mean_talk_seconds
    present = request.present_on(line)
    rows = []
    for half_hour in half_hours:
        if not any(grouped.get((line.pk, weekday, half_hour), Counts()).presented for weekday in weekdays):
            continue
        cells: list[StaffingCell | None] = []
        for weekday in weekdays:
            counts = grouped.get((line.pk, weekday, half_hour))
            if counts is None or not counts.presented or not days.get(weekday):
                cells.append(None)
                continue
            per_day = counts.presented / days[weekday]
            needed = (
                agents_needed(per_day, SLOT_SECONDS, talk, TARGET_SHARE, within_seconds) if talk is not None else None
            )
            cells.append(StaffingCell(per_day, needed, present))
        rows.append(StaffingRow(half_hour, cells))
    chart = staffing_chart(line, rows, present) if with_charts and rows else ""
    return LineStaffing(line, present, talk, weekdays, rows, chart)


def slot_start(half_hour: int) -> str:
    return half_hour_label(half_hour).split("–")[0]


def staffing_chart(line: PhoneLine, rows: list[StaffingRow], present: int) -> str:
    busiest = [max((cell.needed or 0 for cell in row.cells if cell is not None), default=0) for row in rows]
    return staffing_bars(
        [slot_start(row.half_hour) for row in rows],
        busiest,
        present,
        title=f"Ligne {line.name} : agents nécessaires par demi-heure et agents présents",
        prefix=f"staffing-{line.pk}",
    )


def _axes(grouped: dict[tuple[int, int, int], Counts]) -> tuple[list[int], list[int]]:
    """The weekdays shown (Monday to Friday, plus any day with calls) and the half-hours
    from the first to the last with a presented call."""
    presented = [(weekday, half_hour) for (_, weekday, half_hour), c in grouped.items() if c.presented]
    weekdays = sorted({weekday for weekday, _ in presented} | set(range(5)))
    if not presented:
        return weekdays, []
    first = min(half_hour for _, half_hour in presented)
    last = max(half_hour for _, half_hour in presented)
    return weekdays, list(range(first, last + 1))


def build_survey(request: SurveyRequest, *, with_charts: bool = True) -> TelephonySurvey:
    """Everything the report shows, computed from the calls of the chosen lines and days.
    Without charts for a page that shows only the figures."""
    lines = chosen_lines(request)
    calls = survey_calls(request, lines)
    cycle = Decimal(request.organisation.ring_cycle_seconds)
    within_seconds = RINGS * cycle
    grouped = _grouped_counts(calls, within_seconds)
    days = _days_per_weekday(calls)
    weekdays, half_hours = _axes(grouped)

    per_line: dict[int, Counts] = defaultdict(Counts)
    per_slot: dict[tuple[int, int], Counts] = defaultdict(Counts)
    total = Counts()
    for (line_id, weekday, half_hour), counts in grouped.items():
        per_line[line_id].add(counts)
        total.add(counts)
        if counts.presented:
            per_slot[(weekday, half_hour)].add(counts)
    slots = {key: SlotRow(key[0], key[1], counts, days.get(key[0], 0)) for key, counts in per_slot.items()}
    staffing = [
        _staffing(
            request, line, per_line[line.pk], grouped, days, (weekdays, half_hours), float(within_seconds), with_charts
        )
        for line in lines
    ]
    survey = TelephonySurvey(
        request=request,
        lines=lines,
        sources=_sources(calls),
        ring_cycle_seconds=cycle,
        days_observed=sum(days.values()),
        by_line=[LineRow(line, per_line[line.pk]) for line in lines],
        total=total,
        slots=slots,
        weekdays=weekdays,
        half_hours=half_hours,
        staffing=staffing,
        charts={},
    )
    survey.charts = survey_charts(survey) if with_charts and survey.has_calls else {}
    return survey


def survey_charts(survey: TelephonySurvey) -> dict[str, str]:
    counts = {key: float(slot.counts.presented) for key, slot in survey.slots.items()}
    by_half_hour = survey.by_half_hour
    charts = {
        "rates": rate_bars(
            [row.line.name for row in survey.by_line],
            {
                "Taux de décroché": [row.counts.answer_rate or 0 for row in survey.by_line],
                f"Décrochés en {RINGS} sonneries au plus": [row.counts.within_rate or 0 for row in survey.by_line],
            },
            title=f"Taux de décroché et part des appels décrochés en {RINGS} sonneries, par ligne",
            prefix="rates",
        ),
        "answered": stacked_bars(
            [label.split("–")[0] for label, _ in by_half_hour],
            [counts.answered for _, counts in by_half_hour],
            [counts.missed for _, counts in by_half_hour],
            title="Appels présentés décrochés et non décrochés par demi-heure",
            prefix="answered",
        ),
    }
    if survey.half_hours:
        charts["heatmap"] = calls_heatmap(
            counts,
            title="Appels présentés par jour de la semaine et par demi-heure",
            first_slot=survey.half_hours[0],
            last_slot=survey.half_hours[-1],
            prefix="heatmap",
        )
    return charts
