"""Objects the URL walkers route to: the town's copy of the default questionnaire and a
campaign of it with one answer and its comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Organisation
from surveys.actions import create_campaign, create_questionnaire_from_template
from surveys.answers import Submission, record_response
from surveys.models import Campaign, Comment


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
        on_email=True,
    )
    answers = {"globale": ["satisfait"], "signaletique": ["peu_satisfait"], "age": ["45_64"]}
    texts = {"commentaire": "Le hall manque de sièges."}
    submission = Submission("paper", dt.date(2026, 3, 10), choices=answers, texts=texts)
    response = record_response(campaign=campaign, submission=submission)
    return {"campaign_id": campaign.pk, "comment_id": response.comments.get().pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first campaign and comment; sample ones while the demo has none."""
    campaign = Campaign.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    comment = Comment.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    if campaign is None or comment is None:
        return sample_values(organisation)
    return {"campaign_id": campaign, "comment_id": comment}
