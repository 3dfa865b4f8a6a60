"""A recomputation reads what its metrics share once (issue 9, item 2's performance bar).

After a change of calls or tickets (a calendar change re-judges calls), every indicator measured
by the app is recomputed for the whole town, each service concerned and each site. The stored
values are read in one query, the metrics of a period read the period's summary rows once
(`core.metrics.Memo`), and the changed values and their audit events are written in bulk: the
number of queries does not grow with the number of indicators, services or sites. The values
are those that one recomputation per value gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from commitments.actions import recompute_after_change, recompute_indicator
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.models import AuditEvent, Organisation, Service
from core.periods import Granularity, Period
from tests.sites import MARCH, two_sites

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))]

# The queries of one recomputation of an app's indicators for one month, whatever their number
# (one of them, on PostgreSQL, locks the town's journal chain before its events: core.chain).
MAX_QUERIES = 13


def more_indicators(org: Organisation, prefix: str, copies: int) -> list[Indicator]:
    """The app's indicators on every service of the town, and `copies` more of each of its
    metrics, each with other parameters."""
    services = Service.objects.filter(organisation=org)
    made = []
    for indicator in Indicator.objects.filter(organisation=org, metric_key__startswith=f"{prefix}."):
        indicator.services.set(services, through_defaults={"organisation": org})
        for copy in range(copies):
            params = {name: value + copy + 1 for name, value in indicator.params.items() if isinstance(value, int)}
            extra = Indicator.objects.create(
                organisation=org, commitment=indicator.commitment, code=f"{indicator.code}-{copy}",
                label=indicator.label, metric_key=indicator.metric_key, params={**indicator.params, **params},
                target_value=Decimal(80), unit=indicator.unit, granularity="month",
            )  # fmt: skip
            extra.services.set(services, through_defaults={"organisation": org})
            made.append(extra)
    return made


@pytest.fixture
def town(org: Organisation) -> dict[str, Any]:
    sites = two_sites(org)
    load_framework(organisation=org, code="qualivilles")
    return sites


def stored(org: Organisation) -> set[tuple[Any, ...]]:
    return set(
        IndicatorValue.objects.filter(organisation=org).values_list(
            "indicator__code", "period_start", "service_id", "site_id", "numerator", "denominator", "value",
            "sample_size",
        )
    )  # fmt: skip


@pytest.mark.parametrize("prefix", ["telephony", "reception", "correspondence"])
@pytest.mark.parametrize("copies", [0, 4])
def test_recomputing_an_apps_indicators_takes_a_bounded_number_of_queries(
    org, town, prefix, copies, django_assert_max_num_queries
):
    more_indicators(org, prefix, copies)
    with django_assert_max_num_queries(MAX_QUERIES):
        recomputed = recompute_after_change(org, prefix, {MARCH.start})
    assert recomputed >= 1 + copies
    values = IndicatorValue.objects.filter(organisation=org, indicator__metric_key__startswith=f"{prefix}.")
    assert values.filter(site__isnull=False).exists(), "values per site are recomputed too"
    assert values.filter(service__isnull=False).exists(), "values per service are recomputed too"
    with django_assert_max_num_queries(MAX_QUERIES):
        recompute_after_change(org, prefix, {MARCH.start})


def test_the_values_are_those_of_one_recomputation_per_value(org, town):
    extra = more_indicators(org, "telephony", 2)
    recompute_after_change(org, "telephony", {MARCH.start})
    together = stored(org)
    IndicatorValue.objects.filter(organisation=org).delete()
    for indicator in Indicator.objects.filter(organisation=org, metric_key__startswith="telephony."):
        period = Period.containing(MARCH.start, Granularity(indicator.granularity))
        for service in [None, *indicator.services.all()]:
            recompute_indicator(indicator=indicator, period=period, service=service)
        for site in (town["town_hall"], town["annex"]):
            recompute_indicator(indicator=indicator, period=period, site=site)
    assert stored(org) == together
    assert len(together) >= 3 * len(extra)


def test_a_changed_value_is_journaled_once_and_an_unchanged_one_not_again(org, town):
    recompute_after_change(org, "telephony", {MARCH.start})
    events = AuditEvent.objects.filter(organisation=org, object_type="commitments.indicatorvalue")
    first = events.count()
    values = IndicatorValue.objects.filter(organisation=org)
    assert first == values.count()
    assert set(events.values_list("object_id", flat=True)) == {str(pk) for pk in values.values_list("pk", flat=True)}
    recompute_after_change(org, "telephony", {MARCH.start})
    assert events.count() == first
