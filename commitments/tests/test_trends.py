"""Trends against targets: the last 12 complete periods of each indicator, the change against
the previous period and the same period a year before, read in one query.

8.1 (tickets called within 15 minutes) is monthly, target ≥ 90 %; 7.2 (mystery visits) is
quarterly, target ≥ 90 %. On 4 December 2026 the last complete month is November 2026."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Indicator, IndicatorValue, Status
from commitments.trends import complete_periods, format_change, indicator_trends, worst_status
from core.models import Site
from core.periods import Granularity, Period

from .conftest import indicator_of

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


def store(indicator, key, value, site=None, service=None):
    period = Period.parse(key)
    return IndicatorValue.objects.create(
        organisation=indicator.organisation,
        indicator=indicator,
        granularity=period.granularity,
        period_start=period.start,
        value=value,
        site=site,
        service=service,
    )


def trend_of(indicator, today=TODAY, site=None):
    return indicator_trends([indicator], organisation=indicator.organisation, today=today, site=site)[indicator.pk]


@pytest.fixture
def tickets(qualivilles, org):
    return indicator_of(org, "8.1")


def test_the_twelve_complete_periods_end_with_the_one_before_the_current():
    months = complete_periods(Granularity.MONTH, TODAY)
    assert [months[0].key, months[-1].key, len(months)] == ["2025-12", "2026-11", 12]
    quarters = complete_periods(Granularity.QUARTER, TODAY)
    assert [quarters[0].key, quarters[-1].key] == ["2023-Q4", "2026-Q3"]


def test_a_trend_holds_complete_months_only_never_the_current_one(tickets):
    store(tickets, "2026-11", 87.8)
    store(tickets, "2026-12", 95)  # en cours: no verdict, not in the trend
    trend = trend_of(tickets)
    assert [point.period.key for point in trend.points][-1] == "2026-11"
    assert "2026-12" not in [point.period.key for point in trend.points]
    assert (trend.latest.value, trend.status) == (87.8, Status.NOT_MET)


def test_the_change_against_the_previous_month_and_the_same_month_last_year(tickets):
    store(tickets, "2025-11", 85.5)
    store(tickets, "2026-10", 92)
    store(tickets, "2026-11", 87.8)
    trend = trend_of(tickets)
    assert trend.change_vs_previous == pytest.approx(-4.2)
    assert trend.change_vs_year_ago == pytest.approx(2.3)
    assert trend.year_ago.period.key == "2025-11"  # read although outside the 12 months shown
    assert (trend.change_vs_previous_text, trend.change_vs_year_ago_text) == ("−4,2\u00a0pts", "+2,3\u00a0pts")
    assert (trend.direction, trend.direction_label) == ("worse", "en recul")


def test_a_missing_value_gives_no_change_and_no_verdict(tickets):
    store(tickets, "2026-10", 92)
    trend = trend_of(tickets)
    assert trend.latest.value is None and trend.status == Status.NO_DATA
    assert trend.change_vs_previous is None and trend.change_vs_year_ago is None
    assert trend.change_vs_previous_text == "—"


def test_a_missing_previous_value_gives_no_change_against_it(tickets):
    store(tickets, "2026-11", 91)
    trend = trend_of(tickets)
    assert trend.status == Status.MET
    assert trend.change_vs_previous is None and trend.direction == ""


def test_a_quarterly_indicator_compares_with_the_same_quarter_a_year_before(score_indicator):
    store(score_indicator, "2025-Q3", 80)
    store(score_indicator, "2026-Q2", 88)
    store(score_indicator, "2026-Q3", 93)
    store(score_indicator, "2026-Q4", 99)  # en cours
    trend = trend_of(score_indicator)
    assert trend.latest.period.key == "2026-Q3" and trend.status == Status.MET
    assert (trend.change_vs_previous, trend.change_vs_year_ago) == (5, 13)
    assert trend.direction == "better"


def test_a_waiting_time_going_down_is_progress(qualivilles, org):
    waiting = Indicator.objects.filter(organisation=org, comparator="<=").exclude(unit="%").first()
    if waiting is None:
        pytest.skip("no 'at most' indicator in the framework")
    store(waiting, Period.containing(TODAY, Granularity(waiting.granularity)).previous().previous().key, 10)
    store(waiting, Period.containing(TODAY, Granularity(waiting.granularity)).previous().key, 8)
    assert trend_of(waiting).direction == "better"


def test_the_trend_of_the_town_ignores_values_of_a_service_or_a_site(tickets, org):
    site = Site.objects.get(organisation=org)
    store(tickets, "2026-11", 50, site=site)
    store(tickets, "2026-11", 60, service=org.service_set.first())
    assert trend_of(tickets).latest.value is None
    assert trend_of(tickets, site=site).latest.value == 50


def test_a_planned_indicator_has_no_verdict(planned_indicator):
    trend = trend_of(planned_indicator)
    assert {point.status for point in trend.points} == {Status.NO_DATA}


def test_every_indicator_is_read_in_one_query_and_their_closed_years_targets_in_another(qualivilles, org, other_org):
    indicators = list(Indicator.objects.filter(organisation=org))
    for indicator in indicators[:10]:
        for key in ("2026-Q2", "2026-Q3", "2025-Q3") if indicator.granularity == "quarter" else ("2026-10", "2026-11"):
            if Period.parse(key).granularity == indicator.granularity:
                store(indicator, key, 95)
    with CaptureQueriesContext(connection) as queries:
        trends = indicator_trends(indicators, organisation=org, today=TODAY)
    assert len(queries.captured_queries) == 2
    assert len(trends) == 41
    assert "organisation_id" in queries.captured_queries[0]["sql"]


def test_the_worst_status_is_a_missed_target_then_no_data():
    assert worst_status([Status.MET, Status.NOT_MET, Status.NO_DATA]) == Status.NOT_MET
    assert worst_status([Status.MET, Status.NO_DATA]) == Status.NO_DATA
    assert worst_status([Status.MET, Status.MET]) == Status.MET
    assert worst_status([]) == Status.NO_DATA


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    [
        (2.1, "%", "+2,1\u00a0pts"),
        (-1, "%", "−1\u00a0pt"),
        (0, "%", "0\u00a0pt"),
        (3, "min", "+3\u00a0min"),
        (2, "nombre", "+2"),
    ],
)
def test_a_change_is_written_in_french_with_its_unit(change, unit, text):
    assert format_change(change, unit) == text
