"""After a calendar change, every stored figure is the one a recomputation from scratch gives
(issue 9, item 2, and its performance bar): the change re-judges calls, moves due dates and
recomputes, in one batch once it commits (ADR 0019), only the values of the apps whose records
moved. This proves that nothing it leaves alone could have changed: the summary rows are those
a rebuild gives, and every indicator value (whole town, each service, each site; month,
quarter and year; every app) is the one recomputed from the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from administration.actions import add_closure_day, delete_closure_day
from commitments.actions import recompute_periods
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.models import Organisation, Service
from core.periods import Granularity, Period
from telephony.actions import refresh_calls
from telephony.models import Call, CallMonthStat, CallSlotStat
from tests.sites import MARCH, two_sites

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))]
TUESDAY_3_MARCH = dt.date(2026, 3, 3)  # the day of two_sites' calls, tickets and deliveries


@pytest.fixture
def town(org: Organisation) -> dict[str, Any]:
    """Both sites' March activity, every Qualivilles indicator on every service, and a quarterly
    and a yearly copy of each, their values all computed."""
    sites = two_sites(org)
    load_framework(organisation=org, code="qualivilles")
    services = list(Service.objects.filter(organisation=org))
    for indicator in Indicator.objects.filter(organisation=org):
        indicator.services.set(services, through_defaults={"organisation": org})
        for granularity in (Granularity.QUARTER, Granularity.YEAR):
            copy = Indicator.objects.create(
                organisation=org, commitment=indicator.commitment, code=f"{indicator.code}-{granularity}",
                label=indicator.label, metric_key=indicator.metric_key, params=indicator.params,
                target_value=Decimal(80), unit=indicator.unit, granularity=granularity,
            )  # fmt: skip
            copy.services.set(services, through_defaults={"organisation": org})
    recompute_everything(org)
    return sites


def recompute_everything(org: Organisation) -> None:
    """Every active indicator's periods holding March, from the records."""
    indicators = Indicator.objects.filter(organisation=org, is_active=True).prefetch_related("services")
    recompute_periods(
        org,
        [(indicator, Period.containing(MARCH.start, Granularity(indicator.granularity))) for indicator in indicators],
    )


def values(org: Organisation) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    rows = IndicatorValue.objects.filter(organisation=org).values_list(
        "indicator__code", "granularity", "period_start", "service__code", "site__name",
        "numerator", "denominator", "value", "sample_size",
    )  # fmt: skip
    return {row[:5]: row[5:] for row in rows}


def summary_rows(org: Organisation) -> list[list[tuple[Any, ...]]]:
    return [
        sorted(model.objects.filter(organisation=org).values_list(*fields))
        for model, fields in (
            (CallMonthStat, ("month", "service_id", "line_key", "in_hours", "outcome", "wait_seconds", "calls")),
            (CallSlotStat, ("month", "service_id", "line_key", "in_hours", "weekday", "half_hour", "calls")),
        )
    ]


def assert_every_figure_is_recomputed_from_scratch(org: Organisation) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    followed, rows = values(org), summary_rows(org)
    refresh_calls(organisation=org, months={MARCH.start})
    assert summary_rows(org) == rows
    IndicatorValue.objects.filter(organisation=org).delete()
    recompute_everything(org)
    assert values(org) == followed
    return followed


def test_a_closure_day_leaves_every_stored_figure_as_a_recomputation_from_scratch_gives(
    org, town, django_capture_on_commit_callbacks
):
    before = values(org)
    with django_capture_on_commit_callbacks(execute=True):
        closure = add_closure_day(organisation=org, actor=None, date=TUESDAY_3_MARCH, label="Fermeture")
    assert not Call.objects.filter(organisation=org, local_date=TUESDAY_3_MARCH, in_hours=True).exists()
    after = assert_every_figure_is_recomputed_from_scratch(org)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    # every call of March was on that Tuesday: no answer rate any more, in every granularity,
    # for the town, each service and each site; the complaints' due dates moved too
    for code in ("16.2", "16.2-quarter", "16.2-year"):
        assert {(code, None, None), (code, "accueil-port", None), (code, None, "Mairie annexe du Port")} <= {
            (key[0], key[3], key[4]) for key in changed
        }
    assert {key[0] for key in changed} >= {"21.1", "21.1-quarter", "21.1-year"}
    with django_capture_on_commit_callbacks(execute=True):
        delete_closure_day(closure=closure, actor=None)
    assert assert_every_figure_is_recomputed_from_scratch(org) == before
