"""Reads for the survey pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from core.models import Organisation
from surveys.models import Campaign


def campaign_rows(organisation: Organisation) -> QuerySet[Campaign]:
    """The town's campaigns, the latest first, each with its number of responses (one query)."""
    return (
        Campaign.objects.for_org(organisation)
        .select_related("questionnaire")
        .annotate(response_count=Count("responses"))
        .order_by("-opens_on", "-pk")
    )
