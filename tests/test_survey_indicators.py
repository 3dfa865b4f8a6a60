"""The framework's survey indicators follow the recorded answers and the campaigns' dates
(surveys and commitments together)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.daily import run_daily_jobs
from core.models import AuditEvent
from surveys.actions import update_campaign
from surveys.tests.conftest import answer, campaign, questionnaire  # noqa: F401 -- the surveys' fixtures

pytestmark = pytest.mark.django_db


def test_the_framework_indicators_are_computed_from_a_paper_questionnaire_once_typed(
    org,
    answer,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    load_framework(organisation=org, code="qualivilles")
    with django_capture_on_commit_callbacks(execute=True):
        answer(channel="paper", globale="satisfait", signaletique="peu_satisfait")
    values = {
        indicator.code: indicator.values.filter(period_start=dt.date(2026, 1, 1)).first()
        for indicator in Indicator.objects.filter(organisation=org, code__in=["1.2", "20.1", "20.2"])
    }
    assert values["20.2"] is not None and values["20.2"].value == 100.0
    assert values["1.2"] is not None and values["1.2"].value == 0.0
    assert values["20.1"] is not None and values["20.1"].value == 1


def test_moving_the_closing_day_into_next_year_moves_the_figures(
    org,
    campaign,  # noqa: F811
    answer,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    load_framework(organisation=org, code="qualivilles")
    with django_capture_on_commit_callbacks(execute=True):
        answer(channel="paper", globale="satisfait")
    held = IndicatorValue.objects.filter(organisation=org, indicator__code="20.1")
    assert held.get(period_start=dt.date(2026, 1, 1)).value == 1
    with django_capture_on_commit_callbacks(execute=True):
        update_campaign(campaign=campaign, actor=None, closes_on=dt.date(2027, 1, 15))
    assert held.get(period_start=dt.date(2026, 1, 1)).value == 0
    assert held.get(period_start=dt.date(2027, 1, 1)).value == 1


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.time_machine(dt.datetime(2026, 12, 3, 14, 37, tzinfo=PARIS), tick=False)
def test_a_citizen_s_own_answer_counts_in_the_indicators_the_next_morning_and_journals_nothing_at_its_minute(
    org,
    answer,  # noqa: F811
    django_capture_on_commit_callbacks,
    time_machine,
):
    load_framework(organisation=org, code="qualivilles")
    journal = AuditEvent.objects.filter(organisation=org)
    before = journal.count()
    with django_capture_on_commit_callbacks(execute=True):
        answer(channel="web", globale="satisfait")
        answer(channel="web", globale="peu_satisfait")
    satisfaction = IndicatorValue.objects.filter(organisation=org, indicator__code="20.2", site=None)
    assert not satisfaction.exists()
    assert journal.count() == before  # no event at 14:37 whose numerator moved by one answer

    time_machine.move_to(dt.datetime(2026, 12, 4, 0, 15, tzinfo=PARIS))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_daily_jobs(org).results["surveys.tell_campaigns_answered"] == "1"
    value = satisfaction.get(period_start=dt.date(2026, 1, 1))
    assert (value.numerator, value.denominator) == (1, 2)
    times = set(journal.order_by("pk")[before:].values_list("at", flat=True))
    assert times == {dt.datetime(2026, 12, 4, 0, 15, tzinfo=PARIS)}
