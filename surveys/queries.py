"""Reads for the survey pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, Count, QuerySet, When

from core.models import Organisation
from surveys.models import Answer, Campaign, Channel, Comment, Moderation, Question


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


def answer_table(campaign: Campaign, questions: list[Question]) -> tuple[list[str], Iterator[list[Any]]]:
    """The campaign's responses as a table for the town's own analysis: one row per response
    (its number in the campaign, day, channel, site) and one column per question, answers by
    their label (several joined by " ; "), comments only as published after moderation."""
    headers = ["Réponse", "Jour", "Canal", "Site", *(question.text for question in questions)]
    labels = {question.pk: dict(question.choices) for question in questions}
    answers: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for response_id, question_id, code in (
        Answer.objects.filter(organisation_id=campaign.organisation_id, response__campaign=campaign)
        .order_by("pk")
        .values_list("response_id", "question_id", "code")
    ):
        answers[response_id][question_id].append(labels.get(question_id, {}).get(code, code))
    published = Comment.objects.filter(
        organisation_id=campaign.organisation_id, response__campaign=campaign, moderation=Moderation.PUBLISHED
    )
    for response_id, question_id, text in published.values_list("response_id", "question_id", "published_text"):
        answers[response_id][question_id].append(text)
    responses = campaign.responses.order_by("pk").values_list("pk", "answered_on", "channel", "site__name")

    def rows() -> Iterator[list[Any]]:
        for number, (pk, day, channel, site) in enumerate(responses.iterator(), start=1):
            given = answers.get(pk, {})
            cells = [" ; ".join(given.get(question.pk, [])) for question in questions]
            yield [number, day, Channel(channel).label, site or "", *cells]

    return headers, rows()
