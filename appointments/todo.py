"""An agent's "À faire" (core.registries.TODO_LISTS): today's appointments whose time has come
and whose citizen was not noted as arrived (to note their arrival, or their absence), and the
citizens noted as arrived who have waited longer than the indicator's default tolerance. One
query, on the day index (organisation, site, day)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from appointments.metrics import TOLERANCE
from appointments.models import Appointment, AppointmentStatus
from core.access import Capability, can
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url

OVERDUE = 0  # core.registries.TodoLine.urgency


def todo(membership: Membership, today: dt.date, *, now: dt.datetime | None = None) -> list[TodoLine]:
    if not can(membership, Capability.CAPTURE):
        return []
    now = now or timezone.now()
    waited_too_long = now - dt.timedelta(minutes=TOLERANCE.default)
    counts = Appointment.objects.filter(organisation=membership.organisation, local_date=today).aggregate(
        not_noted=Count("pk", filter=Q(status=AppointmentStatus.BOOKED, scheduled_at__lte=now)),
        waiting=Count("pk", filter=Q(status=AppointmentStatus.ARRIVED, arrived_at__lte=waited_too_long)),
    )
    url = town_url("appointments:home", membership.organisation)
    return [
        TodoLine.counted(
            counts["not_noted"],
            "rendez-vous d'aujourd'hui passé sans arrivée notée",
            "rendez-vous d'aujourd'hui passés sans arrivée notée",
            url,
            urgency=OVERDUE,
        ),
        TodoLine.counted(
            counts["waiting"],
            f"usager arrivé attend depuis plus de {TOLERANCE.default} minutes",
            f"usagers arrivés attendent depuis plus de {TOLERANCE.default} minutes",
            url,
            urgency=OVERDUE,
        ),
    ]
