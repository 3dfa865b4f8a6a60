"""Fixtures of the appointments tests: a kind of appointment of the civil registry, offered
Monday to Friday 09:00–12:00 in slots of 20 minutes, within the site's opening hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appointments.actions import Citizen, book
from appointments.models import Appointment, AppointmentKind, BookingHours, Channel
from core.models import OpeningHours, Service
from tests.conftest import browser_type_launch_args, kiosk_page, log_in  # noqa: F401  Chromium, login, tablet

MORNINGS = [(weekday, dt.time(9), dt.time(12)) for weekday in range(5)]


@pytest.fixture
def registry(org) -> Service:
    return Service.objects.get(organisation=org, code="etat-civil")


@pytest.fixture
def opening_hours(org, registry):
    """The town hall: Monday to Friday 08:30–12:00 and 13:30–17:30; Saturday 09:00–12:00."""
    rows = [(weekday, dt.time(8, 30), dt.time(12)) for weekday in range(6)]
    rows += [(weekday, dt.time(13, 30), dt.time(17, 30)) for weekday in range(5)]
    for weekday, opens, closes in rows:
        OpeningHours.objects.create(
            organisation=org, site=registry.site, weekday=weekday, opens_at=opens, closes_at=closes
        )


@pytest.fixture
def identity_card(org, registry, opening_hours) -> AppointmentKind:
    kind = AppointmentKind.objects.create(
        organisation=org,
        service=registry,
        label="Carte d'identité ou passeport",
        duration_minutes=20,
        capacity=1,
        horizon_days=60,
        notice_hours=2,
        documents="Ancienne carte\nJustificatif de domicile",
    )
    for weekday, starts, ends in MORNINGS:
        BookingHours.objects.create(organisation=org, kind=kind, weekday=weekday, starts_at=starts, ends_at=ends)
    return kind


PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 3, 23)


@pytest.fixture
def booked(identity_card):
    """booked(hour, minute, name=, day=): an identity-card appointment of that local time
    (Monday 23 March 2026 by default), booked by phone a week before, by nobody."""

    def make(hour: int, minute: int = 0, name: str = "Alice Martin", day: dt.date = MONDAY) -> Appointment:
        starts_at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)
        appointment, _token = book(
            kind=identity_card,
            starts_at=starts_at,
            citizen=Citizen(name, "alice@exemple.test", "06 12 34 56 78"),
            channel=Channel.PHONE,
            actor=None,
            now=starts_at - dt.timedelta(days=7),
        )
        return appointment

    return make
