"""The e-mails a citizen receives about an appointment booked online: the confirmation (again
after a move) with the calendar file and the link to cancel or move it, the cancellation, and
the reminder the day before (appointments.reminders). They leave once the transaction that
booked, moved or cancelled commits; a failure of the mail server is logged without the
address, and the appointment stands."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from appointments.ics import appointment_ics, content_type
from appointments.models import Appointment
from core.workdays import french_date

logger = logging.getLogger(__name__)
ICS_NAME = "rendez-vous.ics"


def manage_path(appointment: Appointment, token: str) -> str:
    """The path of the citizen's page to cancel or move this appointment (its token only)."""
    return reverse("appointments_public:manage", args=[appointment.organisation.slug, appointment.number, token])


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """The address citizens reach: QUALIPILOTE_SITE_URL when set, else the request's own host."""
    site_url: str = settings.QUALIPILOTE_SITE_URL
    if site_url:
        return f"{site_url.rstrip('/')}{path}"
    if request is None:
        raise ValueError("An absolute address needs QUALIPILOTE_SITE_URL or a request.")
    return request.build_absolute_uri(path)


def _context(appointment: Appointment, **extra: object) -> dict[str, object]:
    local = appointment.scheduled_at.astimezone(appointment.organisation.time_zone)
    return {
        "appointment": appointment,
        "org": appointment.organisation,
        "day": french_date(local.date()),
        "time": f"{local:%H:%M}",
        "documents": appointment.kind.documents.splitlines() if appointment.kind else [],
        **extra,
    }


def _message(appointment: Appointment, subject: str, template: str, context: dict[str, object]) -> EmailMessage:
    body = render_to_string(f"appointments/email/{template}", context)
    full_subject = f"{appointment.organisation.name} : {subject}"
    return EmailMessage(full_subject, body, settings.DEFAULT_FROM_EMAIL, [appointment.citizen_email])


def confirmation(appointment: Appointment, *, manage_url: str, now: dt.datetime, moved: bool = False) -> EmailMessage:
    context = _context(appointment, manage_url=manage_url, moved=moved)
    subject = f"rendez-vous {'déplacé au' if moved else 'confirmé le'} {context['day']} à {context['time']}"
    message = _message(appointment, subject, "confirmation.txt", context)
    message.attach(ICS_NAME, appointment_ics(appointment, manage_url=manage_url, now=now), content_type())
    return message


def cancellation(appointment: Appointment, *, now: dt.datetime) -> EmailMessage:
    context = _context(appointment)
    message = _message(appointment, f"rendez-vous du {context['day']} annulé", "cancellation.txt", context)
    message.attach(ICS_NAME, appointment_ics(appointment, now=now, cancelled=True), content_type(cancelled=True))
    return message


def reminder(appointment: Appointment) -> EmailMessage:
    context = _context(appointment)
    return _message(appointment, f"rappel de votre rendez-vous demain à {context['time']}", "reminder.txt", context)


def send_on_commit(messages: list[EmailMessage]) -> None:
    if messages:
        transaction.on_commit(lambda: _send(messages))


def _send(messages: list[EmailMessage]) -> None:
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception as error:  # committed already: say it, do not raise
        logger.error("Rendez-vous : envoi de %d e-mail(s) en échec (%s).", len(messages), type(error).__name__)
