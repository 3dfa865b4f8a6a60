"""The demo towns' published results: last year's, validated by the quality manager."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.models import Role
from demo.publication_data import publish_demo_results

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC), tick=False)]


@pytest.fixture
def town(org, make_member):
    load_framework(organisation=org, code="qualivilles")
    satisfaction = Indicator.objects.get(organisation=org, code="20.2")
    IndicatorValue.objects.create(
        organisation=org,
        indicator=satisfaction,
        granularity="year",
        period_start=dt.date(2025, 1, 1),
        numerator=90,
        denominator=100,
        value=90,
        sample_size=100,
    )
    make_member(org, Role.QUALITY_MANAGER)
    return org


def test_a_demo_town_publishes_last_year_validated_by_its_quality_manager_in_january(town):
    publication = publish_demo_results(town, today=dt.date(2026, 11, 28))
    assert (publication.year, publication.version) == (2025, 1)
    assert publication.validated_by is not None and publication.validated_by.email.startswith("quality_manager@")
    assert publication.validated_at == dt.datetime(2026, 1, 15, 10, tzinfo=ZoneInfo("Europe/Paris"))
    assert publication.content["services_publics_plus"][2]["results"][0]["numerator"] == 90


@pytest.mark.time_machine(dt.datetime(2026, 1, 3, 8, tzinfo=dt.UTC), tick=False)
def test_a_demo_built_early_in_january_publishes_on_its_day(town):
    publication = publish_demo_results(town, today=dt.date(2026, 1, 3))
    assert publication.validated_at.date() == dt.date(2026, 1, 3)
    assert publication.validated_at == dt.datetime(2026, 1, 3, 8, tzinfo=dt.UTC)  # not in the future
