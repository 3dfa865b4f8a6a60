"""Fixtures of the survey tests: a town's copy of the default questionnaire and a campaign
open in December 2026 on the web and on paper."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from surveys.actions import create_questionnaire_from_template
from surveys.answers import Submission, record_response
from surveys.models import Campaign, Questionnaire, Response
from tests.conftest import browser_type_launch_args, kiosk_page  # noqa: F401 -- Debian's Chromium, a tablet

TODAY = dt.date(2026, 12, 3)


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
def answer(campaign) -> Callable[..., Response]:
    """Record a response: answer(globale="satisfait", priorites=["attente", "horaires"], ...)."""

    def submit(*, channel: str = "web", day: dt.date = TODAY, site=None, texts=None, **choices: Any) -> Response:
        codes = {key: value if isinstance(value, list) else [value] for key, value in choices.items()}
        submission = Submission(channel=channel, answered_on=day, site=site, choices=codes, texts=texts or {})
        return record_response(campaign=campaign, submission=submission)

    return submit
