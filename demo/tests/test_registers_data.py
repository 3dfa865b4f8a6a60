"""The demo registers: two years of written requests and acts with the patterns a quality
manager recognises, due dates in each town's own calendar, and the same data for one seed."""

import datetime as dt
import random

import pytest
from django.db import connection, transaction

from civil_registry.actions import register_act_request
from civil_registry.models import ActError, ActRequest, ActStatus
from core.workdays import calendar_for
from correspondence.models import Channel, WrittenRequest
from demo.generator import TOWNS, build_town
from demo.registers_data import add_registers
from registers.deadlines import DeadlineStatus

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def east_town(django_db_setup, django_db_blocker):
    """The second demo town, in Moselle (Good Friday and 26 December off), with its registers:
    built once for the module (seconds) inside a transaction rolled back at its end; each test
    runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        organisation = build_town(TOWNS[1], random.Random(1), TODAY)
        counts = add_registers(organisation, rng=random.Random(7), today=TODAY)
        # PostgreSQL's deferred foreign keys checked once, not again at each test's end.
        connection.check_constraints()
        yield organisation, counts
        transaction.set_rollback(True)


def late_share(requests) -> float:
    statuses = [request.deadline_status(TODAY) for request in requests]
    counted = [status for status in statuses if status in (DeadlineStatus.ON_TIME, DeadlineStatus.LATE)]
    return counted.count(DeadlineStatus.LATE) / len(counted)


def test_two_years_of_requests_and_acts_with_a_few_errors(east_town):
    organisation, counts = east_town
    assert counts.requests > 3000 and counts.acts > 5000 and 5 <= counts.errors <= 80
    first = WrittenRequest.objects.filter(organisation=organisation).order_by("received_on").first()
    assert first is not None
    assert first.received_on == dt.date(2024, 11, 1)
    assert not WrittenRequest.objects.filter(organisation=organisation, received_on__gte=TODAY).exists()
    assert ActError.objects.filter(organisation=organisation, attributable=False).exists()


def test_summer_brings_fewer_requests_and_december_more_late_answers(east_town):
    organisation, _ = east_town
    requests = WrittenRequest.objects.filter(organisation=organisation, received_on__year=2025)
    summer = requests.filter(received_on__month__in=[7, 8]).count() / 2
    spring = requests.filter(received_on__month__in=[3, 4]).count() / 2
    assert summer < 0.75 * spring
    december = late_share(WrittenRequest.objects.filter(organisation=organisation, due_on__year=2025, due_on__month=12))
    march = late_share(WrittenRequest.objects.filter(organisation=organisation, due_on__year=2025, due_on__month=3))
    assert december > march and 0 < march < 0.15


def test_due_dates_follow_the_towns_calendar_and_counter_acts_are_due_the_same_day(east_town):
    organisation, _ = east_town
    calendar = calendar_for(organisation)
    due_dates = set(WrittenRequest.objects.filter(organisation=organisation).values_list("due_on", flat=True))
    assert all(calendar.is_working_day(day) for day in due_dates)
    assert dt.date(2025, 12, 26) not in due_dates and dt.date(2025, 4, 18) not in due_dates  # Moselle holidays
    counter = ActRequest.objects.filter(organisation=organisation, channel="counter")
    assert all(act.due_on == act.received_on for act in counter[:200])


def test_recent_requests_are_still_open_and_old_ones_are_closed(east_town):
    organisation, _ = east_town
    requests = WrittenRequest.objects.filter(organisation=organisation)
    assert requests.filter(answered_on__isnull=True, due_on__gte=TODAY).exists()
    assert requests.filter(received_on__year=2025, closed_on__isnull=False).count() > 2000
    assert requests.filter(channel=Channel.EMAIL, acknowledged_on__isnull=False).exists()
    assert ActRequest.objects.filter(organisation=organisation, status=ActStatus.PENDING).exists()


def test_the_same_seed_gives_the_same_registers():
    first = build_town(TOWNS[0], random.Random(1), TODAY)
    second_plan = TOWNS[0].__class__(**{**TOWNS[0].__dict__, "slug": "ville-demo-bis", "domain": "bis.example"})
    second = build_town(second_plan, random.Random(1), TODAY)
    assert add_registers(first, rng=random.Random(3), today=TODAY) == add_registers(
        second, rng=random.Random(3), today=TODAY
    )
    fields = ("channel", "received_on", "due_on", "answered_on")
    assert list(WrittenRequest.objects.filter(organisation=first).values_list(*fields)) == list(
        WrittenRequest.objects.filter(organisation=second).values_list(*fields)
    )


def test_the_demo_numbers_each_register_per_year_and_the_next_registration_continues(east_town):
    organisation, _ = east_town
    references = WrittenRequest.objects.filter(organisation=organisation, received_on__year=2025).values_list(
        "reference", flat=True
    )
    assert sorted(references) == [f"2025-{number:05d}" for number in range(1, len(references) + 1)]
    acts_2026 = ActRequest.objects.filter(organisation=organisation, received_on__year=2026).count()
    act = register_act_request(
        organisation=organisation, actor=None, act_type="birth", act_format="full", channel="post", copies=1,
        received_on=dt.date(2026, 11, 27),
    )  # fmt: skip
    assert act.reference == f"EC-2026-{acts_2026 + 1:05d}"
