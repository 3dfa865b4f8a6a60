"""The survey measures on stored counts: satisfaction of a question over the campaigns closing
in the period ("no opinion" left out), by site, and the campaigns held."""

import datetime as dt

import pytest

from core.metrics import MetricQuery
from core.models import Service, Site
from core.periods import Period
from surveys.metrics import held, satisfaction

pytestmark = pytest.mark.django_db


def query(org, period: str, question: str = "globale", **scope) -> MetricQuery:
    return MetricQuery(organisation=org, period=Period.parse(period), params={"question": question}, **scope)


def test_satisfaction_counts_the_satisfied_among_answers_other_than_no_opinion(org, answer):
    for code in ["tres_satisfait", "satisfait", "satisfait", "peu_satisfait", "sans_avis", "sans_avis"]:
        answer(globale=code)
    measure = satisfaction(query(org, "2026-12"))
    assert measure is not None
    assert (measure.numerator, measure.denominator, measure.value) == (3, 4, 75.0)
    assert satisfaction(query(org, "2026")) == measure  # the campaign closes on 20 December
    assert satisfaction(query(org, "2026-11")) is None


def test_a_yes_no_question_counts_yes_as_satisfied(org, answer):
    answer(globale="satisfait", agent_identifiable="oui")
    answer(globale="satisfait", agent_identifiable="non")
    measure = satisfaction(query(org, "2026", "agent_identifiable"))
    assert measure is not None and measure.value == 50.0


def test_satisfaction_reads_a_site_by_the_answers_given_there_and_no_service(org, answer):
    site = Site.objects.get(organisation=org)
    answer(globale="satisfait", site=site)
    answer(globale="pas_satisfait")
    whole = satisfaction(query(org, "2026"))
    there = satisfaction(query(org, "2026", site=site))
    assert whole is not None and whole.value == 50.0
    assert there is not None and there.value == 100.0
    assert satisfaction(query(org, "2026", service=Service.objects.filter(organisation=org).first())) is None


def held_in(org, period: str) -> float | None:
    measure = held(query(org, period))
    assert measure is not None
    return measure.value


def test_a_campaign_is_held_when_it_closed_in_the_period_with_answers(org, campaign, answer):
    assert held_in(org, "2026") == 0
    answer(globale="satisfait")
    assert held_in(org, "2026") == 1
    campaign.closes_on = dt.date(2027, 1, 10)
    campaign.save()
    assert held_in(org, "2026") == 0 and held_in(org, "2027") == 1
