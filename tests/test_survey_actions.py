"""An improvement action opened in one click from a survey comment or a survey question,
linked both ways, naming neither the respondent nor the comment's text."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commitments.frameworks import load_framework
from improvement.models import ImprovementAction, Origin
from surveys.models import Comment, Question
from surveys.tests.conftest import answer, campaign, questionnaire  # noqa: F401 -- the surveys' fixtures

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def test_a_comment_opens_an_action_in_one_click_and_each_names_the_other(
    org,
    campaign,  # noqa: F811
    answer,  # noqa: F811
    manager_client,
):
    load_framework(organisation=org, code="qualivilles")
    answer(globale="peu_satisfait", texts={"commentaire": "M. Leroy attend 40 minutes chaque lundi"})
    comment = Comment.objects.get()
    listing = reverse("surveys:comment_list", args=[org.slug, campaign.pk])
    page = manager_client.get(listing).content.decode()
    assert "Ouvrir une action d&#x27;amélioration" in page
    opened = manager_client.post(
        reverse("improvement:action_open_from", args=[org.slug]) + f"?origin=survey&comment={comment.pk}"
    )
    action = ImprovementAction.objects.get()
    assert opened["Location"] == reverse("improvement:action_edit", args=[org.slug, action.pk])
    assert action.origin == Origin.SURVEY and action.origin_type == "surveys.comment"
    assert action.commitment is None  # the free-text question measures none: the quality manager picks it
    assert "Leroy" not in action.title + action.origin_label + action.description
    assert action.number in manager_client.get(listing).content.decode()  # back from the comment
    detail = manager_client.get(reverse("improvement:action_detail", args=[org.slug, action.pk])).content.decode()
    assert f"Commentaire n° {comment.pk}, {campaign.title}" in detail


def test_a_question_with_low_satisfaction_opens_an_action_from_the_results(
    org,
    campaign,  # noqa: F811
    answer,  # noqa: F811
    manager_client,
):
    load_framework(organisation=org, code="qualivilles")
    answer(globale="satisfait", attente="pas_satisfait")
    attente = Question.objects.get(questionnaire=campaign.questionnaire, key="attente")
    manager_client.post(
        reverse("improvement:action_open_from", args=[org.slug]) + f"?origin=survey&question={attente.pk}"
    )
    action = ImprovementAction.objects.get()
    assert action.origin_type == "surveys.question"
    assert action.commitment is not None and action.commitment.code == "8"
    results = manager_client.get(reverse("surveys:campaign_detail", args=[org.slug, campaign.pk])).content.decode()
    assert action.number in results


def test_another_towns_comment_cannot_open_an_action(
    org,
    other_org,
    campaign,  # noqa: F811
    answer,  # noqa: F811
    outsider_client,
):
    answer(globale="satisfait", texts={"commentaire": "Bien"})
    comment = Comment.objects.get()
    opened = outsider_client.post(
        reverse("improvement:action_open_from", args=[other_org.slug]) + f"?origin=survey&comment={comment.pk}"
    )
    assert opened.status_code == 404 and not ImprovementAction.objects.exists()
