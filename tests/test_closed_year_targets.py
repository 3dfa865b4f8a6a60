"""A closed year keeps the targets of its closing day (ADR 0025): a town that raises a target the
next year does not see its closed year's results turn into failures, on the pages an auditor
reads as in the documents of that year; a reopened year follows the current target again."""

import datetime as dt
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from accounts.testing import log_in_verified
from commitments.actions import record_manual_value, update_indicator
from commitments.closing import close_year, reopen_year
from commitments.frameworks import load_framework
from commitments.models import ClosedYearTarget, Indicator, Status
from commitments.queries import indicator_rows
from commitments.targets import read_in_year
from commitments.tests.conftest import indicator_of, keep_typed
from commitments.trends import indicator_trends
from core.models import Role
from core.periods import Granularity, Period
from dashboards.audit_year import audit_year
from evidence.contents import commitment_parts, verdict

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 2, 10)
Q2_2025 = Period(dt.date(2025, 4, 1), Granularity.QUARTER)


@pytest.fixture(autouse=True)
def february_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 2, 10, 10, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.QUALITY_MANAGER)


@pytest.fixture
def score_indicator(org) -> Indicator:
    """7.2: mystery-visit score, quarterly, target ≥ 90 %, typed (as a town entering its own figures)."""
    load_framework(organisation=org, code="qualivilles")
    keep_typed(org)
    return indicator_of(org, "7.2")


@pytest.fixture
def closed_then_raised(org, manager, score_indicator):
    """7.2 (mystery-visit score, ≥ 90 %) scored 92 % in the second quarter of 2025, 2025 closed,
    then the target raised to 95 % for 2026."""
    record_manual_value(indicator=score_indicator, period=Q2_2025, actor=manager, value=92)
    closing = close_year(organisation=org, year=2025, actor=manager)
    update_indicator(indicator=score_indicator, actor=manager, target_value=Decimal("95"))
    return closing


def fresh(indicator: Indicator) -> Indicator:
    return Indicator.objects.get(pk=indicator.pk)


def test_closing_keeps_each_indicator_s_target_of_that_day(org, score_indicator, closed_then_raised):
    frozen = ClosedYearTarget.objects.get(closing=closed_then_raised, indicator=score_indicator)
    assert (frozen.comparator, frozen.target_value) == (">=", Decimal("90.00"))
    assert (
        ClosedYearTarget.objects.filter(closing=closed_then_raised).count()
        == Indicator.objects.filter(organisation=org).count()
    )


def test_a_closed_year_s_value_is_judged_against_its_closing_s_target_and_a_later_one_against_today_s(
    score_indicator, closed_then_raised
):
    indicator = fresh(score_indicator)
    assert indicator.status_for(92, year=2025) == Status.MET
    assert indicator.status_for(92, year=2026) == Status.NOT_MET
    assert indicator.status_on(92, period=Q2_2025, today=TODAY) == Status.MET
    assert indicator.target_label == "≥\u00a095\u00a0%"
    assert read_in_year([indicator], 2025)[0].target_label == "≥\u00a090\u00a0%"
    assert indicator.target_label == "≥\u00a095\u00a0%"  # the copy, not the indicator, carries 2025's target


def test_the_auditor_s_view_and_the_evidence_pack_of_the_closed_year_show_its_closing_s_target(
    org, score_indicator, closed_then_raised
):
    audited = audit_year(organisation=org, today=TODAY, asked="2025")
    (row,) = [
        indicator_year
        for module in audited.modules
        for commitment in module.commitments
        for indicator_year in commitment.indicators
        if indicator_year.indicator.pk == score_indicator.pk
    ]
    assert row.indicator.target_label == "≥\u00a090\u00a0%"
    assert [value.status for value in row.periods if value.value is not None] == [Status.MET]

    (part,) = [
        indicator_part
        for commitment_part in commitment_parts(org, 2025)
        for indicator_part in commitment_part.indicators
        if indicator_part.indicator.pk == score_indicator.pk
    ]
    assert part.indicator.target_label == "≥\u00a090\u00a0%"
    assert [verdict(value) for value in part.values] == ["Atteint"]


def test_the_trend_and_the_overview_judge_the_closed_year_s_periods_against_its_closing_s_target(
    org, score_indicator, closed_then_raised
):
    indicators = list(Indicator.objects.filter(pk=score_indicator.pk))
    trend = indicator_trends(indicators, organisation=org, today=TODAY)[score_indicator.pk]
    (point,) = [point for point in trend.points if point.period == Q2_2025]
    assert point.status == Status.MET
    (row,) = indicator_rows(Indicator.objects.filter(pk=score_indicator.pk), today=dt.date(2025, 8, 1))
    assert row.latest is not None and row.latest.period_start == Q2_2025.start
    assert row.status == Status.MET


def test_a_reopened_year_follows_today_s_target_and_a_new_closing_keeps_that_one(
    org, manager, score_indicator, closed_then_raised
):
    reopen_year(organisation=org, year=2025, actor=manager, reason="Erreur de saisie")
    assert fresh(score_indicator).status_for(92, year=2025) == Status.NOT_MET
    close_year(organisation=org, year=2025, actor=manager)
    assert fresh(score_indicator).closed_targets == {2025: (">=", Decimal("95.00"))}


def test_a_year_closed_before_targets_were_kept_gets_its_closing_day_s_target_from_the_journal(
    org, manager, score_indicator
):
    closing = close_year(organisation=org, year=2025, actor=manager)
    ClosedYearTarget.objects.all().delete()  # as a year closed before the migration
    update_indicator(indicator=score_indicator, actor=manager, target_value=Decimal("95"))
    update_indicator(indicator=score_indicator, actor=manager, target_value=Decimal("97"))
    migration = import_module("commitments.migrations.0006_closed_year_targets")

    migration.freeze_targets_of_closed_years(apps, None)

    assert ClosedYearTarget.objects.get(closing=closing, indicator=score_indicator).target_value == Decimal("90")
    assert fresh(score_indicator).status_for(92, year=2025) == Status.MET


def test_a_page_reads_the_closed_years_targets_of_all_its_indicators_in_one_query(
    org, closed_then_raised, django_assert_num_queries
):
    indicators = list(Indicator.objects.filter(organisation=org))
    with django_assert_num_queries(1):
        read = read_in_year(indicators, 2025)
        assert all(indicator.status_for(92, year=2025) for indicator in read)


def test_the_pages_say_which_target_a_closed_year_keeps(org, score_indicator, closed_then_raised, manager):
    client = log_in_verified(Client(), manager)
    page = client.get(reverse("commitments:commitment_detail", args=[org.slug, score_indicator.commitment_id]))
    assert (
        "Exercice clôturé : valeur figée, jugée sur la cible de la clôture (≥\u00a090\u00a0%)" in page.content.decode()
    )
    form = client.get(reverse("commitments:indicator_edit", args=[org.slug, score_indicator.pk])).content.decode()
    assert "les exercices clôturés gardent celle de leur clôture (2025 : ≥\u00a090\u00a0%)" in form
