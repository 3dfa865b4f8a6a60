"""The framework's survey indicators follow the recorded answers and the campaigns' dates
(surveys and commitments together)."""

import datetime as dt

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from surveys.actions import update_campaign
from surveys.tests.conftest import answer, campaign, questionnaire  # noqa: F401 -- the surveys' fixtures

pytestmark = pytest.mark.django_db


def test_the_framework_indicators_are_computed_from_the_answers_once_recorded(
    org,
    answer,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    load_framework(organisation=org, code="qualivilles")
    with django_capture_on_commit_callbacks(execute=True):
        answer(globale="satisfait", signaletique="peu_satisfait")
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
        answer(globale="satisfait")
    held = IndicatorValue.objects.filter(organisation=org, indicator__code="20.1")
    assert held.get(period_start=dt.date(2026, 1, 1)).value == 1
    with django_capture_on_commit_callbacks(execute=True):
        update_campaign(campaign=campaign, actor=None, closes_on=dt.date(2027, 1, 15))
    assert held.get(period_start=dt.date(2026, 1, 1)).value == 0
    assert held.get(period_start=dt.date(2027, 1, 1)).value == 1
