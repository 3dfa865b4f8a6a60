"""Indicators 23.3 (actions closed on time) and 23.1 (steering committee meetings held),
computed by hand on a frozen date."""

import datetime as dt

import pytest

from commitments.models import Indicator
from core.localtime import PARIS
from core.metrics import MetricQuery
from core.models import Service
from core.periods import Period
from core.registries import METRICS
from improvement.actions import step_action
from improvement.metrics import actions_closed_on_time, meetings_changed, meetings_held
from improvement.models import SteeringMeeting
from improvement.tests.conftest import TODAY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(10), tzinfo=PARIS), tick=False),
]
YEAR = Period.parse("2026")


def advance(action, *steps, on):
    for step in steps:
        action = step_action(action=action, step=step, actor=None, seen_version=action.version, today=on)
    return action


def test_23_3_counts_the_actions_due_in_the_period_on_time_or_late(make_action, org):
    on_time = advance(make_action(due_on=dt.date(2026, 3, 31)), "plan", "complete", on=dt.date(2026, 3, 31))
    done_late = advance(make_action(due_on=dt.date(2026, 3, 31)), "plan", "complete", on=dt.date(2026, 4, 2))
    still_open = make_action(due_on=dt.date(2026, 5, 31))  # past due on TODAY: late
    not_yet_due = make_action(due_on=dt.date(2026, 6, 30))
    advance(make_action(due_on=dt.date(2026, 2, 28)), "cancel", on=dt.date(2026, 2, 1))
    make_action(due_on=dt.date(2025, 12, 31))  # due in another year
    early_in_future = advance(make_action(due_on=dt.date(2026, 9, 30)), "plan", "complete", on=TODAY)

    measure = actions_closed_on_time(MetricQuery(organisation=org, period=YEAR), today=TODAY)

    assert measure is not None
    assert (measure.numerator, measure.denominator) == (2, 4)
    assert measure.value == 50
    assert set(measure.record_ids) == {on_time.pk, done_late.pk, still_open.pk, early_in_future.pk}
    assert not_yet_due.pk not in measure.record_ids


def test_23_3_has_no_value_without_an_action_due_and_narrows_to_a_service(make_action, org):
    accueil = Service.objects.get(organisation=org, code="accueil")
    make_action(due_on=dt.date(2026, 5, 31), service=accueil)
    assert actions_closed_on_time(MetricQuery(organisation=org, period=Period.parse("2026-03")), today=TODAY) is None
    etat_civil = Service.objects.get(organisation=org, code="etat-civil")
    assert actions_closed_on_time(MetricQuery(organisation=org, period=YEAR, service=etat_civil), today=TODAY) is None
    measure = actions_closed_on_time(MetricQuery(organisation=org, period=YEAR, service=accueil), today=TODAY)
    assert measure is not None and measure.value == 0


def test_23_1_counts_the_meetings_held_in_the_period(org, other_org):
    held = SteeringMeeting.objects.create(organisation=org, held_on=dt.date(2026, 3, 12), held=True)
    SteeringMeeting.objects.create(organisation=org, held_on=dt.date(2026, 10, 12), held=False)
    SteeringMeeting.objects.create(organisation=org, held_on=dt.date(2025, 11, 12), held=True)
    SteeringMeeting.objects.create(organisation=other_org, held_on=dt.date(2026, 3, 12), held=True)
    measure = meetings_held(MetricQuery(organisation=org, period=YEAR))
    assert measure is not None and (measure.value, measure.record_ids) == (1, (held.pk,))
    second_quarter = meetings_held(MetricQuery(organisation=org, period=Period.parse("2026-Q2")))
    assert second_quarter is not None and second_quarter.value == 0
    accueil = Service.objects.get(organisation=org, code="accueil")
    assert meetings_held(MetricQuery(organisation=org, period=YEAR, service=accueil)) is None


def test_a_meeting_change_tells_the_engine_its_months(org, recomputations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meetings_changed(org, dt.date(2026, 3, 12), dt.date(2026, 4, 2), None)
    assert recomputations == [("ville-test", "improvement", [dt.date(2026, 3, 1), dt.date(2026, 4, 1)])]


def test_indicators_23_1_and_23_3_are_computed_now(qualivilles, org):
    assert "improvement.meetings_held" in METRICS and "improvement.actions_closed_on_time" in METRICS
    for code in ("23.1", "23.3"):
        indicator = Indicator.objects.get(organisation=org, code=code)
        assert not indicator.is_planned, code
