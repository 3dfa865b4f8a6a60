"""The tally of a survey week: tapping "décroché" or "manqué", correcting, deleting; each audited
and reflected at once in the month's figures."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from core.concurrency import ConcurrentEditError
from core.models import AuditEvent, Role
from core.periods import Period
from telephony import actions
from telephony.models import Call, CallMonthStat, CallOrigin, CallOutcome
from telephony.queries import CallScope, call_figures
from telephony.summaries import rebuild_months

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)
MARCH = Period.parse("2026-03")


def figures(org):
    return call_figures(CallScope(org, MARCH))


def test_a_tap_records_a_tallied_call_at_the_clock_time_with_its_rings(org, hours, standard, make_member):
    agent = make_member(org, Role.AGENT)
    call = actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=3, now=TUESDAY_10, actor=agent
    )

    assert (call.origin, call.entered_by, call.line, call.service_id) == (
        CallOrigin.TALLY,
        agent,
        standard,
        standard.service_id,
    )
    assert call.started_at == TUESDAY_10 and call.in_hours
    assert (call.rings, call.wait_seconds) == (3, None)  # the call keeps its rings, not a wait
    assert call.answered_at == TUESDAY_10 + dt.timedelta(seconds=15)
    assert (call.local_date, call.weekday, call.half_hour) == (dt.date(2026, 3, 3), 1, 20)
    event = AuditEvent.objects.get(object_type="telephony.call", object_id=str(call.pk))
    assert event.action == "tally" and event.after is not None
    assert (event.after["outcome"], event.after["rings"]) == ("answered", 3)
    assert (figures(org).presented, figures(org).answered, figures(org).within) == (1, 1, 1)
    assert figures(org).waits == {15: 1}  # 3 rings × 5 s


def test_a_missed_call_and_a_call_without_rings_enter_the_figures_as_the_definitions_say(org, hours, standard):
    actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ABANDONED, rings=None, now=TUESDAY_10, actor=None
    )
    actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=None, now=TUESDAY_10, actor=None
    )
    actions.tally_call(
        organisation=org,
        line=standard,
        outcome=CallOutcome.ANSWERED,
        rings=7,
        now=TUESDAY_10 + dt.timedelta(hours=9),
        actor=None,
    )

    result = figures(org)
    assert (result.presented, result.answered, result.out_of_hours) == (2, 1, 1)
    assert (result.wait_unknown, result.within, result.within_denominator) == (1, 0, 2)  # presented calls


def test_a_correction_changes_the_call_writes_before_and_after_and_moves_the_figures(org, hours, standard, make_member):
    agent = make_member(org, Role.AGENT)
    call = actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=2, now=TUESDAY_10, actor=agent
    )
    later = dt.datetime(2026, 4, 1, 9, 30, tzinfo=PARIS)

    actions.correct_tallied_call(
        call=call, outcome=CallOutcome.ABANDONED, rings=None, started_at=later, seen_version=0, actor=agent
    )

    call.refresh_from_db()
    assert (call.outcome, call.rings, call.wait_seconds, call.answered_at, call.version) == (
        "abandoned",
        None,
        None,
        None,
        1,
    )
    assert call.local_month == dt.date(2026, 4, 1)
    event = AuditEvent.objects.filter(object_id=str(call.pk), action="correction").get()
    assert event.before is not None and event.after is not None
    assert (event.before["outcome"], event.after["outcome"]) == ("answered", "abandoned")
    assert not CallMonthStat.objects.filter(month=dt.date(2026, 3, 1)).exists()
    assert call_figures(CallScope(org, Period.parse("2026-04"))).not_answered == 1


def test_a_correction_on_a_stale_form_is_refused_and_names_who_changed_the_call(org, hours, standard, make_member):
    agent = make_member(org, Role.AGENT)
    call = actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=2, now=TUESDAY_10, actor=agent
    )
    actions.correct_tallied_call(
        call=call, outcome=CallOutcome.ANSWERED, rings=4, started_at=TUESDAY_10, seen_version=0, actor=agent
    )

    stale = Call.objects.get(pk=call.pk)
    with pytest.raises(ConcurrentEditError, match=agent.email):
        actions.correct_tallied_call(
            call=stale, outcome=CallOutcome.ABANDONED, rings=None, started_at=TUESDAY_10, seen_version=0, actor=agent
        )
    assert Call.objects.get(pk=call.pk).rings == 4


def test_deleting_a_tallied_call_is_audited_and_leaves_the_figures(org, hours, standard):
    call = actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=2, now=TUESDAY_10, actor=None
    )
    call_id = call.pk
    actions.delete_tallied_call(call=call, actor=None)

    assert not Call.objects.filter(pk=call_id).exists()
    assert AuditEvent.objects.filter(object_id=str(call_id), action="delete").exists()
    assert figures(org).total == 0


def test_an_imported_call_cannot_be_corrected_as_a_tally(org, asterisk, write, run_import):
    from telephony.tests.conftest import cdr

    run_import(
        asterisk, write("Master.csv", [cdr("2026-03-03 10:00:00", "", "2026-03-03 10:00:09", disposition="BUSY")])
    )
    with pytest.raises(ValidationError, match="importé"):
        actions.delete_tallied_call(call=Call.objects.get(), actor=None)


def test_rings_out_of_bounds_are_refused(org, hours, standard):
    with pytest.raises(ValidationError, match="sonneries"):
        actions.tally_call(
            organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=99, now=TUESDAY_10, actor=None
        )
    assert Call.objects.count() == 0


def test_a_changed_ring_cycle_does_not_falsify_tallied_calls(org, hours, standard):
    """Item 6 of issue 9: the tally keeps the rings heard; its wait follows the town's cycle."""
    actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=5, now=TUESDAY_10, actor=None
    )
    actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=6, now=TUESDAY_10, actor=None
    )
    assert (figures(org).within, figures(org).waits) == (1, {25: 1, 30: 1})

    org.ring_cycle_seconds = Decimal("6")
    org.save()
    rebuild_months(org, {TUESDAY_10.date().replace(day=1)})

    result = figures(org)
    assert (result.threshold, result.within, result.waits) == (30, 1, {30: 1, 36: 1})  # still 5 rings in, 6 out


def test_the_migration_clears_the_waits_stored_on_tallies_and_rebuilds_their_months(org, hours, standard):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("telephony.migrations.0004_calls_keep_their_rings")
    call = actions.tally_call(
        organisation=org, line=standard, outcome=CallOutcome.ANSWERED, rings=3, now=TUESDAY_10, actor=None
    )
    Call.objects.filter(pk=call.pk).update(wait_seconds=15)  # as tallies were stored before
    org.ring_cycle_seconds = Decimal("6")
    org.save()
    rebuild_months(org, {MARCH.start})
    assert figures(org).waits == {15: 1}  # the wait computed with the old cycle

    migration.keep_rings(apps, SimpleNamespace(connection=connection))  # it uses only the connection

    assert Call.objects.get(pk=call.pk).wait_seconds is None
    assert figures(org).waits == {18: 1}  # 3 rings × 6 s
    assert figures(org).presented == 1
