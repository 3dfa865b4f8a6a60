"""A campaign's results from the stored counts: the distribution, the satisfaction share with
its interval and n, the small-sample warning, the change since the previous campaign."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.answers import Submission, record_response
from surveys.models import Campaign
from surveys.results import campaign_results

pytestmark = pytest.mark.django_db


def results_by_key(campaign):
    return {result.question.key: result for result in campaign_results(campaign).questions}


def test_each_question_gives_its_distribution_and_its_satisfaction_with_interval(campaign, answer):
    for code in ["tres_satisfait"] * 3 + ["satisfait"] * 5 + ["peu_satisfait"] * 2 + ["sans_avis"] * 2:
        answer(globale=code, priorites=["attente", "horaires"] if code == "peu_satisfait" else ["rien"])
    results = results_by_key(campaign)
    globale = results["globale"]
    assert globale.answers == 12
    assert [(choice.code, choice.count) for choice in globale.choices] == [
        ("tres_satisfait", 3),
        ("satisfait", 5),
        ("peu_satisfait", 2),
        ("pas_satisfait", 0),
        ("sans_avis", 2),
    ]
    satisfaction = globale.satisfaction
    assert satisfaction is not None and satisfaction.answers == 10 and satisfaction.share == 0.8
    assert satisfaction.interval is not None and round(satisfaction.interval.low, 3) == 0.490
    assert globale.is_small and globale.change is None  # 10 answers, no earlier campaign
    priorites = results["priorites"]
    assert priorites.answers == 12 and priorites.satisfaction is None  # 2 codes for 2 of them, counted once
    assert {choice.code: choice.count for choice in priorites.choices}["attente"] == 2
    assert "commentaire" not in results  # free text: the comments, moderated, not a distribution


def test_the_change_since_the_previous_campaign_says_whether_it_is_significant(org, questionnaire, campaign, answer):
    spring = Campaign.objects.create(
        organisation=org,
        questionnaire=questionnaire,
        title="Enquête de printemps",
        opens_on=dt.date(2026, 4, 1),
        closes_on=dt.date(2026, 4, 30),
        on_paper=True,
        code="PRI26ABC",
    )
    for index in range(100):
        day = dt.date(2026, 4, 10)
        code = "satisfait" if index < 45 else "pas_satisfait"
        record_response(campaign=spring, submission=Submission("paper", day, choices={"globale": [code]}))
    for index in range(100):
        answer(globale="satisfait" if index < 60 else "pas_satisfait", courtoisie="satisfait")
    results = campaign_results(campaign)
    assert results.previous == spring and results.responses == 100
    change = {result.question.key: result.change for result in results.questions}
    assert change["globale"] is not None and round(change["globale"].points, 1) == 15.0
    assert change["globale"].significant
    assert change["courtoisie"] is None  # not asked in spring


def test_the_results_read_the_same_number_of_queries_for_ten_or_a_hundred_answers(campaign, answer):
    for _ in range(10):
        answer(globale="satisfait", age="25_44")
    with CaptureQueriesContext(connection) as small:
        campaign_results(campaign)
    for _ in range(90):
        answer(globale="peu_satisfait", age="65_plus", priorites=["attente"])
    with CaptureQueriesContext(connection) as large:
        campaign_results(campaign)
    assert len(small.captured_queries) == len(large.captured_queries) <= 5


def test_a_question_that_routes_to_others_gives_its_distribution_without_a_satisfaction_share(campaign, answer):
    answer(globale="satisfait", telephone_utilise="oui", telephone="satisfait", agent_identifiable="non")
    answer(globale="satisfait", telephone_utilise="non", agent_identifiable="oui")
    results = results_by_key(campaign)
    routing = results["telephone_utilise"]  # "Avez-vous appelé la mairie ?": its "non" is no dissatisfaction
    assert routing.satisfaction is None and routing.change is None
    assert [(choice.code, choice.count) for choice in routing.choices] == [("oui", 1), ("non", 1)]
    assert results["telephone"].satisfaction is not None  # the question it leads to is judged
    assert results["agent_identifiable"].satisfaction.share == 0.5  # a yes/no leading nowhere is judged


def test_whether_a_question_routes_is_read_from_its_questionnaire(questionnaire):
    questions = {question.key: question for question in questionnaire.questions.all()}
    assert questions["telephone_utilise"].routes and not questions["telephone_utilise"].measures_satisfaction
    assert not questions["agent_identifiable"].routes and questions["agent_identifiable"].measures_satisfaction
