"""The counter: queue tickets and visits logged without tickets.

A ticket moves through a declared transitions table (`TRANSITIONS`, shown on the pages as
`MOVES`); each move is written by `reception.actions.apply_transition` through the workflow
engine (core.workflow), with a log row (`TicketEvent`) and an audit event. Monthly summary rows
(`TicketMonthSummary`) hold additive counts of tickets, so that figures and indicators read a
few rows instead of scanning the raw tickets."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from core.models import OrgOwned, Service, Site, User
from core.workflow import Transition, WorkflowEvent
from imports.models import ImportSource


class VisitReason(OrgOwned):
    """A reason a person comes to the counter, tapped on the kiosk or by the agent."""

    label = models.CharField("motif", max_length=120)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="service concerné"
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "motif de visite"
        constraints = [models.UniqueConstraint(fields=["organisation", "label"], name="visit_reason_unique_label")]

    def __str__(self) -> str:
        return self.label


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "en attente"
    CALLED = "called", "appelé"
    IN_SERVICE = "in_service", "en cours"
    SERVED = "served", "servi"
    LEFT = "left", "parti sans être servi"
    REDIRECTED = "redirected", "réorienté"


S = TicketStatus

# The workflow: which step may follow which (reception.actions runs it with core.workflow).
TRANSITIONS: dict[str, Transition] = {
    "create": Transition("émission", frozenset(), S.WAITING),
    "call": Transition("appel", frozenset({S.WAITING}), S.CALLED),
    "recall": Transition("rappel", frozenset({S.CALLED}), S.CALLED),
    "start": Transition("début du service", frozenset({S.CALLED}), S.IN_SERVICE),
    "end": Transition("fin du service", frozenset({S.IN_SERVICE}), S.SERVED),
    "leave": Transition("départ", frozenset({S.WAITING, S.CALLED}), S.LEFT),
    "redirect": Transition("réorientation", frozenset({S.WAITING, S.CALLED, S.IN_SERVICE}), S.REDIRECTED),
    # Run by the daily rule (reception.actions.close_waiting_tickets), never by an agent.
    "close_at_closing": Transition("clôture à la fermeture", frozenset({S.WAITING}), S.LEFT),
}


@dataclass(frozen=True)
class Move:
    """How the counter's pages show a step of TRANSITIONS."""

    name: str
    slug: str  # in the URL
    button: str  # what the agent taps
    title: str  # the page that confirms the move: "{title} 007"
    infinitive: str  # in the refusal message: "impossible de {infinitive}"


# step, URL slug, button, confirmation title, "impossible de …"
MOVES: dict[str, Move] = {
    move.name: move
    for move in [
        Move("call", "appeler", "Appeler", "Appeler le ticket", "l'appeler"),
        Move("recall", "rappeler", "Rappeler", "Rappeler le ticket", "le rappeler"),
        Move("start", "commencer", "Commencer", "Commencer le service du ticket", "commencer son service"),
        Move("end", "terminer", "Terminer", "Terminer le service du ticket", "terminer son service"),
        Move("leave", "parti", "Parti", "Marquer parti le ticket", "le marquer parti"),
        Move("redirect", "reorienter", "Réorienter", "Réorienter le ticket", "le réorienter"),
    ]
}
OPEN_STATUSES = (S.WAITING, S.CALLED, S.IN_SERVICE)
COUNTER_MAX_LENGTH = 20


def wait_minute(wait_seconds: int) -> int:
    """The started minutes of a wait: 0 s → 0, 1–60 s → 1, 61–120 s → 2… So "wait ≤ N min"
    is exactly "started minutes ≤ N", and percentiles in started minutes are the exact
    percentiles rounded up to the minute (rounding up keeps the order of the waits)."""
    return (wait_seconds + 59) // 60


def service_seconds_between(started: dt.datetime | None, ended: dt.datetime | None) -> int | None:
    if started is None or ended is None or ended < started:
        return None
    return int((ended - started).total_seconds())


def duration_label(seconds: int | None) -> str:
    """4 min 10 s, 1 h 05 min, 45 s; an em dash when unknown."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


class QueueTicket(OrgOwned):
    """A ticket of the counter queue. Wait = called_at − issued_at; service time =
    ended_at − started_at. The local day, month, weekday and half-hour of issue are stored
    for indexed aggregation."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    reason = models.ForeignKey(
        VisitReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="motif"
    )
    number = models.CharField("numéro", max_length=12)
    status = models.CharField("état", max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    issued_at = models.DateTimeField("émis à")
    called_at = models.DateTimeField("appelé à", null=True, blank=True)
    started_at = models.DateTimeField("début du service", null=True, blank=True)
    ended_at = models.DateTimeField("fin du service", null=True, blank=True)
    wait_seconds = models.PositiveIntegerField("attente (s)", null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField("rappels", default=0)
    # Served before the others (reduced mobility, pregnancy…); its wait is measured like any other.
    is_priority = models.BooleanField("prioritaire", default=False, db_default=False)
    # The counter the person is called to ("Guichet 2"), shown on the waiting-room screen;
    # set by the call, a recall or the start of the service. Never an agent's name.
    counter = models.CharField("guichet", max_length=COUNTER_MAX_LENGTH, blank=True, default="", db_default="")
    redirected_to = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="réorienté vers"
    )
    agent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="agent"
    )
    local_date = models.DateField()
    local_month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    half_hour = models.PositiveSmallIntegerField()
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dedupe_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "ticket"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedupe_key"], name="ticket_unique_dedupe_key"),
            # Numbers issued here are unique per site and day; imported numbers follow their system.
            models.UniqueConstraint(
                fields=["organisation", "site", "local_date", "number"],
                condition=Q(source__isnull=True),
                name="ticket_unique_number_per_day",
            ),
            models.CheckConstraint(
                condition=Q(called_at__isnull=True) | Q(called_at__gte=models.F("issued_at")),
                name="ticket_called_after_issue",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "local_month", "service", "status", "wait_seconds"], name="ticket_month_idx"
            ),
            models.Index(fields=["organisation", "site", "local_date", "status"], name="ticket_day_idx"),
        ]

    def __str__(self) -> str:
        return f"Ticket {self.number} du {self.local_date:%d/%m/%Y}"

    def allows(self, step: str) -> bool:
        return self.status in TRANSITIONS[step].allowed_from

    def status_implied_by_times(self, *, day_over: bool) -> TicketStatus:
        """The status its times say it reached. Once the day is over (an imported ticket), a
        ticket called or served was served and one never called left; during the day it is
        where its last time puts it."""
        if day_over:
            return S.SERVED if self.called_at is not None or self.started_at is not None else S.LEFT
        if self.ended_at is not None:
            return S.SERVED
        if self.started_at is not None:
            return S.IN_SERVICE
        return S.CALLED if self.called_at is not None else S.WAITING

    def waiting_seconds(self, now: dt.datetime) -> int:
        """How long the person has waited at `now` (while waiting) or waited (once called)."""
        if self.wait_seconds is not None:
            return self.wait_seconds
        return max(0, int((now - self.issued_at).total_seconds()))

    @property
    def service_seconds(self) -> int | None:
        """Whole seconds from start to end of service; None without both times or when the
        end comes before the start (a clock error in an imported file)."""
        return service_seconds_between(self.started_at, self.ended_at)

    @property
    def wait_label(self) -> str:
        return duration_label(self.wait_seconds)

    @property
    def service_label(self) -> str:
        return duration_label(self.service_seconds)

    def counts(self) -> TicketCounts:
        """What this ticket adds to its month's summary row."""
        return TicketCounts.of(
            status=self.status,
            called=self.called_at is not None,
            wait_seconds=self.wait_seconds,
            service_seconds=self.service_seconds,
            weekday=self.weekday,
            half_hour=self.half_hour,
        )


class TicketEvent(WorkflowEvent):
    """The workflow log of the counter (core.workflow.WorkflowEvent): one row per step of a ticket."""

    ticket = models.ForeignKey(QueueTicket, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("ancien état", max_length=12, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField("nouvel état", max_length=12, choices=TicketStatus.choices)

    RECORD_FIELD = "ticket"

    class Meta(WorkflowEvent.Meta):
        verbose_name = "étape d'un ticket"
        verbose_name_plural = "étapes des tickets"
        indexes = [models.Index(fields=["organisation", "ticket", "at"], name="ticket_event_idx")]


COUNTERS = ("issued", "called", "served", "left", "left_uncalled", "redirected", "service_count", "service_seconds")


@dataclass
class TicketCounts:
    """Additive counts of tickets: what one ticket, a summary row or a sum of rows holds.
    `waits[m]` counts the called tickets whose wait is `m` started minutes (see wait_minute);
    `arrivals[weekday * 48 + half_hour]` counts the tickets issued in that slot."""

    issued: int = 0
    called: int = 0
    served: int = 0
    left: int = 0
    left_uncalled: int = 0
    redirected: int = 0
    service_count: int = 0
    service_seconds: int = 0
    waits: Counter[int] = field(default_factory=Counter)
    arrivals: Counter[int] = field(default_factory=Counter)

    @classmethod
    def of(
        cls,
        *,
        status: str,
        called: bool,
        wait_seconds: int | None,
        service_seconds: int | None,
        weekday: int,
        half_hour: int,
    ) -> TicketCounts:
        served_time = status == S.SERVED and service_seconds is not None
        return cls(
            issued=1,
            called=int(called),
            served=int(status == S.SERVED),
            left=int(status == S.LEFT),
            left_uncalled=int(status == S.LEFT and not called),
            redirected=int(status == S.REDIRECTED),
            service_count=int(served_time),
            service_seconds=service_seconds if served_time and service_seconds else 0,
            waits=Counter({wait_minute(wait_seconds): 1}) if called and wait_seconds is not None else Counter(),
            arrivals=Counter({weekday * 48 + half_hour: 1}),
        )

    def add(self, other: TicketCounts, sign: int = 1) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))
        for mine, theirs in ((self.waits, other.waits), (self.arrivals, other.arrivals)):
            for key, count in theirs.items():
                mine[key] += sign * count
                if not mine[key]:
                    del mine[key]


class TicketMonthSummary(OrgOwned):
    """Additive counts of the tickets issued in one local month, at one site, for one service
    (or none). Rebuilt from the tickets by `reception.actions.refresh_ticket_summaries`, and
    kept up to date in the transaction of every ticket change."""

    local_month = models.DateField()
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    issued = models.PositiveIntegerField(default=0)
    called = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    left_uncalled = models.PositiveIntegerField(default=0)
    redirected = models.PositiveIntegerField(default=0)
    service_count = models.PositiveIntegerField(default=0)
    service_seconds = models.PositiveBigIntegerField(default=0)
    wait_minutes = models.JSONField(default=dict)  # {"started minutes": count}
    arrivals = models.JSONField(default=dict)  # {"weekday * 48 + half_hour": count}

    class Meta:
        verbose_name = "synthèse mensuelle des tickets"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "local_month", "site", "service"],
                condition=Q(service__isnull=False),
                name="ticket_summary_unique_service",
            ),
            models.UniqueConstraint(
                fields=["organisation", "local_month", "site"],
                condition=Q(service__isnull=True),
                name="ticket_summary_unique_no_service",
            ),
        ]

    def __str__(self) -> str:
        return f"Tickets {self.local_month:%m/%Y}"

    def counts(self) -> TicketCounts:
        return TicketCounts(
            **{name: getattr(self, name) for name in COUNTERS},
            waits=Counter({int(key): count for key, count in self.wait_minutes.items()}),
            arrivals=Counter({int(key): count for key, count in self.arrivals.items()}),
        )

    def store(self, counts: TicketCounts) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(counts, name))
        self.wait_minutes = {str(key): count for key, count in sorted(counts.waits.items())}
        self.arrivals = {str(key): count for key, count in sorted(counts.arrivals.items())}


class Visit(OrgOwned):
    """A visit logged without a ticket: its reason and where the person was sent."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    reason = models.ForeignKey(
        VisitReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="motif"
    )
    oriented_to = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="orienté vers"
    )
    at = models.DateTimeField("date et heure")
    agent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="agent"
    )
    local_date = models.DateField()
    local_month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    half_hour = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]
        verbose_name = "visite"
        indexes = [
            models.Index(fields=["organisation", "local_month", "site"], name="visit_month_idx"),
            models.Index(fields=["organisation", "site", "local_date"], name="visit_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reason or 'Visite'} {self.local_date:%d/%m/%Y}"
