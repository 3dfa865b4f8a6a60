"""The reminder the day before: the daily job `appointments.send_reminders`.

Each day, the appointments of the town's next day still booked, whose citizen gave an e-mail
address and that were not reminded yet, get one message, unless the town turned reminders off
(AppointmentSettings.send_reminders). `reminded_at` records it, so a second run the same day
sends nothing; a moved appointment is reminded again (actions.move clears it). An appointment
booked after the day's run for the next day gets no reminder: its confirmation has just left."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from appointments.emails import reminder, send_on_commit
from appointments.models import Appointment, AppointmentSettings, AppointmentStatus
from core.contacts import single_email_address
from core.models import Organisation


def due_reminders(organisation: Organisation, today: dt.date) -> list[Appointment]:
    """The appointments of the day after `today` to remind (their address is one valid e-mail)."""
    tomorrow = today + dt.timedelta(days=1)
    candidates = (
        Appointment.objects.for_org(organisation)
        .filter(status=AppointmentStatus.BOOKED, local_date=tomorrow, reminded_at__isnull=True)
        .exclude(citizen_email="")
        .select_related("organisation", "kind", "service", "site")
        .order_by("scheduled_at", "pk")
    )
    return [appointment for appointment in candidates if single_email_address(appointment.citizen_email)]


@transaction.atomic
def send_reminders(organisation: Organisation, today: dt.date) -> str:
    """The daily job (core.registries.DAILY_JOBS). Returns what it did, in French."""
    if not AppointmentSettings.for_org(organisation).send_reminders:
        return "rappels désactivés"
    due = due_reminders(organisation, today)
    Appointment.objects.filter(pk__in=[appointment.pk for appointment in due]).update(reminded_at=timezone.now())
    send_on_commit([reminder(appointment) for appointment in due])
    return f"{len(due)} rappel{'s' if len(due) > 1 else ''} de rendez-vous par e-mail"
