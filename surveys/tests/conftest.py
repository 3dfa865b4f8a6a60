"""Fixtures of the survey tests: a town's copy of the default questionnaire, a campaign open
in December 2026 on the web and on paper, and one on the e-mail channel of a site whose
address is known."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from surveys.actions import create_campaign, create_questionnaire_from_template
from surveys.answers import Submission, record_response
from surveys.models import Campaign, Questionnaire, Response
from tests.conftest import browser_type_launch_args, kiosk_page  # noqa: F401 -- Debian's Chromium, a tablet

TODAY = dt.date(2026, 12, 3)
SITE_URL = "https://qualite.ville-test.fr"  # the invitations' links start with it


@pytest.fixture
def questionnaire(org) -> Questionnaire:
    return create_questionnaire_from_template(organisation=org, actor=None, today=TODAY)


@pytest.fixture
def campaign(org, questionnaire) -> Campaign:
    return Campaign.objects.create(
        organisation=org,
        questionnaire=questionnaire,
        title="Enquête de décembre",
        opens_on=dt.date(2026, 12, 1),
        closes_on=dt.date(2026, 12, 20),
        on_web=True,
        on_paper=True,
        code="DEC26ABC",
    )


@pytest.fixture
def email_campaign(org, questionnaire, settings) -> Campaign:
    """A campaign open in December 2026 on the e-mail channel, the site's address set (without
    it the daily job sends no invitation)."""
    settings.QUALIPILOTE_SITE_URL = SITE_URL
    return create_campaign(
        organisation=org,
        actor=None,
        questionnaire=questionnaire,
        title="Enquête de décembre",
        opens_on=dt.date(2026, 12, 1),
        closes_on=dt.date(2026, 12, 20),
        on_email=True,
    )


@pytest.fixture
def answer(campaign) -> Callable[..., Response]:
    """Record a response: answer(globale="satisfait", priorites=["attente", "horaires"], ...)."""

    def submit(*, channel: str = "web", day: dt.date = TODAY, site=None, texts=None, **choices: Any) -> Response:
        codes = {key: value if isinstance(value, list) else [value] for key, value in choices.items()}
        submission = Submission(channel=channel, answered_on=day, site=site, choices=codes, texts=texts or {})
        return record_response(campaign=campaign, submission=submission)

    return submit
