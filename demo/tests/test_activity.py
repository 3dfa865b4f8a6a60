"""Demo activity: two months of one town's counter and telephone, with real patterns."""

import datetime as dt
import random

import pytest
from django.db import transaction
from django.db.models import Count, Q

from core.localtime import local_stamp
from core.workdays import calendar_for
from demo.activity import add_activity
from demo.generator import TOWNS, build_town
from demo.patterns import arrivals
from demo.phone_activity import survey_week
from imports.models import ImportSource
from reception.models import QueueTicket, TicketStatus, Visit, VisitReason
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine

TODAY = dt.date(2026, 4, 20)  # 60 days back: 19 February to 19 April 2026, with the March survey week


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    """One town built once for the module (the build takes a few seconds), rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        organisation = build_town(TOWNS[0], random.Random(1), TODAY)
        counts = add_activity(organisation, rng=random.Random(1), today=TODAY, days=60)
        yield organisation, counts
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_counts_returned_are_the_rows_written(town):
    organisation, counts = town
    assert counts["tickets"] == QueueTicket.objects.filter(organisation=organisation).count()
    assert counts["calls"] + counts["tallied_calls"] == Call.objects.filter(organisation=organisation).count()
    assert counts["visits"] == Visit.objects.filter(organisation=organisation).count() > 0
    assert counts["visit_reasons"] == VisitReason.objects.filter(organisation=organisation).count() >= 5


def test_activity_runs_up_to_yesterday_and_never_on_sundays_holidays_or_closure_days(town):
    organisation, _ = town
    calendar = calendar_for(organisation)
    days = set(QueueTicket.objects.filter(organisation=organisation).values_list("local_date", flat=True))
    assert max(days) == dt.date(2026, 4, 18)  # yesterday is a Sunday
    assert min(days) >= TODAY - dt.timedelta(days=60)
    assert all(calendar.is_working_day(day, business=True) for day in days)
    assert dt.date(2026, 4, 6) not in days  # Easter Monday


def test_the_counter_is_busy_on_monday_mornings_and_quiet_on_saturdays_when_only_the_civil_registry_opens(town):
    organisation, _ = town
    tickets = QueueTicket.objects.filter(organisation=organisation)
    per_day = {
        row["weekday"]: row["n"] / row["days"]
        for row in tickets.values("weekday").annotate(n=Count("id"), days=Count("local_date", distinct=True))
    }
    assert 60 <= sum(per_day[day] for day in range(5)) / 5 <= 120
    assert per_day[0] > 1.2 * per_day[3]
    saturday = set(tickets.filter(weekday=5).values_list("service__code", "half_hour").distinct())
    assert {code for code, _ in saturday} == {"etat-civil"}
    assert max(slot for _, slot in saturday) < 24  # morning only


def test_about_nine_tickets_in_ten_are_called_within_fifteen_minutes_and_a_few_leave(town):
    organisation, _ = town
    tickets = QueueTicket.objects.filter(organisation=organisation)
    called = tickets.filter(called_at__isnull=False)
    within = called.filter(wait_seconds__lte=900).count() / called.count()
    assert 0.8 <= within <= 0.97
    left = tickets.filter(status=TicketStatus.LEFT)
    assert 0 < left.count() < 0.08 * tickets.count()
    assert not left.filter(called_at__isnull=False).exists()
    assert tickets.filter(status=TicketStatus.REDIRECTED, redirected_to__code="etat-civil").exists()


def test_ticket_times_and_local_stamps_agree(town):
    organisation, _ = town
    for ticket in QueueTicket.objects.filter(organisation=organisation, called_at__isnull=False)[:200]:
        stamp = local_stamp(ticket.issued_at, organisation.time_zone)
        assert (ticket.local_date, ticket.weekday, ticket.half_hour) == (
            stamp.local_date,
            stamp.weekday,
            stamp.half_hour,
        )
        assert ticket.wait_seconds == round((ticket.called_at - ticket.issued_at).total_seconds())
        assert ticket.issued_at <= ticket.called_at <= ticket.started_at < ticket.ended_at


def test_two_lines_take_80_to_150_calls_a_day_mostly_answered_within_five_rings(town):
    organisation, _ = town
    lines = {line.code: line.service.code for line in PhoneLine.objects.filter(organisation=organisation)}
    assert lines == {"accueil": "accueil", "etat-civil": "etat-civil"}
    presented = Call.objects.filter(organisation=organisation, in_hours=True)
    days = presented.filter(weekday__lt=5).values("local_date").distinct().count()
    assert 80 <= presented.filter(weekday__lt=5).count() / days <= 150
    answered = presented.filter(outcome=CallOutcome.ANSWERED)
    assert 0.88 <= answered.count() / presented.count() <= 0.95
    within = answered.filter(Q(wait_seconds__lte=25) | Q(wait_seconds__isnull=True, rings__lte=5))
    assert within.count() / presented.count() >= 0.8
    talk = [call.talk_seconds for call in answered[:500]]
    assert min(talk) >= 60 and max(talk) <= 300


def test_out_of_hours_calls_are_counted_apart_and_never_answered(town):
    organisation, _ = town
    outside = Call.objects.filter(organisation=organisation, in_hours=False)
    assert outside.exists()
    assert not outside.filter(outcome=CallOutcome.ANSWERED).exists()
    assert not outside.filter(local_date=dt.date(2026, 4, 6), in_hours=True).exists()


def test_imported_calls_come_from_the_asterisk_source_with_a_hashed_caller(town):
    organisation, _ = town
    source = ImportSource.objects.get(organisation=organisation, kind="calls", name="standard")
    assert source.file_format == "asterisk_cdr"
    imported = Call.objects.filter(organisation=organisation, origin=CallOrigin.IMPORT)
    assert imported.filter(source=source).count() == imported.count()
    assert all(len(call.caller_hash) == 64 for call in imported[:100])
    assert not imported.filter(~Q(outcome=CallOutcome.ANSWERED), answered_at__isnull=False).exists()


def test_the_second_full_week_of_march_is_a_manual_tally_instead_of_the_export(town):
    organisation, counts = town
    assert survey_week(dt.date(2026, 2, 19), dt.date(2026, 4, 19)) == (dt.date(2026, 3, 9), dt.date(2026, 3, 14))
    tallied = Call.objects.filter(organisation=organisation, origin=CallOrigin.TALLY)
    assert tallied.count() == counts["tallied_calls"] > 100
    assert {call.local_date for call in tallied} <= {dt.date(2026, 3, 9) + dt.timedelta(days=n) for n in range(6)}
    assert not Call.objects.filter(
        organisation=organisation, origin=CallOrigin.IMPORT, local_date__range=("2026-03-09", "2026-03-14")
    ).exists()
    answered = tallied.filter(outcome=CallOutcome.ANSWERED)
    assert all(call.rings and call.wait_seconds is None for call in answered[:100])  # rings, not a wait
    assert all(call.answered_at == call.started_at + dt.timedelta(seconds=call.rings * 5) for call in answered[:100])
    assert all(call.caller_hash == "" and call.entered_by_id for call in tallied[:100])


def test_the_same_seed_draws_the_same_day():
    slots = [(dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))]
    monday = dt.date(2026, 3, 9)
    first = arrivals(random.Random(7), monday, slots, 80)
    assert first == arrivals(random.Random(7), monday, slots, 80)
    assert first != arrivals(random.Random(8), monday, slots, 80)
    assert all(8 * 60 + 30 <= minute < 17 * 60 + 30 and not 12 * 60 <= minute < 13 * 60 + 30 for minute, _ in first)


def test_no_survey_week_when_the_span_has_no_full_march_week():
    assert survey_week(dt.date(2026, 4, 1), dt.date(2026, 6, 30)) is None
    assert survey_week(dt.date(2024, 11, 28), dt.date(2026, 11, 27)) == (dt.date(2026, 3, 9), dt.date(2026, 3, 14))
