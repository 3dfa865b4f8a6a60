"""Every computed metric reads per site (issue 9, item 10): a town with an annex gets the
figures of each of its sites, counted from the records of that site's services only.

The town has its town hall (services Accueil and État civil) and an annex with one service
(tests/sites.py). Each domain records a little activity at the town hall's reception and a
different one at the annex, so for every registered metric: the annex's figure is its
service's figure, the town hall's is its reception's, and the two differ (the site really
narrows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.metrics import Measure, MetricQuery
from core.models import Organisation
from core.periods import Granularity, Period
from core.registries import METRICS
from tests.sites import MARCH, two_sites

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))]


@pytest.fixture
def town(org: Organisation) -> dict[str, Any]:
    return two_sites(org)


# Measures of the whole town that no site has on its own: they answer None for a site or a service.
TOWN_WIDE_METRICS = {"improvement.review_validated", "improvement.meetings_held", "surveys.held"}
# Measures of a site but of no service: a survey answer is given at a site (its kiosk, its paper
# questionnaires), never to a service (surveys/tests/test_metrics.py reads them by site).
SITE_ONLY_METRICS = {"surveys.satisfaction"}


def computed_metric_keys() -> list[str]:
    left_out = TOWN_WIDE_METRICS | SITE_ONLY_METRICS
    return [key for key, metric in METRICS.items() if metric.compute is not None and key not in left_out]


@pytest.mark.parametrize("key", sorted(TOWN_WIDE_METRICS))
def test_a_town_wide_metric_answers_nothing_for_a_site_or_a_service(org, town, key):
    compute = METRICS.get(key).compute
    assert compute is not None
    year = Period.containing(MARCH.start, Granularity.YEAR)
    assert compute(MetricQuery(organisation=org, period=year)) is not None
    assert compute(MetricQuery(organisation=org, period=year, site=town["annex"])) is None
    assert compute(MetricQuery(organisation=org, period=year, service=town["port"])) is None


# The params a metric needs to measure anything (the grids' score reads one commitment).
PARAMS: dict[str, dict[str, Any]] = {"audits.score": {"commitment": "1"}}


def measure(org: Organisation, key: str, **scope: Any) -> Measure | None:
    compute = METRICS.get(key).compute
    assert compute is not None
    return compute(MetricQuery(organisation=org, period=MARCH, params=PARAMS.get(key, {}), **scope))


@pytest.mark.parametrize("key", computed_metric_keys())
def test_every_metric_reads_the_records_of_one_site_only(org, town, key):
    annex = measure(org, key, site=town["annex"])
    town_hall = measure(org, key, site=town["town_hall"])
    assert annex == measure(org, key, service=town["port"])
    assert town_hall == measure(org, key, service=town["reception"])
    assert town_hall is not None and annex is not None, "each site has activity for this metric"
    assert town_hall != annex


def test_every_metric_is_covered_by_the_per_site_test():
    """A new computed metric joins the parametrised test above by registering itself."""
    prefixes = {key.split(".")[0] for key in computed_metric_keys()}
    assert {"telephony", "reception", "correspondence", "civil_registry", "complaints"} <= prefixes


def test_a_site_and_its_only_service_give_the_same_answer_rate(org, town):
    rate = measure(org, "telephony.answer_rate", site=town["town_hall"])
    assert rate is not None
    assert (rate.numerator, rate.denominator) == (2, 3)
    whole = measure(org, "telephony.answer_rate")
    assert whole is not None
    assert (whole.numerator, whole.denominator) == (3, 4)
