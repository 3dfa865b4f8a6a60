"""Reads of the phone records for pages and indicators.

Figures over a period read the monthly summary rows (`CallMonthStat`, `CallSlotStat`), never
the raw calls; lists read the calls through the month index.

Definitions (domain.md, "Phone"): a call is presented when it starts within the opening hours
of its service on a day the town is open; out-of-hours calls are counted apart and enter no
rate. Answer rate = presented calls answered by a person ÷ presented calls (voicemail, busy,
abandoned and failed calls are presented and not answered). Answered within N rings =
presented calls answered with a wait ≤ N × ring cycle ÷ presented calls. A call that carries
the rings heard instead of a measured wait (a tally, a table's `rings` column) waited rings ×
ring cycle, with the town's current cycle. An answered call whose wait is not known (no time,
no rings) stays in that ratio's denominator and not in its numerator, and is counted beside it
(`wait_unknown`). Median and 90th percentile of the wait use the nearest rank over the known
waits: the p-th percentile of n waits in increasing order is the wait of rank ⌈p × n / 100⌉."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from core.models import Organisation, Service, Site
from core.periods import Period
from core.stats import nearest_rank
from telephony.models import UNKNOWN_WAIT, Call, CallMonthStat, CallOutcome, CallSlotStat, PhoneLine

DEFAULT_RINGS = 5
ANSWERED = CallOutcome.ANSWERED.value
NOT_ANSWERED = (
    CallOutcome.VOICEMAIL.value,
    CallOutcome.BUSY.value,
    CallOutcome.ABANDONED.value,
    CallOutcome.FAILED.value,
)


def threshold_seconds(rings: int, ring_cycle: Decimal | float | int) -> int:
    """The longest whole-second wait that is within `rings` rings (waits are whole seconds).
    With a cycle of at least 1 s (the setting's minimum), a call with r rings heard, whose
    wait is threshold_seconds(r, cycle), is within N rings exactly when r ≤ N."""
    return math.floor(Decimal(rings) * Decimal(str(ring_cycle)))


@dataclass(frozen=True)
class CallScope:
    """Which calls: one town, one period, optionally one site, service or line."""

    organisation: Organisation
    period: Period
    site: Site | None = None
    service: Service | None = None
    line: PhoneLine | None = None

    def stat_filter(self) -> Q:
        condition = Q(organisation=self.organisation, month__gte=self.period.start, month__lt=self.period.end)
        if self.site is not None:
            condition &= Q(service__site=self.site)
        if self.service is not None:
            condition &= Q(service=self.service)
        if self.line is not None:
            condition &= Q(line_key=self.line.pk)
        return condition

    def call_filter(self) -> Q:
        condition = Q(organisation=self.organisation, local_date__gte=self.period.start, local_date__lt=self.period.end)
        if self.site is not None:
            condition &= Q(service__site=self.site)
        if self.service is not None:
            condition &= Q(service=self.service)
        if self.line is not None:
            condition &= Q(line=self.line)
        return condition


@dataclass
class CallFigures:
    """The phone figures of a set of calls, from their additive counts."""

    rings: int = DEFAULT_RINGS
    ring_cycle: Decimal = Decimal(5)
    by_outcome: Counter[str] = field(default_factory=Counter)  # presented calls
    out_of_hours: int = 0
    out_of_hours_answered: int = 0
    waits: Counter[int] = field(default_factory=Counter)  # presented answered calls with a known wait
    talk_seconds: int = 0  # of the presented answered calls

    def add(self, in_hours: bool, outcome: str, wait: int, calls: int, talk: int) -> None:
        if not in_hours:
            self.out_of_hours += calls
            self.out_of_hours_answered += calls if outcome == ANSWERED else 0
            return
        self.by_outcome[outcome] += calls
        if outcome == ANSWERED:
            self.talk_seconds += talk
            if wait != UNKNOWN_WAIT:
                self.waits[wait] += calls

    @property
    def presented(self) -> int:
        return sum(self.by_outcome.values())

    @property
    def answered(self) -> int:
        return self.by_outcome[ANSWERED]

    @property
    def not_answered(self) -> int:
        return self.presented - self.answered

    @property
    def total(self) -> int:
        return self.presented + self.out_of_hours

    @property
    def answer_rate(self) -> float | None:
        return 100 * self.answered / self.presented if self.presented else None

    @property
    def threshold(self) -> int:
        return threshold_seconds(self.rings, self.ring_cycle)

    @property
    def wait_known(self) -> int:
        return sum(self.waits.values())

    @property
    def wait_unknown(self) -> int:
        return self.answered - self.wait_known

    @property
    def within(self) -> int:
        limit = self.threshold
        return sum(count for wait, count in self.waits.items() if wait <= limit)

    @property
    def within_denominator(self) -> int:
        """Every presented call, answered after an unknown wait or not (domain.md)."""
        return self.presented

    @property
    def share_within(self) -> float | None:
        denominator = self.within_denominator
        return 100 * self.within / denominator if denominator else None

    @property
    def median_wait(self) -> int | None:
        return nearest_rank(self.waits, 50)

    @property
    def p90_wait(self) -> int | None:
        return nearest_rank(self.waits, 90)

    @property
    def mean_talk(self) -> float | None:
        return self.talk_seconds / self.answered if self.answered else None


def _figures(organisation: Organisation, rings: int) -> CallFigures:
    return CallFigures(rings=rings, ring_cycle=Decimal(organisation.ring_cycle_seconds))


def _grouped(scope: CallScope, *extra: str, **named: Any) -> QuerySet[CallMonthStat, dict[str, Any]]:
    return (
        CallMonthStat.objects.filter(scope.stat_filter())
        .values(*extra, "in_hours", "outcome", "wait_seconds", **named)
        .annotate(count=Sum("calls"), talk=Sum("talk_seconds"))
        .order_by()
    )


def town_rows(organisation: Organisation, period: Period) -> list[dict[str, Any]]:
    """The period's grouped summary rows of the whole town by service and its site (`service_id`,
    `site_id`), that every phone metric of every service and site of the period can share."""
    scope = CallScope(organisation=organisation, period=period)
    return list(_grouped(scope, "service_id", site_id=F("service__site")))


def figures_of_rows(organisation: Organisation, rows: Iterable[dict[str, Any]], *, rings: int) -> CallFigures:
    """The figures of grouped summary rows (`_grouped`, `town_rows`)."""
    figures = _figures(organisation, rings)
    for row in rows:
        figures.add(row["in_hours"], row["outcome"], row["wait_seconds"], row["count"], row["talk"])
    return figures


def call_figures(scope: CallScope, *, rings: int = DEFAULT_RINGS) -> CallFigures:
    return figures_of_rows(scope.organisation, _grouped(scope), rings=rings)


def monthly_figures(scope: CallScope, *, rings: int = DEFAULT_RINGS) -> list[tuple[Period, CallFigures]]:
    """One CallFigures per month of the period, in order (months without calls included)."""
    by_month: dict[dt.date, CallFigures] = {
        month.start: _figures(scope.organisation, rings) for month in scope.period.months()
    }
    for row in _grouped(scope, "month"):
        figures = by_month.get(row["month"])
        if figures is not None:
            figures.add(row["in_hours"], row["outcome"], row["wait_seconds"], row["count"], row["talk"])
    return [(month, by_month[month.start]) for month in scope.period.months()]


def slot_counts(scope: CallScope) -> dict[tuple[int, int], tuple[int, int]]:
    """{(weekday, half-hour): (calls, answered)} over all calls, in and out of hours."""
    rows = (
        CallSlotStat.objects.filter(scope.stat_filter())
        .values("weekday", "half_hour")
        .annotate(count=Sum("calls"), answered_count=Sum("answered"))
        .order_by()
    )
    return {(row["weekday"], row["half_hour"]): (row["count"], row["answered_count"]) for row in rows}


def service_figures(scope: CallScope, *, rings: int = DEFAULT_RINGS) -> list[tuple[Service, CallFigures]]:
    """Figures per service of the scope, for the comparison table."""
    by_service: dict[int, CallFigures] = defaultdict(lambda: _figures(scope.organisation, rings))
    for row in _grouped(scope, "service"):
        by_service[row["service"]].add(row["in_hours"], row["outcome"], row["wait_seconds"], row["count"], row["talk"])
    services = Service.objects.filter(pk__in=by_service).select_related("site")
    return [(service, by_service[service.pk]) for service in services]


# --- The calls behind a figure -----------------------------------------------------------------

DRILLDOWNS = {
    "tous": "tous les appels",
    "presentes": "appels présentés",
    "decroches": "appels présentés décrochés",
    "non-decroches": "appels présentés non décrochés",
    "dans-le-delai": "appels présentés décrochés dans le délai",
    "hors-delai": "appels présentés décrochés après le délai",
    "attente-inconnue": "appels présentés décrochés dont l'attente n'est pas connue",
    "hors-horaires": "appels hors des heures d'ouverture",
}


def drilldown_filter(kind: str, *, threshold: int, rings: int = DEFAULT_RINGS) -> Q:
    """Which calls a figure counts: a call without a measured wait is judged on its rings."""
    presented = Q(in_hours=True)
    by_rings = Q(wait_seconds__isnull=True, rings__isnull=False)
    return {
        "tous": Q(),
        "presentes": presented,
        "decroches": presented & Q(outcome=ANSWERED),
        "non-decroches": presented & Q(outcome__in=NOT_ANSWERED),
        "dans-le-delai": presented
        & Q(outcome=ANSWERED)
        & (Q(wait_seconds__lte=threshold) | by_rings & Q(rings__lte=rings)),
        "hors-delai": presented & Q(outcome=ANSWERED) & (Q(wait_seconds__gt=threshold) | by_rings & Q(rings__gt=rings)),
        "attente-inconnue": presented & Q(outcome=ANSWERED, wait_seconds__isnull=True, rings__isnull=True),
        "hors-horaires": Q(in_hours=False),
    }.get(kind, Q())


def calls_behind(
    scope: CallScope, *, kind: str = "tous", rings: int = DEFAULT_RINGS, outcome: str = ""
) -> QuerySet[Call]:
    threshold = threshold_seconds(rings, scope.organisation.ring_cycle_seconds)
    calls = Call.objects.filter(scope.call_filter()).filter(drilldown_filter(kind, threshold=threshold, rings=rings))
    if outcome in CallOutcome.values:
        calls = calls.filter(outcome=outcome)
    return calls.select_related("line", "service").order_by("-started_at", "-pk")


def tallied_calls(organisation: Organisation, day: dt.date) -> QuerySet[Call]:
    """The calls tallied on one local day, newest first (read through the day index)."""
    return (
        Call.objects.filter(organisation=organisation, local_date=day, origin="tally")
        .select_related("line", "entered_by")
        .order_by("-started_at", "-pk")
    )
