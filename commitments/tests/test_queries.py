import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.actions import record_manual_value
from commitments.frameworks import load_framework
from commitments.models import Commitment, Indicator, Status
from commitments.queries import commitments_overview
from core.periods import Period

from .conftest import TODAY, indicator_of, keep_typed

pytestmark = pytest.mark.django_db


def rows_by_code(overview):
    return {
        row.indicator.code: row
        for framework in overview.frameworks
        for module in framework.modules
        for commitment in module.commitments
        for row in commitment.indicators
    }


def test_the_overview_groups_commitments_by_framework_then_module(qualivilles, org):
    overview = commitments_overview(organisation=org, today=TODAY)
    [framework] = overview.frameworks
    assert framework.framework.code == "qualivilles"
    assert [module.module.number for module in framework.modules] == [1, 2, 3, 4, 5]
    assert [row.commitment.code for row in framework.modules[1].commitments] == ["11", "22"]
    assert [row.commitment.code for row in framework.modules[0].commitments][:3] == ["1", "2", "3"]


def test_without_values_every_indicator_is_without_data(qualivilles, org):
    overview = commitments_overview(organisation=org, today=TODAY)
    assert (overview.summary.met, overview.summary.not_met, overview.summary.no_data) == (0, 0, 41)


def test_the_latest_all_services_value_gives_the_status(share_indicator, org):
    record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-02"), actor=None, numerator=1, denominator=1
    )
    record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=1, denominator=2
    )
    row = rows_by_code(commitments_overview(organisation=org, today=TODAY))["4.1"]
    assert row.latest.period.key == "2026-03"
    assert row.status == Status.NOT_MET
    assert commitments_overview(organisation=org, today=TODAY).summary.not_met == 1


def test_a_planned_indicator_has_no_data_and_says_why(planned_indicator, org):
    row = rows_by_code(commitments_overview(organisation=org, today=TODAY))["9.1"]
    assert row.status == Status.NO_DATA
    assert row.note == "Mesure automatique prévue (module à venir)"


def test_inactive_commitments_do_not_count_in_the_summary(share_indicator, org):
    record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=1, denominator=1
    )
    share_indicator.commitment.is_active = False
    share_indicator.commitment.save()
    assert commitments_overview(organisation=org, today=TODAY).summary.met == 0


def test_the_framework_filter_keeps_one_framework(qualivilles, org):
    load_framework(organisation=org, code="services-publics-plus")
    overview = commitments_overview(organisation=org, today=TODAY, framework_code="services-publics-plus")
    assert [row.framework.code for row in overview.frameworks] == ["services-publics-plus"]
    assert len(overview.available) == 2


def test_the_overview_shows_nothing_of_another_town(qualivilles, org, other_org):
    assert commitments_overview(organisation=other_org, today=TODAY).frameworks == []


def test_the_overview_runs_the_same_number_of_queries_for_8_or_31_commitments(org, django_assert_num_queries):
    """Complete and current values alike are read in one query, whatever their number."""
    load_framework(organisation=org, code="services-publics-plus")
    record_manual_value(
        indicator=_first_manual(org, "services-publics-plus"), period=Period.parse("2026"), actor=None, value=1
    )
    with CaptureQueriesContext(connection) as small:
        commitments_overview(organisation=org, today=TODAY)
    load_framework(organisation=org, code="qualivilles")
    keep_typed(org)
    for code in ("1.1", "2.1", "3.1"):
        for quarter in ("2026-Q1", "2026-Q2"):
            record_manual_value(indicator=indicator_of(org, code), period=Period.parse(quarter), actor=None, value=100)
    with django_assert_num_queries(len(small.captured_queries)):
        overview = commitments_overview(organisation=org, today=TODAY)
    assert overview.summary.met == 3  # 2026-Q1; the year 2026 and 2026-Q2 are en cours on 15 April
    assert len(rows_with(overview, Status.IN_PROGRESS)) == 4
    # sites (the site selector), services (the service filter), frameworks, commitments,
    # indicators, latest values, trend values
    assert len(small.captured_queries) == 8  # with the closed years' targets (ADR 0025)


def rows_with(overview, current_status):
    return [
        row
        for framework in overview.frameworks
        for module in framework.modules
        for commitment in module.commitments
        for row in commitment.indicators
        if row.current_status == current_status
    ]


def _first_manual(org, framework_code):
    """SP+ ships no manual indicator: add a yes/no one to its commitment 6 for the test."""
    commitment = Commitment.objects.get(organisation=org, framework__code=framework_code, code="6")
    return Indicator.objects.create(
        organisation=org,
        commitment=commitment,
        code="6.1",
        label="Résultats publiés",
        metric_key="manual.yes_no",
        comparator="==",
        target_value=1,
        unit="oui/non",
        granularity="year",
    )
