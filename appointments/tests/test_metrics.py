"""Indicator 9.1 on known cases (domain.md "Appointments"): on time within the tolerance, over
the appointments whose citizen arrived in time; no-shows and late arrivals apart; cancelled
ones nowhere."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appointments.actions import Citizen, apply_step, book, cancel, close_past_days
from appointments.metrics import on_time, punctuality
from appointments.models import AppointmentStatus, Channel
from core.metrics import MetricQuery
from core.periods import Period

PARIS = ZoneInfo("Europe/Paris")
BOOKED_ON = dt.datetime(2026, 3, 2, 8, tzinfo=PARIS)
MARCH = Period.parse("2026-03")

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def book_at(identity_card):
    def make(day, hour, minute=0):
        appointment, _token = book(
            kind=identity_card,
            starts_at=at(day, hour, minute),
            citizen=Citizen("Usager d'essai"),
            channel=Channel.PHONE,
            actor=None,
            now=BOOKED_ON,
        )
        return appointment

    return make


def step(appointment, name, moment):
    return apply_step(appointment=appointment, step=name, actor=None, now=moment)


def query(org, **params):
    return MetricQuery(organisation=org, period=MARCH, params=params)


def measured(org, **params):
    measure = on_time(query(org, **params))
    assert measure is not None
    return measure


@pytest.mark.time_machine(dt.datetime(2026, 4, 2, 12, tzinfo=PARIS), tick=False)
def test_late_on_time_arrived_late_no_show_and_unknown_arrival(org, book_at):
    received_on_time = book_at(23, 9)
    step(received_on_time, "check_in", at(23, 8, 50))
    step(received_on_time, "start", at(23, 9, 10))  # exactly the tolerance: on time
    received_late = book_at(23, 9, 20)
    step(received_late, "check_in", at(23, 9, 15))
    step(received_late, "start", at(23, 9, 31))  # 11 minutes after: late
    arrived_late = book_at(23, 9, 40)
    step(arrived_late, "check_in", at(23, 9, 51))  # after 09:50: the citizen's lateness
    step(arrived_late, "start", at(23, 9, 55))
    no_show = book_at(23, 10)
    step(no_show, "no_show", at(23, 10, 15))
    arrival_not_noted = book_at(23, 10, 20)
    step(arrival_not_noted, "start", at(23, 10, 25))
    cancelled = book_at(23, 10, 40)
    cancel(appointment=cancelled, actor=None, now=BOOKED_ON)

    counted = punctuality(query(org))
    assert set(counted.on_time) == {received_on_time.pk, arrival_not_noted.pk}
    assert counted.late == (received_late.pk,)
    assert counted.arrived_late == (arrived_late.pk,) and counted.no_shows == (no_show.pk,)
    measure = measured(org)
    assert (measure.numerator, measure.denominator) == (2, 3)
    assert cancelled.pk not in measure.record_ids and no_show.pk not in measure.record_ids


@pytest.mark.time_machine(dt.datetime(2026, 4, 2, 12, tzinfo=PARIS), tick=False)
def test_the_tolerance_is_the_indicators_setting(org, book_at):
    appointment = book_at(23, 9)
    step(appointment, "check_in", at(23, 8, 55))
    step(appointment, "start", at(23, 9, 12))
    assert measured(org).numerator == 0
    assert measured(org, tolerance_minutes=15).numerator == 1


@pytest.mark.time_machine(dt.datetime(2026, 3, 23, 9, 5, tzinfo=PARIS), tick=False)
def test_a_citizen_still_waiting_within_the_tolerance_is_not_judged_yet(org, book_at):
    waiting = book_at(23, 9)
    step(waiting, "check_in", at(23, 8, 55))
    book_at(23, 11)  # later today: not begun
    assert on_time(query(org)) is None


@pytest.mark.time_machine(dt.datetime(2026, 3, 23, 10, 30, tzinfo=PARIS), tick=False)
def test_an_appointment_neither_arrived_nor_started_is_not_judged(org, book_at):
    not_there_yet = book_at(23, 9)  # past its tolerance, nobody noted: may still come, or not at all
    counted = punctuality(query(org))
    assert counted.not_noted == (not_there_yet.pk,) and counted.late == () and on_time(query(org)) is None


@pytest.mark.time_machine(dt.datetime(2026, 3, 23, 9, 30, tzinfo=PARIS), tick=False)
def test_a_citizen_waiting_past_the_tolerance_counts_as_not_received_on_time(org, book_at):
    waiting = book_at(23, 9)
    step(waiting, "check_in", at(23, 8, 55))
    assert (measured(org).numerator, measured(org).denominator) == (0, 1)


@pytest.mark.time_machine(dt.datetime(2026, 3, 24, 6, tzinfo=PARIS), tick=False)
def test_the_next_morning_an_appointment_nobody_noted_becomes_a_no_show(org, book_at):
    forgotten = book_at(23, 9)
    arrived = book_at(23, 9, 20)
    step(arrived, "check_in", at(23, 9, 10))
    assert close_past_days(org, dt.date(2026, 3, 24)) == 1
    forgotten.refresh_from_db()
    arrived.refresh_from_db()
    assert (forgotten.status, arrived.status) == (AppointmentStatus.NO_SHOW, AppointmentStatus.ARRIVED)
    counted = punctuality(query(org))
    assert counted.no_shows == (forgotten.pk,) and counted.late == (arrived.pk,)
