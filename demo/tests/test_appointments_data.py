"""The demo's appointments, on one demo town built without its other activity: the kinds, two
years of appointments through the actions (each with its log) and the mix the indicator needs
(late, arrived late, no-shows, channels). Indicator 9.1's stored values are checked on the whole
demo (test_demo.py), built once for its module."""

import datetime as dt
import random
import time
from collections import Counter

import pytest

from appointments.metrics import punctuality
from appointments.models import Appointment, AppointmentEvent, AppointmentKind, AppointmentStatus, Channel
from commitments.frameworks import load_framework
from core.metrics import MetricQuery
from core.periods import Granularity, Period
from demo.appointments_data import add_appointments
from demo.generator import TOWNS, build_town

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def town():
    organisation = build_town(TOWNS[0], random.Random(2026), TODAY)
    load_framework(organisation=organisation, code="qualivilles")
    return organisation


@pytest.mark.time_machine(dt.datetime(2026, 11, 28, 7, tzinfo=dt.UTC), tick=False)
def test_two_years_of_appointments_are_written_quickly_with_every_outcome(town, recomputations):
    started = time.perf_counter()
    counts = add_appointments(town, rng=random.Random(2026), today=TODAY)
    elapsed = time.perf_counter() - started
    print(f"\n{counts.appointments} demo appointments in {elapsed:.1f} s")
    assert counts.kinds == AppointmentKind.objects.filter(organisation=town).count() == 3
    found = Appointment.objects.filter(organisation=town)
    assert counts.appointments == found.count() > 400
    assert elapsed < 60  # a bound for a machine shared with others: the figure is printed
    assert recomputations == []  # nothing told row by row
    days = sorted(set(found.values_list("local_date", flat=True)))
    assert days[0] <= TODAY - dt.timedelta(days=700) and days[-1] > TODAY
    statuses = Counter(found.values_list("status", flat=True))
    assert set(statuses) == {s.value for s in AppointmentStatus} - {
        AppointmentStatus.ARRIVED,
        AppointmentStatus.STARTED,
    }
    assert not found.filter(local_date__lt=TODAY, status=AppointmentStatus.BOOKED).exists()
    assert not found.filter(local_date__gte=TODAY).exclude(status__in=["booked", "cancelled"]).exists()
    assert found.filter(local_date=TODAY).count() == 3  # a Saturday: identity cards only, a full morning
    assert set(found.values_list("channel", flat=True)) == {Channel.PHONE, Channel.COUNTER, Channel.ONLINE}
    done = found.filter(status=AppointmentStatus.DONE).first()
    assert list(AppointmentEvent.objects.filter(appointment=done).values_list("action", flat=True))[-2:] == [
        "start",
        "end",
    ]
    year = punctuality(MetricQuery(organisation=town, period=Period(dt.date(2025, 1, 1), Granularity.YEAR)))
    assert all(len(ids) > 5 for ids in (year.on_time, year.late, year.arrived_late, year.no_shows))
