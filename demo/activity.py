"""Two years of counter and telephone activity for a demo town, with the patterns a real
town hall shows: a Monday-morning peak, a queue around lunchtime, a summer dip, nothing on
Sundays, public holidays and closure days, Saturday mornings only where a service opens.

Counter tickets go through a small queue simulation per service and day (agents serve
tickets in order, people who wait too long leave), so waits are consistent with the load.
Calls ring on two lines; those presented during opening hours are answered most of the
time, mostly within 5 rings. One week of March is a manual tally (*relevé manuel*) instead
of the exchange's export, as towns do for their yearly telephone survey.

Rows are written in batches (demo.bulk); no summary is computed here: after it, call the
summary refresh of reception and telephony for `activity_months(...)`."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from core.models import Organisation, Service, User
from core.workdays import calendar_for
from demo.bulk import Batches, Row
from demo.patterns import (
    ONE_DAY,
    WEEKDAY_FACTOR,
    DayClock,
    Town,
    agents_by_service,
    arrivals,
    day_factor,
    days_between,
    minutes_of,
    stamp_columns,
    weekly_hours,
)
from demo.phone_activity import add_calls, exchange_source, phone_lines
from reception.models import QueueTicket, TicketStatus, Visit, VisitReason

# Tickets a day at each service on an ordinary Tuesday; others get DEFAULT_TICKETS.
DAILY_TICKETS = {"accueil": 44.0, "etat-civil": 22.0, "accueil-annexe": 10.0}
DEFAULT_TICKETS = 10.0
AGENTS_AT_COUNTER = {"accueil": 2, "etat-civil": 1}
MEDIAN_SERVICE_MINUTES = {"accueil": 8.5, "etat-civil": 7.5, "accueil-annexe": 7.0}
TICKET_PREFIX = {"accueil": "A", "etat-civil": "E", "accueil-annexe": "B"}

VISIT_REASONS = (
    ("Carte d'identité, passeport", "etat-civil"),
    ("Acte de naissance, mariage ou décès", "etat-civil"),
    ("Reconnaissance, mariage, PACS : dossier", "etat-civil"),
    ("Inscription sur les listes électorales", "accueil"),
    ("Recensement citoyen", "accueil"),
    ("Attestation d'accueil, légalisation de signature", "accueil"),
    ("Renseignement, orientation", "accueil"),
)


def visit_reasons(organisation: Organisation, services: dict[str, Service]) -> list[VisitReason]:
    reasons = [
        VisitReason(organisation=organisation, label=label, service=services.get(code), position=position)
        for position, (label, code) in enumerate(VISIT_REASONS)
    ]
    VisitReason.objects.bulk_create(reasons)
    return list(VisitReason.objects.for_org(organisation).order_by("position"))


@dataclass
class QueueDay:
    """One service's queue on one day: who is free when, and the tickets numbered so far."""

    free_at: list[float]
    number: int = 0


def serve_tickets(
    town: Town,
    service: Service,
    day: dt.date,
    rng: random.Random,
    reasons: list[VisitReason],
    redirect_to: Service | None,
    batches: Batches,
) -> None:
    slots = town.hours[service.pk].get(day.weekday(), [])
    per_day = DAILY_TICKETS.get(service.code, DEFAULT_TICKETS) * day_factor(day, rng) / WEEKDAY_FACTOR[1]
    agents = town.agents_of(service.pk)
    clock = DayClock(day, town.organisation.time_zone)
    queue = QueueDay(free_at=[0.0] * AGENTS_AT_COUNTER.get(service.code, 1))
    median = MEDIAN_SERVICE_MINUTES.get(service.code, 5.0)
    own_reasons = [reason for reason in reasons if reason.service_id == service.pk] or reasons
    current_slot = -1
    for minute, slot_index in arrivals(rng, day, slots, per_day):
        if slot_index != current_slot:  # agents come back from lunch at the reopening
            current_slot = slot_index
            reopening = minutes_of(slots[slot_index][0])
            queue.free_at = [max(free, reopening) for free in queue.free_at]
        queue.number += 1
        agent_index = min(range(len(queue.free_at)), key=queue.free_at.__getitem__)
        called = max(minute, queue.free_at[agent_index]) + rng.uniform(0.1, 0.6)
        patience = 15 + rng.expovariate(1 / 35)
        ticket = new_ticket(town, service, clock.at(minute), queue.number, rng.choice(own_reasons))
        if called - minute > patience or rng.random() < 0.01:
            ticket["status"] = TicketStatus.LEFT
        else:
            duration = median * math.exp(rng.gauss(0, 0.5))
            redirected = redirect_to is not None and rng.random() < 0.03
            if redirect_to is not None and redirected:
                duration = rng.uniform(1, 2.5)
            queue.free_at[agent_index] = called + 0.5 + duration
            call_ticket(ticket, clock, called, duration, agents[agent_index % len(agents)])
            if redirect_to is not None and redirected:
                ticket["status"], ticket["redirected_to_id"] = TicketStatus.REDIRECTED, redirect_to.pk
        batches.add(QueueTicket, ticket, "tickets")


def new_ticket(town: Town, service: Service, issued: dt.datetime, number: int, reason: VisitReason) -> Row:
    """A ticket still waiting; `call_ticket` or a LEFT status completes it."""
    prefix = TICKET_PREFIX.get(service.code, service.code[:1].upper())
    return {
        "organisation_id": town.organisation.pk,
        "site_id": service.site_id,
        "service_id": service.pk,
        "reason_id": reason.pk,
        "number": f"{prefix}{number:03d}",
        "status": TicketStatus.WAITING,
        "issued_at": issued,
        "dedupe_key": f"demo-{service.code}-{issued:%Y%m%d}-{number:03d}",
        **stamp_columns(issued, town.organisation.time_zone),
    }


def call_ticket(ticket: Row, clock: DayClock, called: float, duration: float, agent: User | None) -> None:
    ticket["called_at"] = called_at = clock.at(called)
    ticket["started_at"] = clock.at(called + 0.5)
    ticket["ended_at"] = clock.at(called + 0.5 + duration)
    ticket["wait_seconds"] = max(0, round((called_at - ticket["issued_at"]).total_seconds()))
    ticket["status"] = TicketStatus.SERVED
    ticket["agent_id"] = agent.pk if agent else None


def log_visits(
    town: Town, day: dt.date, rng: random.Random, reasons: list[VisitReason], services: list[Service], batches: Batches
) -> None:
    """A few visits logged without a ticket (someone asking the way, dropping a form)."""
    service = services[0]
    slots = town.hours[service.pk].get(day.weekday(), [])
    agents = [agent.pk if agent else None for agent in town.agents_of(service.pk)]
    clock = DayClock(day, town.organisation.time_zone)
    for minute, _ in arrivals(rng, day, slots, 4 * day_factor(day, rng)):
        at = clock.at(minute)
        reason = rng.choice(reasons)
        visit = {
            "organisation_id": town.organisation.pk,
            "site_id": service.site_id,
            "reason_id": reason.pk,
            "oriented_to_id": reason.service_id,
            "at": at,
            "agent_id": rng.choice(agents),
            **stamp_columns(at, town.organisation.time_zone),
        }
        batches.add(Visit, visit, "visits")


def span_start(today: dt.date, years: int, days: int | None) -> dt.date:
    if days is not None:
        return today - dt.timedelta(days=days)
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def activity_months(*, today: dt.date, years: int = 2, days: int | None = None) -> list[dt.date]:
    """The first days of the months `add_activity` writes to, for the summaries' refresh."""
    start, end = span_start(today, years, days), today - ONE_DAY
    months = [start.replace(day=1)]
    while months[-1] < end.replace(day=1):
        months.append((months[-1] + dt.timedelta(days=32)).replace(day=1))
    return months


def add_activity(
    organisation: Organisation, *, rng: random.Random, today: dt.date, years: int = 2, days: int | None = None
) -> dict[str, int]:
    """Counter tickets, visits and calls from `years` years (or `days` days) ago up to the
    day before `today`, and one tallied survey week in March. Returns how many rows of each
    kind were created. Summaries (monthly rollups) are left to their owners' refresh."""
    start, end = span_start(today, years, days), today - ONE_DAY
    services = list(Service.objects.for_org(organisation).select_related("site").order_by("pk"))
    by_code = {service.code: service for service in services}
    town = Town(
        organisation,
        calendar_for(organisation),
        weekly_hours(organisation, services),
        agents_by_service(organisation, services),
    )
    batches = Batches()
    reasons = visit_reasons(organisation, by_code)
    add_counter_activity(town, services, by_code, reasons, (start, end), rng, batches)
    lines = phone_lines(organisation, by_code)
    source = exchange_source(organisation)
    add_calls(town, lines, source, (start, end), rng, batches)
    batches.flush()
    return {
        "visit_reasons": len(reasons),
        "phone_lines": len(lines),
        **{kind: count for kind, count in sorted(batches.written.items())},
    }


def add_counter_activity(
    town: Town,
    services: list[Service],
    by_code: dict[str, Service],
    reasons: list[VisitReason],
    span: tuple[dt.date, dt.date],
    rng: random.Random,
    batches: Batches,
) -> None:
    redirect_to = by_code.get("etat-civil")
    for day in days_between(*span):
        if not town.calendar.is_working_day(day, business=True):
            continue
        for service in services:
            if town.hours[service.pk].get(day.weekday()):
                target = redirect_to if redirect_to is not None and service != redirect_to else None
                serve_tickets(town, service, day, rng, reasons, target, batches)
        if day.weekday() < 5 and services:
            log_visits(town, day, rng, reasons, services, batches)
