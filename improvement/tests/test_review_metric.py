"""Indicator 23.2 (annual review done) computed from the validated reviews."""

import datetime as dt

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.metrics import MetricQuery
from core.models import Service
from core.periods import Period
from improvement.meetings import create_review, validate_review
from improvement.review_metrics import review_validated

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]
YEAR_2025 = Period.parse("2025")


def measured(organisation, period):
    measure = review_validated(MetricQuery(organisation, period))
    assert measure is not None
    return measure


def test_a_year_counts_as_reviewed_once_a_version_is_validated(org, other_org):
    draft = create_review(organisation=org, actor=None, year=2025)
    assert measured(org, YEAR_2025).value == 0
    validate_review(review=draft, pdf=b"%PDF-1.7", actor=None)
    measure = measured(org, YEAR_2025)
    assert (measure.value, measure.record_ids) == (1, (draft.pk,))
    assert measured(org, Period.parse("2024")).value == 0
    assert measured(other_org, YEAR_2025).value == 0


def test_the_measure_is_of_a_whole_year_and_the_whole_town_only(org):
    service = Service.objects.filter(organisation=org).first()
    assert review_validated(MetricQuery(org, YEAR_2025, service=service)) is None
    assert review_validated(MetricQuery(org, Period.parse("2025-03"))) is None


def test_indicator_23_2_of_qualivilles_is_computed_on_validation(org, django_capture_on_commit_callbacks):
    load_framework(organisation=org, code="qualivilles")
    indicator = Indicator.objects.get(organisation=org, code="23.2")
    assert indicator.metric_key == "improvement.review_validated" and not indicator.takes_manual_values
    review = create_review(organisation=org, actor=None, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        validate_review(review=review, pdf=b"%PDF-1.7", actor=None)
    value = IndicatorValue.objects.get(indicator=indicator, period_start=dt.date(2025, 1, 1), service=None, site=None)
    assert value.value == 1
