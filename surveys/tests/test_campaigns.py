"""Campaigns: created with a random readable code and at least one channel, journaled; their
dates keep the answers received inside; moving the closing day moves the figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.audit import history_of
from core.codes import READABLE_ALPHABET
from surveys.actions import close_campaign, create_campaign, update_campaign

pytestmark = pytest.mark.django_db
DECEMBER = {"title": "Enquête d'hiver", "opens_on": dt.date(2026, 12, 1), "closes_on": dt.date(2026, 12, 20)}


def test_a_campaign_gets_a_readable_random_code_and_is_journaled(org, questionnaire):
    campaign = create_campaign(organisation=org, actor=None, questionnaire=questionnaire, on_web=True, **DECEMBER)
    other = create_campaign(organisation=org, actor=None, questionnaire=questionnaire, on_paper=True, **DECEMBER)
    assert len(campaign.code) == 8 and set(campaign.code) <= set(READABLE_ALPHABET)
    assert campaign.code != other.code
    assert campaign.channels == ["web"] and other.channels == ["paper"]
    assert history_of(campaign).filter(action="create").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"on_web": False}, "on_web"),
        ({"on_web": True, "closes_on": dt.date(2026, 11, 30)}, "closes_on"),
        ({"on_web": True, "sample_every": 5}, "sample_every"),
    ],
)
def test_a_campaign_without_channel_with_dates_reversed_or_sampling_without_kiosk_nor_e_mail_is_refused(
    org, questionnaire, values, field
):
    with pytest.raises(ValidationError) as refused:
        create_campaign(organisation=org, actor=None, questionnaire=questionnaire, **(DECEMBER | values))
    assert field in refused.value.message_dict


@pytest.mark.parametrize("channel", ["on_kiosk", "on_email"])
def test_sampling_applies_to_the_kiosk_and_to_the_e_mail_invitations(org, questionnaire, channel):
    values = DECEMBER | {channel: True, "sample_every": 4}
    campaign = create_campaign(organisation=org, actor=None, questionnaire=questionnaire, **values)
    assert campaign.sample_every == 4


def test_a_questionnaire_of_another_town_is_refused(org, other_org, questionnaire):
    with pytest.raises(ValidationError, match="autre organisation"):
        create_campaign(organisation=other_org, actor=None, questionnaire=questionnaire, on_web=True, **DECEMBER)


def test_dates_that_would_leave_answers_outside_the_campaign_are_refused(campaign, answer):
    answer(globale="satisfait", day=dt.date(2026, 12, 3))
    with pytest.raises(ValidationError, match="reçues du 03/12/2026 au 03/12/2026"):
        update_campaign(campaign=campaign, actor=None, closes_on=dt.date(2026, 12, 2))
    with pytest.raises(ValidationError, match="Seule une enquête en cours"):
        close_campaign(campaign=campaign, actor=None, today=dt.date(2026, 12, 21))
    close_campaign(campaign=campaign, actor=None, today=dt.date(2026, 12, 3))
    campaign.refresh_from_db()
    assert campaign.closes_on == dt.date(2026, 12, 3)
    assert history_of(campaign).filter(action="update").count() == 1
