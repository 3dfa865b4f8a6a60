"""The effectiveness check judged from the stored values when its date comes: the latest period
complete on that date, the whole town only, compared as the indicator compares its target; no
verdict without a stored value for that period."""

import datetime as dt
from decimal import Decimal

import pytest

from commitments.models import IndicatorValue
from core.daily import run_daily_jobs
from core.localtime import PARIS
from core.models import Service
from core.registries import DAILY_JOBS
from improvement.actions import step_action
from improvement.effectiveness import checked_period, judge, judge_due_checks, meets_expected
from improvement.models import ActionStatus
from improvement.tests.conftest import TODAY, indicator_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(10), tzinfo=PARIS), tick=False),
]
S = ActionStatus
MAY = dt.date(2026, 5, 1)


def store(indicator, period_start, value, **scope):
    return IndicatorValue.objects.create(
        organisation=indicator.organisation,
        indicator=indicator,
        granularity=indicator.granularity,
        period_start=period_start,
        value=value,
        **scope,
    )


@pytest.fixture
def waits(qualivilles, org):
    """8.2: median wait at the counter, monthly, target ≤ 10 min."""
    return indicator_of(org, "8.2")


@pytest.fixture
def done_action(make_action, waits):
    def make(expected=8, check_on=dt.date(2026, 6, 10), **fields):
        action = make_action(check_indicator=waits, expected_value=Decimal(expected), check_on=check_on, **fields)
        for step in ("plan", "complete"):
            action = step_action(action=action, step=step, actor=None, seen_version=action.version, today=TODAY)
        return action

    return make


def test_the_period_judged_is_the_latest_complete_one_on_the_check_date(waits, org):
    assert checked_period(waits, dt.date(2026, 6, 10)).start == MAY
    assert checked_period(waits, dt.date(2026, 6, 1)).start == MAY
    assert checked_period(indicator_of(org, "7.2"), dt.date(2026, 6, 10)).start == dt.date(2026, 1, 1)


def test_the_expected_value_is_compared_as_the_indicator_compares_its_target(waits, org):
    assert meets_expected(waits, 7.5, Decimal(8)) and meets_expected(waits, 8, Decimal(8))
    assert not meets_expected(waits, 8.5, Decimal(8))
    share = indicator_of(org, "4.1")  # at least
    assert meets_expected(share, 95, Decimal(90)) and not meets_expected(share, 85, Decimal(90))


def test_a_value_meeting_the_expectation_confirms_the_action_by_the_system(done_action, waits):
    action = done_action(expected=8)
    store(waits, MAY, 7.5)
    assert judge(action, day=TODAY) == "confirm_effective"
    action.refresh_from_db()
    assert action.status == S.EFFECTIVE
    assert (action.checked_on, action.checked_value, action.checked_period_start) == (TODAY, 7.5, MAY)
    assert action.check_note == "Valeur de mai 2026 : 7,5\u00a0min ; attendue : au plus 8\u00a0min."
    last = action.transitions.order_by("at", "pk").last()
    assert (last.action, last.actor) == ("confirm_effective", None)


def test_a_value_missing_the_expectation_finds_the_action_ineffective(done_action, waits):
    action = done_action(expected=8)
    store(waits, MAY, 12)
    assert judge(action, day=TODAY) == "find_ineffective"
    action.refresh_from_db()
    assert action.status == S.INEFFECTIVE and action.checked_value == 12


def test_without_a_whole_town_value_for_the_period_there_is_no_verdict(done_action, waits, org):
    action = done_action()
    store(waits, MAY, 5, service=Service.objects.get(organisation=org, code="accueil"))
    store(waits, dt.date(2026, 6, 1), 5)  # the current month: not complete on the check date
    assert judge(action, day=TODAY) is None
    action.refresh_from_db()
    assert action.status == S.DONE and action.checked_on is None
    assert action.awaits_check(TODAY)


def test_no_verdict_before_the_check_date_nor_for_an_action_not_done(done_action, make_action, waits):
    early = done_action(check_on=dt.date(2026, 7, 1))
    store(waits, MAY, 5)
    assert judge(early, day=TODAY) is None
    not_done = make_action(check_indicator=waits, expected_value=8, check_on=dt.date(2026, 6, 1))
    assert judge(not_done, day=TODAY) is None
    assert not_done.status == S.PROPOSED


def test_the_daily_job_judges_the_checks_that_came_in_this_town_only(done_action, make_action, waits, other_org):
    judged, waiting = done_action(), done_action(check_on=dt.date(2026, 7, 1))
    store(waits, MAY, 5)
    assert "improvement.effectiveness_checks" in DAILY_JOBS
    assert judge_due_checks(other_org, TODAY) == 0
    outcome = run_daily_jobs(waits.organisation)
    assert outcome.results["improvement.effectiveness_checks"] == "1"
    judged.refresh_from_db()
    waiting.refresh_from_db()
    assert (judged.status, waiting.status) == (S.EFFECTIVE, S.DONE)
