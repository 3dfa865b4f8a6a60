"""Objects the URL walkers route to: the town's copy of the default questionnaire and a
campaign of it with one answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Organisation
from surveys.actions import create_campaign, create_questionnaire_from_template
from surveys.answers import Submission, record_response
from surveys.models import Campaign


def sample_values(organisation: Organisation) -> dict[str, Any]:
    questionnaire = create_questionnaire_from_template(organisation=organisation, actor=None, today=dt.date(2026, 3, 1))
    campaign = create_campaign(
        organisation=organisation,
        actor=None,
        questionnaire=questionnaire,
        title="Enquête de satisfaction, mars 2026",
        opens_on=dt.date(2026, 3, 2),
        closes_on=dt.date(2026, 3, 31),
        on_web=True,
        on_paper=True,
    )
    answers = {"globale": ["satisfait"], "signaletique": ["peu_satisfait"], "age": ["45_64"]}
    record_response(campaign=campaign, submission=Submission("paper", dt.date(2026, 3, 10), choices=answers))
    return {"campaign_id": campaign.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first campaign; a sample one while the demo has none."""
    campaign = Campaign.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    return sample_values(organisation) if campaign is None else {"campaign_id": campaign}
