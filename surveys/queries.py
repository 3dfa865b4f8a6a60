"""Reads for the survey pages."""

from __future__ import annotations

from django.db.models import Case, Count, QuerySet, When

from core.models import Organisation
from surveys.models import Campaign, Comment, Moderation


def campaign_rows(organisation: Organisation) -> QuerySet[Campaign]:
    """The town's campaigns, the latest first, each with its number of responses (one query)."""
    return (
        Campaign.objects.for_org(organisation)
        .select_related("questionnaire")
        .annotate(response_count=Count("responses"))
        .order_by("-opens_on", "-pk")
    )


def campaign_comments(campaign: Campaign, *, raw: bool) -> QuerySet[Comment]:
    """The campaign's comments, pending first then the latest: all of them with their text as
    written for the quality manager (`raw`), else only the published ones."""
    comments = Comment.objects.filter(organisation_id=campaign.organisation_id, response__campaign=campaign)
    comments = comments.select_related("question", "response")
    if not raw:
        comments = comments.filter(moderation=Moderation.PUBLISHED)
    return comments.order_by(
        Case(When(moderation=Moderation.PENDING, then=0), default=1), "-response__answered_on", "-pk"
    )


def comment_counts(campaign: Campaign) -> dict[str, int]:
    """How many comments the campaign has in each moderation state (one query)."""
    rows = (
        Comment.objects.filter(organisation_id=campaign.organisation_id, response__campaign=campaign)
        .values_list("moderation")
        .annotate(count=Count("pk"))
    )
    return {str(state): count for state, count in rows}
