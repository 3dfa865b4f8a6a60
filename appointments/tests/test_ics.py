"""The calendar file of an appointment, read back with a maintained calendar library."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from appointments.actions import Citizen, book, cancel
from appointments.ics import appointment_ics
from appointments.models import Channel

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 20, 8, 0, tzinfo=PARIS)
LINE_OCTETS = 75  # RFC 5545 §3.1
MANAGE = "https://qualite.ville-test.fr/p/ville-test/rendez-vous/gerer/RDV-2026-00001/jeton/"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def appointment(org, identity_card):
    site = identity_card.service.site
    site.address = "1 place de la Mairie, 57000 Ville-de-Test"
    site.save()
    booked, _token = book(
        kind=identity_card,
        starts_at=dt.datetime(2026, 3, 30, 9, 20, tzinfo=PARIS),  # the day after the change to summer time
        citizen=Citizen("Léa Martin", "lea@exemple.fr"),
        channel=Channel.ONLINE,
        actor=None,
        now=NOW,
    )
    return booked


def event_of(text: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    assert isinstance(event, icalendar.Event)
    return event


def test_the_file_reads_back_with_the_slot_the_place_and_the_link(appointment):
    text = appointment_ics(appointment, manage_url=MANAGE, now=NOW)
    calendar = icalendar.Calendar.from_ical(text)
    event = event_of(text)
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    assert event.decoded("DTSTART") == dt.datetime(2026, 3, 30, 7, 20, tzinfo=dt.UTC)  # 09:20 in Paris, summer time
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=20)
    assert str(event["SUMMARY"]) == "Carte d'identité ou passeport — Ville de Test"
    assert str(event["LOCATION"]) == "Hôtel de ville, 1 place de la Mairie, 57000 Ville-de-Test"
    description = str(event["DESCRIPTION"])
    assert appointment.number in description and "Justificatif de domicile" in description and MANAGE in description
    assert str(event["URL"]) == MANAGE and str(event["STATUS"]) == "CONFIRMED"
    assert "Léa" not in text and "lea@" not in text  # the citizen's own calendar needs no copy of their name


def test_every_line_ends_with_crlf_and_holds_at_most_75_octets(appointment):
    text = appointment_ics(appointment, manage_url=MANAGE, now=NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode()) for line in text.split("\r\n")) <= LINE_OCTETS


def test_a_cancellation_keeps_the_uid_raises_the_sequence_and_cancels(appointment):
    booked = event_of(appointment_ics(appointment, manage_url=MANAGE, now=NOW))
    later = NOW + dt.timedelta(hours=3)
    cancelled = cancel(appointment=appointment, actor=None, now=later)
    text = appointment_ics(cancelled, now=later, cancelled=True)
    event = event_of(text)
    assert icalendar.Calendar.from_ical(text)["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(booked["UID"]) and event.decoded("SEQUENCE") > booked.decoded("SEQUENCE")
    assert "URL" not in event
