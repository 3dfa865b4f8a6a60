"""What the waiting-room screen shows (/borne/<town>/salle-attente/): the numbers called at the
tablet's site today with the counter to go to, the latest first, and the estimated wait of
each service.

The estimated wait of a service (docs/reception.md, "The waiting-room screen"):

    median service time of the last 10 tickets of the service served today at the site
    × people waiting for the service ÷ counters open for the service

shown as « moins de 5 min », else rounded up to the next 5 minutes (« environ 15 min »),
« plus de 2 h » beyond two hours, and not at all with fewer than 3 served tickets today (not
enough data). A counter is open when it called a ticket of the service in the last 30 minutes
or still has one called or in service; at least one. Service time = end − start, as in
domain.md. Priority tickets count like the others: they are people waiting."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.localtime import local_stamp
from core.models import Organisation, Site
from core.stats import nearest_rank
from reception.models import QueueTicket, TicketEvent, TicketStatus, service_seconds_between

CALLS_SHOWN = 5  # the latest call and the four before it
RECENT_SERVED = 10  # N: the service times of the last N tickets served today
MIN_SERVED = 3  # fewer served tickets today: no estimate
OPEN_WINDOW = dt.timedelta(minutes=30)  # a counter that called within this is open
STEP_MINUTES = 5
LONGEST_SHOWN_MINUTES = 120
NO_SERVICE_LABEL = "Autres demandes"
POLL_SECONDS = 5  # the screen's script asks for the board this often
RELOAD_SECONDS = 20  # without JavaScript, the page reloads itself this often


# The estimate: pure functions, tested on known cases


def estimated_wait_minutes(*, service_seconds: Iterable[int], waiting: int, counters: int) -> float | None:
    """Median service time × people waiting ÷ counters open, in minutes; None with fewer than
    MIN_SERVED service times. `service_seconds` holds the last RECENT_SERVED ones."""
    times = Counter(service_seconds)
    if sum(times.values()) < MIN_SERVED:
        return None
    median = nearest_rank(times, 50)
    assert median is not None
    return median * waiting / max(counters, 1) / 60


def wait_label(minutes: float | None) -> str:
    """« moins de 5 min », « environ 15 min » (rounded up to 5 minutes), « plus de 2 h »; ""
    when there is no estimate."""
    if minutes is None:
        return ""
    if minutes < STEP_MINUTES:
        return f"moins de {STEP_MINUTES} min"
    if minutes > LONGEST_SHOWN_MINUTES:
        return f"plus de {LONGEST_SHOWN_MINUTES // 60} h"
    rounded = STEP_MINUTES * math.ceil(minutes / STEP_MINUTES)
    return f"environ {rounded // 60} h {rounded % 60:02d}" if rounded >= 60 else f"environ {rounded} min"


@dataclass
class ServiceDay:
    """What today's tickets of one service at one site say about its queue."""

    label: str
    waiting: int = 0
    served: list[tuple[dt.datetime, int]] = field(default_factory=list)  # (ended at, service seconds)
    counters: set[str] = field(default_factory=set)

    def add(self, ticket: dict[str, Any], now: dt.datetime) -> None:
        status = ticket["status"]
        if status == TicketStatus.WAITING:
            self.waiting += 1
        seconds = service_seconds_between(ticket["started_at"], ticket["ended_at"])
        if status == TicketStatus.SERVED and seconds is not None:
            self.served.append((ticket["ended_at"], seconds))
        called = ticket["called_at"]
        busy = status in (TicketStatus.CALLED, TicketStatus.IN_SERVICE)
        if busy or (called is not None and called >= now - OPEN_WINDOW):
            self.counters.add(ticket["counter"] or f"agent:{ticket['agent_id']}")

    @property
    def minutes(self) -> float | None:
        latest = [seconds for _, seconds in sorted(self.served, reverse=True)[:RECENT_SERVED]]
        return estimated_wait_minutes(service_seconds=latest, waiting=self.waiting, counters=len(self.counters))

    @property
    def estimate(self) -> str:
        return wait_label(self.minutes)


TICKET_COLUMNS = ("service_id", "service__name", "status", "called_at", "started_at", "ended_at", "counter", "agent_id")


def service_days(tickets: Iterable[dict[str, Any]], now: dt.datetime) -> list[ServiceDay]:
    """Today's tickets of a site (dicts of TICKET_COLUMNS) grouped by service, by name."""
    days: dict[int | None, ServiceDay] = {}
    for ticket in tickets:
        key = ticket["service_id"]
        if key not in days:
            days[key] = ServiceDay(label=ticket["service__name"] or NO_SERVICE_LABEL)
        days[key].add(ticket, now)
    return sorted(days.values(), key=lambda day: (day.label == NO_SERVICE_LABEL, day.label))


# Reads for the screen


@dataclass(frozen=True)
class Call:
    """A call shown on the screen: `key` (the call's log row) changes with each call or recall,
    so that the screen knows a new one came."""

    key: int
    number: str
    counter: str


def recent_calls(organisation: Organisation, site: Site, today: dt.date) -> list[Call]:
    """The tickets called (or called again) today at the site, the latest call first, each
    ticket once, CALLS_SHOWN at most."""
    events = (
        TicketEvent.objects.filter(
            organisation=organisation,
            action__in=("call", "recall"),
            ticket__site=site,
            ticket__local_date=today,
            ticket__organisation=organisation,
        )
        .order_by("-at", "-pk")
        .values_list("pk", "ticket_id", "ticket__number", "ticket__counter")[: CALLS_SHOWN * 3]
    )
    calls: dict[int, Call] = {}
    for key, ticket_id, number, counter in events:
        if ticket_id not in calls:
            calls[ticket_id] = Call(key=key, number=number, counter=counter)
    return list(calls.values())[:CALLS_SHOWN]


@dataclass(frozen=True)
class Board:
    calls: list[Call]
    services: list[ServiceDay]
    now: dt.datetime

    @property
    def latest(self) -> Call | None:
        return self.calls[0] if self.calls else None

    @property
    def earlier(self) -> list[Call]:
        return self.calls[1:]


def waiting_room_board(organisation: Organisation, site: Site, now: dt.datetime) -> Board:
    """Everything the screen shows, in two queries whatever the day's number of tickets."""
    today = local_stamp(now, organisation.time_zone).local_date
    tickets = QueueTicket.objects.filter(organisation=organisation, site=site, local_date=today).order_by()
    by_service = service_days(tickets.values(*TICKET_COLUMNS), now)
    return Board(calls=recent_calls(organisation, site, today), services=by_service, now=now)
