"""What the agents' pages read and show of appointments: the day's list at a site, the buttons
each appointment offers at the counter, its history in French, and how indicator 9.1 counted
each appointment of a period (the drill-down). Reads only: the steps go through
appointments.actions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from appointments.actions import WORKFLOW
from appointments.metrics import Punctuality
from appointments.models import TRANSITIONS, Appointment, AppointmentEvent, AppointmentStatus
from core.journal import person_name
from core.models import Organisation, Service, Site

# The counter's steps, in the order of a visit, with the words of their buttons.
COUNTER_STEPS = {
    "check_in": "Arrivé",
    "start": "Commencer",
    "end": "Terminer",
    "no_show": "Absent",
}
STEP_DONE = {
    "check_in": "arrivée notée",
    "start": "rendez-vous commencé",
    "end": "rendez-vous terminé",
    "no_show": "absence notée",
}


def day_appointments(
    organisation: Organisation, day: dt.date, *, site: Site | None = None, service: Service | None = None
) -> QuerySet[Appointment]:
    """The appointments of a local day (cancelled ones too), by time, on the day index."""
    found = Appointment.objects.for_org(organisation).filter(local_date=day)
    if site is not None:
        found = found.filter(site=site)
    if service is not None:
        found = found.filter(service=service)
    return found.select_related("kind", "service", "site").order_by("scheduled_at", "pk")


def counter_steps(appointment: Appointment, now: dt.datetime) -> list[tuple[str, str]]:
    """(step, button label) the appointment allows now: no-show only once its time has come."""
    allowed = WORKFLOW.allowed_steps(appointment)
    return [
        (step, label)
        for step, label in COUNTER_STEPS.items()
        if step in allowed and (step != "no_show" or appointment.scheduled_at <= now)
    ]


def waiting_since(appointment: Appointment) -> dt.datetime | None:
    """When the citizen arrived, while they wait to be received."""
    return appointment.arrived_at if appointment.status == AppointmentStatus.ARRIVED else None


def waiting_minutes(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - since).total_seconds()) // 60)


@dataclass(frozen=True)
class DayRow:
    appointment: Appointment
    steps: list[tuple[str, str]]
    waiting_since: dt.datetime | None
    waited: int | None  # minutes, at the time the page was made


def day_rows(appointments: Iterable[Appointment], now: dt.datetime) -> list[DayRow]:
    rows = []
    for appointment in appointments:
        since = waiting_since(appointment)
        waited = waiting_minutes(since, now) if since is not None else None
        rows.append(DayRow(appointment, counter_steps(appointment, now), since, waited))
    return rows


def status_counts(rows: Iterable[DayRow]) -> list[tuple[str, int]]:
    """(status label, count) of the day, in the order of the statuses, zeros left out."""
    counts = Counter(row.appointment.status for row in rows)
    return [(label, counts[value]) for value, label in AppointmentStatus.choices if counts[value]]


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    person: str
    step: str
    status: str


def history(appointment: Appointment) -> list[HistoryRow]:
    """The appointment's workflow log, oldest first, in French (no personal data in it)."""
    events = AppointmentEvent.objects.filter(appointment=appointment).select_related("actor").order_by("at", "pk")
    return [
        HistoryRow(
            at=event.at,
            person=person_name(event),
            step=TRANSITIONS[event.action].label if event.action in TRANSITIONS else event.action,
            status=AppointmentStatus(event.to_status).label if event.to_status in AppointmentStatus.values else "",
        )
        for event in events
    ]


# Indicator 9.1's drill-down: how each appointment of the period counted

ON_TIME, LATE, ARRIVED_LATE, NO_SHOW = "on_time", "late", "arrived_late", "no_show"
NOT_NOTED = "not_noted"
VERDICT_LABELS = {
    ON_TIME: "reçu à l'heure",
    LATE: "reçu en retard",
    ARRIVED_LATE: "arrivé en retard",
    NO_SHOW: "absent",
    NOT_NOTED: "sans suite connue",
}


def verdicts(counted: Punctuality) -> dict[int, str]:
    """The verdict of each appointment the indicator judged, by id."""
    found: dict[int, str] = {}
    for verdict, ids in (
        (ON_TIME, counted.on_time),
        (LATE, counted.late),
        (ARRIVED_LATE, counted.arrived_late),
        (NO_SHOW, counted.no_shows),
        (NOT_NOTED, counted.not_noted),
    ):
        found.update(dict.fromkeys(ids, verdict))
    return found
