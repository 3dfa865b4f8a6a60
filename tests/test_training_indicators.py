"""Indicators 11.1, 22.1 and 22.2 follow the training records (training and commitments
together), for new towns through the framework file and for existing towns through the data
migration that switches their typed indicators."""

import datetime as dt
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from training.actions import mark_departed
from training.models import Kind, TrainingSettings
from training.tests.conftest import make_agent, make_session  # noqa: F401 -- the training fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC))]

TRAINING_METRICS = {
    "11.1": "training.front_line_trained",
    "22.1": "training.agents_briefed",
    "22.2": "training.newcomers_briefed_on_time",
}
YEAR = dt.date(2026, 1, 1)


def metrics_of(org):
    rows = Indicator.objects.filter(organisation=org, code__in=TRAINING_METRICS)
    return dict(rows.values_list("code", "metric_key"))


def year_value(org, code):
    value = IndicatorValue.objects.get(
        organisation=org, indicator__code=code, granularity="year", period_start=YEAR, service=None, site=None
    )
    return value.numerator, value.denominator


def test_a_new_town_measures_training_and_briefings_from_the_records(org):
    load_framework(organisation=org, code="qualivilles")
    assert metrics_of(org) == TRAINING_METRICS


def test_recording_sessions_and_a_departure_recomputes_the_years_values(
    org,
    make_agent,  # noqa: F811
    make_session,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    load_framework(organisation=org, code="qualivilles")
    with django_capture_on_commit_callbacks(execute=True):
        anne = make_agent("Anne Martin", dt.date(2020, 1, 6))
        bruno = make_agent("Bruno Roux", dt.date(2026, 3, 2))
        make_session(dt.date(2026, 3, 16), [anne])
        make_session(dt.date(2026, 4, 20), [anne], kind=Kind.BRIEFING)
    assert year_value(org, "11.1") == (1, 2)
    assert year_value(org, "22.1") == (1, 2)
    assert year_value(org, "22.2") == (0, 1)  # Bruno's deadline was 1 April
    with django_capture_on_commit_callbacks(execute=True):
        mark_departed(agent=bruno, actor=None, departed_on=dt.date(2026, 3, 20), today=dt.date(2026, 11, 27))
    # Bruno left before his deadline: 22.2 has no newcomer left to judge
    assert not IndicatorValue.objects.filter(organisation=org, indicator__code="22.2").exists()
    assert year_value(org, "11.1") == (1, 2)  # still in post during the year


def test_the_migration_switches_an_existing_towns_typed_indicators_and_adds_22_2(org, other_org):
    load_framework(organisation=org, code="qualivilles")
    load_framework(organisation=other_org, code="qualivilles")
    Indicator.objects.filter(organisation=org, code__in=["11.1", "22.1"]).update(metric_key="manual.share")
    Indicator.objects.filter(organisation=org, code="22.2").delete()
    Indicator.objects.filter(organisation=other_org, code="11.1").update(metric_key="manual.score")  # its own choice
    TrainingSettings.objects.filter(organisation=org).delete()

    migration = import_module("training.migrations.0002_town_defaults_and_indicators")
    migration.follow_the_records(apps, SimpleNamespace(connection=None))

    assert metrics_of(org) == TRAINING_METRICS
    added = Indicator.objects.get(organisation=org, code="22.2")
    assert (added.commitment.code, added.granularity, float(added.target_value), added.unit) == ("22", "year", 100, "%")
    assert metrics_of(other_org)["11.1"] == "manual.score"
    assert TrainingSettings.objects.get(organisation=org).briefing_days == 30
    migration.follow_the_records(apps, SimpleNamespace(connection=None))  # twice changes nothing
    assert Indicator.objects.filter(organisation=org, code="22.2").count() == 1


def test_a_new_town_gets_its_briefing_deadline_with_the_town(org):
    assert TrainingSettings.objects.get(organisation=org).briefing_days == 30
