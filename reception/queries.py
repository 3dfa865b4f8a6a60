"""Reads of the counter for pages and indicators.

Figures over a period read the monthly summary rows (`TicketMonthSummary`), never the raw
tickets; lists and the live queue read the tickets through their indexed local columns.

Percentiles use the nearest-rank definition: the p-th percentile of n waits sorted in
increasing order is the wait of rank ⌈p × n / 100⌉. Waits are counted in started minutes
(see `models.wait_minute`), so the median and the 90th percentile are the exact nearest-rank
values rounded up to the whole minute."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, IntegerField, Min, Q, QuerySet, Sum

from core.localtime import half_hour_label, local_stamp
from core.models import Organisation, Service, Site, User
from core.periods import Granularity, Period, add_months
from core.stats import nearest_rank
from reception.models import (
    QueueTicket,
    TicketCounts,
    TicketMonthSummary,
    TicketStatus,
    Visit,
    VisitReason,
)

DEFAULT_THRESHOLD_MINUTES = 15
DEFAULT_FIRST_SLOT, DEFAULT_LAST_SLOT = 16, 35  # 08:00 to 18:00
WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass
class TicketFigures:
    """The counter's figures for a set of tickets, read from their additive counts."""

    counts: TicketCounts
    threshold: int = DEFAULT_THRESHOLD_MINUTES

    @property
    def within(self) -> int:
        return sum(count for minutes, count in self.counts.waits.items() if minutes <= self.threshold)

    @property
    def beyond(self) -> int:
        return self.counts.called - self.within

    @property
    def share_within(self) -> float | None:
        return 100 * self.within / self.counts.called if self.counts.called else None

    @property
    def median(self) -> int | None:
        return nearest_rank(self.counts.waits, 50)

    @property
    def p90(self) -> int | None:
        return nearest_rank(self.counts.waits, 90)

    @property
    def mean_service_minutes(self) -> float | None:
        if not self.counts.service_count:
            return None
        return self.counts.service_seconds / self.counts.service_count / 60

    @property
    def left_after_call(self) -> int:
        return self.counts.left - self.counts.left_uncalled

    @property
    def share_left_uncalled(self) -> float | None:
        return 100 * self.counts.left_uncalled / self.counts.issued if self.counts.issued else None


# Summaries rebuilt from the tickets

SummaryKey = tuple[dt.date, int, int | None]  # local month, site id, service id


def ticket_counts_by_month(organisation: Organisation, months: list[dt.date]) -> dict[SummaryKey, TicketCounts]:
    """The additive counts of the tickets of these months per site and service, grouped in
    the database (the same definitions as TicketCounts.of, which keeps them up to date)."""
    tickets = QueueTicket.objects.filter(organisation=organisation, local_month__in=months).order_by()
    keys = ("local_month", "site_id", "service_id")
    totals: dict[SummaryKey, TicketCounts] = defaultdict(TicketCounts)
    left = Q(status=TicketStatus.LEFT)
    for row in tickets.values(*keys).annotate(
        issued=Count("pk"),
        called=Count("pk", filter=Q(called_at__isnull=False)),
        served=Count("pk", filter=Q(status=TicketStatus.SERVED)),
        left=Count("pk", filter=left),
        left_uncalled=Count("pk", filter=left & Q(called_at__isnull=True)),
        redirected=Count("pk", filter=Q(status=TicketStatus.REDIRECTED)),
    ):
        counts = totals[(row["local_month"], row["site_id"], row["service_id"])]
        for name in ("issued", "called", "served", "left", "left_uncalled", "redirected"):
            setattr(counts, name, row[name])
    minute = ExpressionWrapper((F("wait_seconds") + 59) / 60, output_field=IntegerField())
    called = tickets.filter(called_at__isnull=False, wait_seconds__isnull=False)
    for row in called.values(*keys, minute=minute).annotate(count=Count("pk")):
        totals[(row["local_month"], row["site_id"], row["service_id"])].waits[row["minute"]] += row["count"]
    for row in tickets.values(*keys, "weekday", "half_hour").annotate(count=Count("pk")):
        slot = row["weekday"] * 48 + row["half_hour"]
        totals[(row["local_month"], row["site_id"], row["service_id"])].arrivals[slot] += row["count"]
    # Times are stored to the second (actions.to_the_second), so the sum of the durations in
    # the database equals the sum of each ticket's whole seconds.
    duration = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    timed = tickets.filter(
        status=TicketStatus.SERVED,
        started_at__isnull=False,
        ended_at__isnull=False,
        ended_at__gte=F("started_at"),
    )
    for row in timed.values(*keys).annotate(count=Count("pk"), total=Sum(duration)):
        counts = totals[(row["local_month"], row["site_id"], row["service_id"])]
        counts.service_count = row["count"]
        counts.service_seconds = int(row["total"].total_seconds())
    return dict(totals)


# Live queue


def waiting_tickets(
    organisation: Organisation, site: Site, service: Service | None, today: dt.date
) -> QuerySet[QueueTicket]:
    """Today's queue at a site (and for one service) in the order of the calls: priority
    tickets first, then first issued first."""
    queue = QueueTicket.objects.filter(
        organisation=organisation, site=site, local_date=today, status=TicketStatus.WAITING
    )
    if service is not None:
        queue = queue.filter(service=service)
    return queue.order_by("-is_priority", "issued_at", "pk")


def people_ahead(ticket: QueueTicket) -> int:
    """How many people of its site's queue will be called before this waiting ticket: every
    priority ticket and the earlier ones for an ordinary ticket; the earlier priority tickets
    for a priority one (the order of `waiting_tickets`)."""
    earlier = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, pk__lt=ticket.pk)
    ahead = Q(is_priority=True) & earlier if ticket.is_priority else Q(is_priority=True) | earlier
    queue = QueueTicket.objects.filter(
        organisation_id=ticket.organisation_id,
        site_id=ticket.site_id,
        local_date=ticket.local_date,
        status=TicketStatus.WAITING,
    )
    return queue.exclude(pk=ticket.pk).filter(ahead).count()


@dataclass(frozen=True)
class QueueState:
    waiting: int
    longest_wait_seconds: int | None

    @property
    def longest_wait_minutes(self) -> int | None:
        return None if self.longest_wait_seconds is None else self.longest_wait_seconds // 60


def queue_state(organisation: Organisation, site: Site, service: Service | None, now: dt.datetime) -> QueueState:
    """How many people wait now and for how long the first of them has waited."""
    queue = waiting_tickets(organisation, site, service, local_stamp(now, organisation.time_zone).local_date).order_by()
    found = queue.aggregate(waiting=Count("pk"), first=Min("issued_at"))
    first = found["first"]
    longest = max(0, int((now - first).total_seconds())) if first else None
    return QueueState(found["waiting"], longest)


def current_ticket(organisation: Organisation, site: Site, agent: User, today: dt.date) -> QueueTicket | None:
    """The ticket the agent called or serves now at this site, the latest first."""
    return (
        QueueTicket.objects.filter(
            organisation=organisation,
            site=site,
            local_date=today,
            agent=agent,
            status__in=[TicketStatus.CALLED, TicketStatus.IN_SERVICE],
        )
        .select_related("reason", "service")
        .order_by("-called_at", "-pk")
        .first()
    )


# Figures from the monthly summaries


def _summaries(
    organisation: Organisation, start: dt.date, end: dt.date, site: Site | None, service: Service | None
) -> QuerySet[TicketMonthSummary]:
    rows = TicketMonthSummary.objects.filter(organisation=organisation, local_month__gte=start, local_month__lt=end)
    if site is not None:
        rows = rows.filter(site=site)
    if service is not None:
        rows = rows.filter(service=service)
    return rows


def town_summaries(organisation: Organisation, period: Period) -> list[TicketMonthSummary]:
    """The summary rows of the whole town for the period, that every counter metric of every
    site and service of the period can share (`ticket_counts`)."""
    return list(_summaries(organisation, period.start, period.end, None, None))


def ticket_counts(
    *, organisation: Organisation, period: Period, site: Site | None = None, service: Service | None = None
) -> TicketCounts:
    return counts_of_summaries(_summaries(organisation, period.start, period.end, site, service))


def counts_of_summaries(rows: Iterable[TicketMonthSummary]) -> TicketCounts:
    """The counts of summary rows added up (`_summaries`, `town_summaries`)."""
    total = TicketCounts()
    for row in rows:
        total.add(row.counts())
    return total


def monthly_counts(
    *, organisation: Organisation, months: list[Period], site: Site | None = None, service: Service | None = None
) -> list[tuple[Period, TicketCounts]]:
    by_month: dict[dt.date, TicketCounts] = {month.start: TicketCounts() for month in months}
    for row in _summaries(organisation, months[0].start, months[-1].end, site, service):
        by_month[row.local_month].add(row.counts())
    return [(month, by_month[month.start]) for month in months]


def chart_months(period: Period) -> list[Period]:
    """The months a monthly chart shows: those of the period, or the 12 ending with a month."""
    if period.granularity != Granularity.MONTH:
        return period.months()
    return [Period(add_months(period.start, offset), Granularity.MONTH) for offset in range(-11, 1)]


# Visits


def _visits(organisation: Organisation, period: Period, site: Site | None, service: Service | None) -> QuerySet[Visit]:
    visits = Visit.objects.filter(organisation=organisation, local_month__gte=period.start, local_month__lt=period.end)
    if site is not None:
        visits = visits.filter(site=site)
    if service is not None:
        visits = visits.filter(reason__service=service)
    return visits


@dataclass(frozen=True)
class CountRow:
    label: str
    pk: int | None
    count: int


def visits_by(
    field_name: str, *, organisation: Organisation, period: Period, site: Site | None, service: Service | None
) -> list[CountRow]:
    """Visits counted by reason ("reason") or by orientation ("oriented_to"), most first."""
    label_of = {"reason": "reason__label", "oriented_to": "oriented_to__name"}[field_name]
    empty = {"reason": "Sans motif", "oriented_to": "Non orienté"}[field_name]
    rows = (
        _visits(organisation, period, site, service)
        .values(field_name, label_of)
        .annotate(count=Count("pk"))
        .order_by("-count", label_of)
    )
    return [CountRow(row[label_of] or empty, row[field_name], row["count"]) for row in rows]


def visit_arrivals(
    *, organisation: Organisation, period: Period, site: Site | None, service: Service | None
) -> Counter[int]:
    rows = _visits(organisation, period, site, service).values("weekday", "half_hour").annotate(count=Count("pk"))
    return Counter({row["weekday"] * 48 + row["half_hour"]: row["count"] for row in rows.order_by()})


# The figures page


@dataclass
class HeatTable:
    weekdays: list[int]
    rows: list[tuple[str, list[int]]]  # (half-hour label, counts per weekday)
    total: int

    @property
    def weekday_names(self) -> list[str]:
        return [WEEKDAY_NAMES[day] for day in self.weekdays]


def heat_table(arrivals: Counter[int]) -> tuple[HeatTable, str]:
    """The weekday × half-hour table of arrivals and its heat map SVG."""
    cells: dict[tuple[int, int], float] = {(key // 48, key % 48): count for key, count in arrivals.items() if count}
    slots = [slot for _, slot in cells]
    first = min([*slots, DEFAULT_FIRST_SLOT])
    last = max([*slots, DEFAULT_LAST_SLOT])
    weekdays = sorted({day for day, _ in cells} | set(range(5)))
    rows = [
        (half_hour_label(slot), [int(cells.get((day, slot), 0)) for day in weekdays]) for slot in range(first, last + 1)
    ]
    from documents.charts import heatmap  # matplotlib loads only when a page draws

    svg = heatmap(
        cells, title="Arrivées au guichet par jour de la semaine et par demi-heure", first_slot=first, last_slot=last
    )
    return HeatTable(weekdays, rows, int(sum(cells.values()))), svg


SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def month_short(month: Period) -> str:
    """A chart label on two lines: "avr." over "2026"."""
    return f"{SHORT_MONTHS[month.start.month - 1]}\n{month.start.year}"


@dataclass
class FiguresPage:
    period: Period
    figures: TicketFigures
    months: list[tuple[Period, TicketFigures]]
    monthly_svg: str
    heat: HeatTable
    heat_svg: str
    by_reason: list[CountRow]
    by_orientation: list[CountRow]
    visits_total: int


def figures_page(
    *, organisation: Organisation, period: Period, site: Site | None, service: Service | None, threshold: int
) -> FiguresPage:
    figures = TicketFigures(
        ticket_counts(organisation=organisation, period=period, site=site, service=service), threshold
    )
    months = [
        (month, TicketFigures(counts, threshold))
        for month, counts in monthly_counts(
            organisation=organisation, months=chart_months(period), site=site, service=service
        )
    ]
    from documents.charts import bar_chart

    monthly_svg = bar_chart(
        [month_short(month) for month, _ in months],
        {
            "Tickets émis": [item.counts.issued for _, item in months],
            f"Appelés en {threshold} min au plus": [item.within for _, item in months],
        },
        title=f"Tickets émis et appelés en {threshold} minutes au plus, par mois",
        unit="tickets",
    )
    scope: dict[str, Any] = {"organisation": organisation, "period": period, "site": site, "service": service}
    arrivals = figures.counts.arrivals + visit_arrivals(**scope)
    heat, heat_svg = heat_table(arrivals)
    by_reason = visits_by("reason", **scope)
    return FiguresPage(
        period=period,
        figures=figures,
        months=months,
        monthly_svg=monthly_svg,
        heat=heat,
        heat_svg=heat_svg,
        by_reason=by_reason,
        by_orientation=visits_by("oriented_to", **scope),
        visits_total=sum(row.count for row in by_reason),
    )


# Lists behind the figures


class TicketView:
    """Named subsets of tickets, the records behind each figure."""

    CALLED = "appeles"
    WITHIN = "dans-le-delai"
    BEYOND = "hors-delai"
    LEFT_UNCALLED = "partis-sans-appel"
    LEFT_AFTER_CALL = "partis-apres-appel"
    SERVED_TIMED = "servis"

    CHOICES = [
        ("", "Tous les tickets"),
        (CALLED, "Appelés"),
        (WITHIN, "Appelés dans le délai"),
        (BEYOND, "Appelés au-delà du délai"),
        (LEFT_UNCALLED, "Partis sans être appelés"),
        (LEFT_AFTER_CALL, "Partis après l'appel"),
        (SERVED_TIMED, "Servis"),
    ]


def _view_filter(view: str, threshold: int) -> Q:
    limit = threshold * 60
    return {
        "": Q(),
        TicketView.CALLED: Q(called_at__isnull=False),
        TicketView.WITHIN: Q(called_at__isnull=False, wait_seconds__lte=limit),
        TicketView.BEYOND: Q(called_at__isnull=False, wait_seconds__gt=limit),
        TicketView.LEFT_UNCALLED: Q(status=TicketStatus.LEFT, called_at__isnull=True),
        TicketView.LEFT_AFTER_CALL: Q(status=TicketStatus.LEFT, called_at__isnull=False),
        TicketView.SERVED_TIMED: Q(status=TicketStatus.SERVED),
    }[view]


def ticket_list(
    *,
    organisation: Organisation,
    period: Period,
    site: Site | None = None,
    service: Service | None = None,
    status: str = "",
    reason: VisitReason | None = None,
    view: str = "",
    threshold: int = DEFAULT_THRESHOLD_MINUTES,
) -> QuerySet[QueueTicket]:
    tickets = QueueTicket.objects.filter(
        organisation=organisation, local_month__gte=period.start, local_month__lt=period.end
    )
    if site is not None:
        tickets = tickets.filter(site=site)
    if service is not None:
        tickets = tickets.filter(service=service)
    if status:
        tickets = tickets.filter(status=status)
    if reason is not None:
        tickets = tickets.filter(reason=reason)
    tickets = tickets.filter(_view_filter(view, threshold))
    return tickets.select_related("site", "service", "reason", "redirected_to").order_by("-issued_at", "-pk")


def visit_list(
    *,
    organisation: Organisation,
    period: Period,
    site: Site | None = None,
    service: Service | None = None,
    reason: VisitReason | None = None,
    oriented_to: Service | None = None,
    unoriented: bool = False,
) -> QuerySet[Visit]:
    visits = _visits(organisation, period, site, service)
    if reason is not None:
        visits = visits.filter(reason=reason)
    if oriented_to is not None:
        visits = visits.filter(oriented_to=oriented_to)
    if unoriented:
        visits = visits.filter(oriented_to__isnull=True)
    return visits.select_related("site", "reason", "oriented_to", "agent").order_by("-at", "-pk")


def todays_visits(organisation: Organisation, site: Site, today: dt.date) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(organisation=organisation, site=site, local_date=today)
        .select_related("reason", "oriented_to")
        .order_by("-at", "-pk")
    )


def active_reasons(organisation: Organisation) -> QuerySet[VisitReason]:
    return VisitReason.objects.filter(organisation=organisation, is_active=True).select_related("service")
