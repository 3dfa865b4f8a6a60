"""The questionnaire on a paired tablet (/borne/<town>/enquete/): the campaign open on the kiosk,
answers through the one recording path with the kiosk channel and the tablet's site, nothing of
the tablet kept; the sampling rule (one visitor in N)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from core.kiosk import COOKIE_NAME
from core.models import KioskDevice, Site
from surveys.models import AnswerCount, Campaign, Response

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def screen(org, name="answer"):
    return reverse(f"surveys_kiosk:{name}", args=[org.slug])


@pytest.fixture
def on_kiosk(campaign):
    campaign.on_kiosk = True
    campaign.save()
    return campaign


def fill(tablet, org, time_machine, **answers):
    page = tablet.get(screen(org))
    assert page.status_code == 200
    started = page.context["form"]["started"].value()
    time_machine.shift(dt.timedelta(minutes=1))
    return {"started": started, "website": "", **answers}


# Sampling, on unsaved campaigns


def test_without_a_sampling_rule_every_visitor_is_invited():
    assert all(Campaign(sample_every=None).invites_visitor(visitor) for visitor in range(1, 10))


def test_with_one_visitor_in_three_the_third_sixth_and_ninth_are_invited():
    campaign = Campaign(sample_every=3)
    assert [visitor for visitor in range(1, 10) if campaign.invites_visitor(visitor)] == [3, 6, 9]


# The screen


def test_a_visitor_answers_on_the_tablet_with_the_kiosk_channel_and_its_site_and_nothing_else(
    kiosk_client, org, on_kiosk, time_machine
):
    tablet = kiosk_client(org, screens=("enquete",))
    response = tablet.post(screen(org), fill(tablet, org, time_machine, globale="tres_satisfait"))
    assert response.status_code == 302 and response["Location"] == screen(org, "thanks")
    kept = Response.objects.get(campaign=on_kiosk)
    site = Site.objects.get(organisation=org)
    assert (kept.channel, kept.site, kept.answered_on) == ("kiosk", site, dt.date(2026, 12, 3))
    assert AnswerCount.objects.get(question__key="globale", code="tres_satisfait", dimension="channel").value == "kiosk"
    token = tablet.cookies[COOKIE_NAME].value.partition(":")[2]
    stored = [str(value) for value in Response.objects.values().get().values()]
    assert not any(token in value or KioskDevice.objects.get().token_hash in value for value in stored)
    thanks = tablet.get(response["Location"]).content.decode()
    assert "Merci" in thanks and 'data-kiosk-done="10"' in thanks
    assert f'<noscript><meta http-equiv="refresh" content="10;url=/borne/{org.slug}/"></noscript>' in thanks


def test_the_questionnaire_is_laid_out_for_the_tablet_without_a_way_into_the_back_office(kiosk_client, org, on_kiosk):
    page = kiosk_client(org).get(screen(org)).content.decode()
    assert 'class="kiosk"' in page and 'data-kiosk-idle="60"' in page and "kiosk.js" in page
    assert "/o/" not in page and "Se déconnecter" not in page and escape(on_kiosk.questionnaire.title) in page


def test_a_missing_required_answer_is_said_on_the_tablet_and_nothing_is_kept(kiosk_client, org, on_kiosk, time_machine):
    tablet = kiosk_client(org)
    response = tablet.post(screen(org), fill(tablet, org, time_machine, signaletique="satisfait"))
    assert response.status_code == 200 and "Cette question demande une réponse." in response.content.decode()
    assert not Response.objects.exists()


def test_without_a_campaign_on_the_kiosk_the_tablet_says_so(kiosk_client, org, campaign):
    page = kiosk_client(org).get(screen(org)).content.decode()
    assert "Aucune enquête en cours" in page and not Response.objects.exists()


def test_a_campaign_closed_yesterday_is_not_offered(kiosk_client, org, on_kiosk):
    Campaign.objects.filter(pk=on_kiosk.pk).update(opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 12, 2))
    assert "Aucune enquête en cours" in kiosk_client(org).get(screen(org)).content.decode()
