"""Reads of appointments for pages and the indicator's drill-down."""

from __future__ import annotations

from django.db.models import QuerySet

from appointments.models import Appointment
from core.models import Organisation
from core.periods import Period


def appointments_of(organisation: Organisation, period: Period | None) -> QuerySet[Appointment]:
    """The town's appointments (of the period's booked days), the latest first."""
    found = Appointment.objects.for_org(organisation)
    if period is not None:
        found = found.filter(local_date__gte=period.start, local_date__lt=period.end)
    return found.select_related("kind", "service", "site").order_by("-scheduled_at", "-pk")
