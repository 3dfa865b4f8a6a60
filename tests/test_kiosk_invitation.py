"""A tablet paired for the ticket and the survey invites visitors to answer after they take a
ticket: every visitor without a sampling rule, one in N with one (reception and surveys meet
through core.registries.KIOSK_SCREENS, neither imports the other)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import Site
from reception.models import VisitReason
from surveys.actions import create_questionnaire_from_template
from surveys.models import Campaign

NOW = dt.datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Europe/Paris"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
INVITATION = "Donner mon avis"


@pytest.fixture
def campaign(org):
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=NOW.date())
    return Campaign.objects.create(
        organisation=org,
        questionnaire=questionnaire,
        title="Enquête de décembre",
        opens_on=dt.date(2026, 12, 1),
        closes_on=dt.date(2026, 12, 20),
        on_kiosk=True,
        code="KIOSK234",
    )


def take_tickets(tablet, org, count):
    reason = VisitReason.objects.filter(organisation=org, is_active=True).first()
    assert reason is not None
    ticket_screen = reverse("reception_kiosk:ticket", args=[org.slug])
    return [tablet.post(ticket_screen, {"reason": reason.pk}, follow=True).content.decode() for _ in range(count)]


def test_without_a_sampling_rule_every_ticket_invites_to_the_survey(kiosk_client, org, campaign):
    pages = take_tickets(kiosk_client(org), org, 2)
    assert all(INVITATION in page and f'href="/borne/{org.slug}/enquete/"' in page for page in pages)


def test_with_one_visitor_in_three_only_the_third_ticket_of_the_day_invites(kiosk_client, org, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(sample_every=3)
    pages = take_tickets(kiosk_client(org), org, 4)
    assert [INVITATION in page for page in pages] == [False, False, True, False]


def test_a_tablet_paired_for_tickets_only_invites_nobody(kiosk_client, org, campaign):
    assert INVITATION not in take_tickets(kiosk_client(org, screens=("ticket",)), org, 1)[0]


def test_no_campaign_on_the_kiosk_no_invitation(kiosk_client, org, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(on_kiosk=False, on_web=True)
    assert INVITATION not in take_tickets(kiosk_client(org), org, 1)[0]


def test_the_ticket_numbers_of_another_site_do_not_count(kiosk_client, org, campaign):
    """The day's rank is per site: the annex's tablet's first visitor is its first."""
    Campaign.objects.filter(pk=campaign.pk).update(sample_every=2)
    take_tickets(kiosk_client(org), org, 1)
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    pages = take_tickets(kiosk_client(org, site=annex), org, 2)
    assert [INVITATION in page for page in pages] == [False, True]
