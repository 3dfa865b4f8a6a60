"""A finding of a filled grid (a criterion answered "non" or "en partie") opens an improvement
action in one click, linked both ways; the indicators of the grids read their scores."""

import datetime as dt

import pytest

from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from commitments.actions import recompute_indicator
from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.models import Role
from core.periods import Period
from improvement.models import ImprovementAction, Origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(org, make_member):
    load_framework(organisation=org, code="qualivilles")
    grid = make_weighted_grid(org, [("10", 2), ("10", 1), ("12", 3)], kind="visit", title="Visite d'essai")
    assessor = make_member(org, Role.AGENT, email="testeur@ville-test.test")
    return make_filled_grid(make_grid_campaign(grid), assessor, ["no", "yes", "partly"])


def open_from(client, org, answer):
    return client.post(f"/o/{org.slug}/amelioration/actions/ouvrir-depuis/?origin=audit&finding={answer.pk}")


@pytest.mark.time_machine(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
def test_a_finding_opens_an_action_that_names_it_and_shows_back_on_the_grid(org, done, manager_client):
    finding = done.answers.order_by("criterion__position").first()
    response = open_from(manager_client, org, finding)
    action = ImprovementAction.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"].endswith(f"/actions/{action.pk}/modifier/")
    assert (action.origin, action.origin_type, action.origin_id) == (
        Origin.AUDIT,
        "audits.criterionanswer",
        str(finding.pk),
    )
    assert action.origin_label == (
        f"Constat n° {finding.pk}, Visite d'essai du 10/03/2026 : « Point n° 1 de l'engagement 10 » (non)"
    )
    assert "testeur" not in action.origin_label
    assert action.commitment is not None and action.commitment.code == "10"
    assert action.due_on == dt.date(2026, 4, 19)
    detail = manager_client.get(f"/o/{org.slug}/amelioration/actions/{action.pk}/").content.decode()
    assert f"/controles/grilles-remplies/{done.pk}/#reponse-{finding.pk}" in detail
    grid_page = manager_client.get(f"/o/{org.slug}/controles/grilles-remplies/{done.pk}/").content.decode()
    assert f"/amelioration/actions/{action.pk}/" in grid_page


def test_an_answer_yes_opens_no_action(org, done, manager_client):
    met = done.answers.get(rating="yes")
    assert open_from(manager_client, org, met).status_code == 400
    assert not ImprovementAction.objects.exists()


def test_a_finding_of_another_town_gives_404(org, other_org, done, client_as):
    finding = done.answers.get(rating="no")
    outsider = client_as(other_org, Role.ADMIN)
    assert (
        outsider.post(
            f"/o/{other_org.slug}/amelioration/actions/ouvrir-depuis/?origin=audit&finding={finding.pk}"
        ).status_code
        == 404
    )
    assert not ImprovementAction.objects.exists()


def test_the_grid_indicators_read_the_scores_of_the_filled_grids(org, done):
    visit_10 = Indicator.objects.get(organisation=org, code="10.1")
    assert (visit_10.metric_key, visit_10.params) == ("audits.score", {"commitment": "10", "kinds": ["self", "visit"]})
    value = recompute_indicator(indicator=visit_10, period=Period.parse("2026-Q1"))
    assert value is not None
    assert (value.numerator, value.denominator, value.sample_size) == (1, 3, 1)
    courtesy = recompute_indicator(
        indicator=Indicator.objects.get(organisation=org, code="12.2"), period=Period.parse("2026-Q1")
    )
    assert courtesy is not None and courtesy.value == 50
    calls = recompute_indicator(
        indicator=Indicator.objects.get(organisation=org, code="15.1"), period=Period.parse("2026-Q1")
    )
    assert calls is None  # no mystery call this quarter


@pytest.mark.time_machine(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC))
def test_a_value_computed_from_grids_opens_the_filled_grids_behind_it(org, done, client_as):
    indicator = Indicator.objects.get(organisation=org, code="10.1")
    recompute_indicator(indicator=indicator, period=Period.parse("2026-Q1"))
    reader = client_as(org, Role.READER)
    page = reader.get(f"/o/{org.slug}/engagements/{indicator.commitment_id}/").content.decode()
    link = f"/o/{org.slug}/controles/grilles-remplies/?engagement=10&amp;periode=2026-Q1&amp;type=self&amp;type=visit"
    assert link in page
    drill_down = reader.get(link.replace("&amp;", "&")).content.decode()
    assert f"/controles/grilles-remplies/{done.pk}/" in drill_down
