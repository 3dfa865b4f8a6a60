"""The reminder the day before: once per appointment, only with an e-mail address, never when
the town turned reminders off, again after a move; run by the daily jobs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from appointments.actions import Citizen, book, cancel, move
from appointments.models import AppointmentSettings, Channel
from appointments.reminders import send_reminders
from core.daily import run_daily_jobs
from core.registries import DAILY_JOBS

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 20, 8, 0, tzinfo=PARIS)  # Friday
MONDAY = dt.date(2026, 3, 23)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def booked(kind, day: int, hour: int, email: str = "lea@exemple.fr", channel: str = Channel.ONLINE):
    appointment, _token = book(
        kind=kind,
        starts_at=dt.datetime(2026, 3, day, hour, tzinfo=PARIS),
        citizen=Citizen("Léa Martin", email),
        channel=channel,
        actor=None,
        now=NOW,
    )
    return appointment


def run(org, today: dt.date, capture) -> str:
    with capture(execute=True):
        return send_reminders(org, today)


def test_the_day_before_each_appointment_with_an_address_is_reminded_once(
    org, identity_card, django_capture_on_commit_callbacks
):
    monday = booked(identity_card, 23, 9)
    booked(identity_card, 23, 10, email="")  # booked by phone without an address
    booked(identity_card, 24, 9, email="paul@exemple.fr")  # Tuesday: not yet
    cancel(appointment=booked(identity_card, 23, 11, email="marc@exemple.fr"), actor=None, now=NOW)

    assert run(org, MONDAY - dt.timedelta(days=1), django_capture_on_commit_callbacks) == (
        "1 rappel de rendez-vous par e-mail"
    )
    (message,) = mail.outbox
    assert message.to == ["lea@exemple.fr"] and "demain à 09:00" in message.subject
    assert monday.number in message.body and "Justificatif de domicile" in message.body
    monday.refresh_from_db()
    assert monday.reminded_at is not None

    assert run(org, MONDAY - dt.timedelta(days=1), django_capture_on_commit_callbacks) == (
        "0 rappel de rendez-vous par e-mail"
    )
    assert len(mail.outbox) == 1


def test_a_moved_appointment_is_reminded_again_for_its_new_day(org, identity_card, django_capture_on_commit_callbacks):
    appointment = booked(identity_card, 23, 9)
    run(org, MONDAY - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    move(appointment=appointment, starts_at=dt.datetime(2026, 3, 25, 9, tzinfo=PARIS), actor=None, now=NOW)
    run(org, dt.date(2026, 3, 24), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "mercredi 25 mars 2026" in mail.outbox[1].body


def test_no_reminder_when_the_town_turned_them_off(org, identity_card, django_capture_on_commit_callbacks):
    AppointmentSettings.objects.filter(organisation=org).update(send_reminders=False)
    appointment = booked(identity_card, 23, 9)
    assert run(org, MONDAY - dt.timedelta(days=1), django_capture_on_commit_callbacks) == "rappels désactivés"
    appointment.refresh_from_db()
    assert mail.outbox == [] and appointment.reminded_at is None


def test_the_daily_jobs_send_the_reminders(org, identity_card, django_capture_on_commit_callbacks, time_machine):
    assert "appointments.send_reminders" in dict(DAILY_JOBS.items())
    booked(identity_card, 23, 9)
    time_machine.move_to(dt.datetime(2026, 3, 22, 6, tzinfo=PARIS))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_daily_jobs(org)
    assert outcome.results["appointments.send_reminders"] == "1 rappel de rendez-vous par e-mail"
    assert len(mail.outbox) == 1
