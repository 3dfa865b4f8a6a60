"""The measure "audits.score" on small cases computed by hand."""

import datetime as dt

import pytest

from audits.metrics import SCORE, records_url, score
from audits.models import GridKind
from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from core.metrics import MetricQuery
from core.models import Role, Service, Site
from core.periods import Period
from core.registries import METRICS

MARCH = Period.parse("2026-03")


@pytest.fixture
def assessor(org, make_member):
    return make_member(org, Role.AGENT)


def measure(org, period=MARCH, **kwargs):
    params = {"commitment": kwargs.pop("commitment", "1")}
    if "kinds" in kwargs:
        params["kinds"] = kwargs.pop("kinds")
    return score(MetricQuery(organisation=org, period=period, params=params, **kwargs))


def test_the_metric_is_registered_with_the_indicator_engine():
    assert METRICS.get(SCORE).compute is score


def test_yes_earns_the_weight_partly_half_no_nothing_and_not_applicable_is_left_out(org, assessor):
    grid = make_weighted_grid(org, [("1", 3), ("1", 2), ("1", 1), ("1", 4)])
    assessment = make_filled_grid(make_grid_campaign(grid), assessor, ["yes", "partly", "no", "na"])
    result = measure(org)
    # earned 3 + 1 + 0 = 4 of 3 + 2 + 1 = 6 possible (the weight 4 "sans objet" left out)
    assert (result.numerator, result.denominator) == (4.0, 6.0)
    assert round(result.value, 2) == 66.67
    assert result.sample_size == 1 and result.record_ids == (assessment.pk,)


def test_two_grids_are_pooled_by_their_points_not_averaged(org, assessor):
    big = make_weighted_grid(org, [("1", 5), ("1", 5)], title="Grande grille")
    small = make_weighted_grid(org, [("1", 2)], title="Petite grille")
    first = make_filled_grid(make_grid_campaign(big), assessor, ["yes", "yes"])  # 10 of 10: 100 %
    second = make_filled_grid(make_grid_campaign(small), assessor, ["no"])  # 0 of 2: 0 %
    result = measure(org)
    assert (result.numerator, result.denominator) == (10.0, 12.0)
    assert round(result.value, 2) == 83.33  # pooled; the average of shares would be 50 %
    assert result.sample_size == 2 and result.record_ids == (first.pk, second.pk)


def test_a_grid_still_being_filled_counts_for_nothing(org, assessor):
    grid = make_weighted_grid(org, [("1", 1)])
    make_filled_grid(make_grid_campaign(grid), assessor, ["no"], checked_on=None)
    assert measure(org) is None
    done = make_filled_grid(make_grid_campaign(grid), assessor, ["yes"])
    result = measure(org)
    assert result.value == 100 and result.record_ids == (done.pk,)


def test_only_the_commitment_asked_and_checks_of_the_period_count(org, assessor):
    grid = make_weighted_grid(org, [("1", 1), ("10", 3)])
    campaign = make_grid_campaign(grid)
    make_filled_grid(campaign, assessor, ["yes", "no"])
    make_filled_grid(campaign, assessor, ["no", "no"], checked_on=dt.date(2026, 4, 1))  # April
    assert measure(org).value == 100
    assert measure(org, commitment="10").value == 0
    assert measure(org, commitment="12") is None
    quarter = measure(org, period=Period.parse("2026-Q2"))
    assert quarter.value == 0 and quarter.sample_size == 1


def test_kinds_narrow_to_the_types_of_check_asked(org, assessor):
    self_check = make_weighted_grid(org, [("1", 1)], kind=GridKind.SELF_ASSESSMENT)
    visit = make_weighted_grid(org, [("1", 1)], kind=GridKind.MYSTERY_VISIT, title="Visite")
    make_filled_grid(make_grid_campaign(self_check), assessor, ["yes"])
    make_filled_grid(make_grid_campaign(visit), assessor, ["no"])
    assert measure(org).value == 50
    assert measure(org, kinds=["visit"]).value == 0
    assert measure(org, kinds=["self", "visit"]).value == 50
    assert measure(org, kinds=["call"]) is None


def test_a_site_or_a_service_counts_the_grids_made_there(org, assessor):
    town_hall = Site.objects.get(organisation=org)
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    reception = Service.objects.get(organisation=org, code="accueil")
    grid = make_weighted_grid(org, [("1", 1)])
    campaign = make_grid_campaign(grid)
    at_town_hall = make_filled_grid(campaign, assessor, ["yes"], site=town_hall)
    for_reception = make_filled_grid(campaign, assessor, ["partly"], service=reception)  # a service of the town hall
    at_annex = make_filled_grid(campaign, assessor, ["no"], site=annex)
    everywhere = measure(org)
    assert everywhere.value == 50 and everywhere.sample_size == 3
    town_hall_only = measure(org, site=town_hall)
    assert town_hall_only.value == 75 and town_hall_only.record_ids == (at_town_hall.pk, for_reception.pk)
    assert measure(org, site=annex).record_ids == (at_annex.pk,)
    assert measure(org, service=reception).value == 50


def test_another_towns_grids_never_count(org, other_org, assessor, make_member):
    grid = make_weighted_grid(other_org, [("1", 1)])
    make_filled_grid(make_grid_campaign(grid), make_member(other_org, Role.AGENT), ["no"])
    assert measure(org) is None


def test_an_indicator_without_a_commitment_has_no_value(org, assessor):
    make_filled_grid(make_grid_campaign(make_weighted_grid(org, [("1", 1)])), assessor, ["yes"])
    assert score(MetricQuery(organisation=org, period=MARCH, params={})) is None


def test_the_drill_down_lists_the_grids_of_the_commitment_and_period(org):
    url = records_url(org, Period.parse("2026-Q1"), {"commitment": "15", "kinds": ["call"]})
    assert url == f"/o/{org.slug}/controles/grilles-remplies/?engagement=15&periode=2026-Q1&type=call"
