"""The public questionnaire: answered without an account, nothing about the respondent kept,
robots thanked and dropped, rate-limited, CSRF-protected, refused outside the campaign."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, RateLimitBucket
from surveys.models import AnswerCount, Comment, Response

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def url(campaign, name: str = "answer") -> str:
    return reverse(f"surveys_public:{name}", kwargs={"org_slug": campaign.organisation.slug, "code": campaign.code})


def fill(client: Client, campaign, time_machine, **answers) -> dict[str, object]:
    """The page's form as shown, then the answers given a minute later."""
    page = client.get(url(campaign))
    assert page.status_code == 200
    started = page.context["form"]["started"].value()
    time_machine.shift(dt.timedelta(minutes=1))
    return {"started": started, "website": "", **answers}


def test_a_citizen_answers_and_is_thanked_and_only_the_day_is_kept(campaign, time_machine):
    client = Client()
    data = fill(client, campaign, time_machine, globale="satisfait", priorites=["attente", "horaires"])
    data["commentaire"] = "Très bon accueil de Mme Martin"
    response = client.post(url(campaign), data)
    assert response.status_code == 302 and response["Location"] == url(campaign, "thanks")
    assert "Merci" in client.get(response["Location"]).content.decode()
    kept = Response.objects.get(campaign=campaign)
    assert (kept.channel, kept.answered_on, kept.site) == ("web", dt.date(2026, 12, 3), None)
    assert AnswerCount.objects.get(question__key="globale", code="satisfait", dimension="channel").count == 1
    assert Comment.objects.get(response=kept).moderation == "pending"
    assert not AuditEvent.objects.filter(object_type="surveys.response").exists()
    assert set(client.cookies) <= {"csrftoken"}  # no session, no tracking cookie


def test_a_missing_required_answer_is_said_next_to_the_question_and_nothing_is_kept(campaign, time_machine):
    client = Client()
    response = client.post(url(campaign), fill(client, campaign, time_machine, signaletique="satisfait"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cette question demande une réponse." in page and "corrigez les champs signalés" in page
    assert 'value="satisfait" id="id_signaletique_1" checked' in page  # the answers given stay on the page
    assert not Response.objects.exists()


def test_a_robot_is_thanked_and_leaves_nothing(campaign, time_machine):
    client = Client()
    trap = fill(client, campaign, time_machine, globale="satisfait") | {"website": "http://spam.example"}
    assert client.post(url(campaign), trap)["Location"] == url(campaign, "thanks")
    page = client.get(url(campaign))
    too_fast = {"started": page.context["form"]["started"].value(), "globale": "satisfait"}
    assert client.post(url(campaign), too_fast)["Location"] == url(campaign, "thanks")
    assert not Response.objects.exists()


def test_the_twenty_first_questionnaire_of_an_hour_from_one_address_is_refused(campaign, time_machine):
    client = Client()
    data = fill(client, campaign, time_machine, globale="satisfait")
    statuses = [client.post(url(campaign), data).status_code for _ in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429
    assert Response.objects.count() == 20
    assert not RateLimitBucket.objects.filter(key__contains="127.0.0.1").exists()


def test_the_form_requires_its_csrf_token(campaign, time_machine):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url(campaign), {"globale": "satisfait"}).status_code == 403
    assert not Response.objects.exists()


def test_a_campaign_not_open_or_not_on_the_web_says_so_and_takes_nothing(org, campaign, time_machine):
    campaign.on_web = False
    campaign.save()
    assert "demandez le questionnaire à l'accueil" in Client().get(url(campaign)).content.decode()
    campaign.on_web = True
    campaign.save()
    time_machine.move_to(dt.datetime(2026, 12, 21, 9, tzinfo=PARIS))
    client = Client()
    assert "close depuis le 20 décembre 2026" in client.get(url(campaign)).content.decode()
    client.post(url(campaign), {"globale": "satisfait"})
    assert not Response.objects.exists()


def test_an_unknown_code_or_another_towns_address_is_404(campaign, other_org):
    assert (
        Client().get(reverse("surveys_public:answer", args=[campaign.organisation.slug, "NOPE2345"])).status_code == 404
    )
    assert Client().get(reverse("surveys_public:answer", args=[other_org.slug, campaign.code])).status_code == 404
