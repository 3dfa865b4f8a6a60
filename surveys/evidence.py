"""The survey counts behind a figure, for a closed year's evidence pack (the `evidence` app).
Answers are anonymous and stored as counts (ADR 0022): the pack gives the counts, never a
response nor a comment.

- satisfaction with a question (`surveys.satisfaction`): for each campaign the figure pooled
  (`Measure.record_ids`), how many answers each choice of the question received (all channels);
- surveys held (`surveys.held`): each campaign counted, with its dates and number of responses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Sum

from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport
from surveys.metrics import HELD, SATISFACTION
from surveys.models import ANSWERED, AnswerCount, Campaign, Dimension, Question

SATISFACTION_HEADERS = ("Enquête", "Ouverte le", "Clôturée le", "Question", "Réponse", "Nombre de réponses")
HELD_HEADERS = ("Enquête", "Ouverte le", "Clôturée le", "Réponses reçues")


def _campaigns(query: MetricQuery, measure: Measure | None) -> list[Campaign]:
    if measure is None:
        return []
    campaigns = Campaign.objects.for_org(query.organisation).filter(pk__in=list(measure.record_ids))
    return list(campaigns.order_by("closes_on", "pk"))


def answer_counts(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    key = str(query.params.get("question", ""))
    for campaign in _campaigns(query, measure):
        question = Question.objects.filter(questionnaire=campaign.questionnaire_id, key=key).first()
        if question is None:
            continue
        labels = dict(question.choices)
        counts = (
            AnswerCount.objects.filter(
                organisation=query.organisation, campaign=campaign, question=question, dimension=Dimension.CHANNEL
            )
            .exclude(code=ANSWERED)
            .values("code")
            .annotate(total=Sum("count"))
        )
        totals = {row["code"]: row["total"] for row in counts}
        for code, label in question.choices:
            yield [campaign.title, campaign.opens_on, campaign.closes_on, question.text, label, totals.pop(code, 0)]
        for code, total in sorted(totals.items()):  # a choice removed since: still counted
            yield [campaign.title, campaign.opens_on, campaign.closes_on, question.text, labels.get(code, code), total]


def campaigns_held(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    campaigns = _campaigns(query, measure)
    responses = dict(
        Campaign.objects.filter(pk__in=[campaign.pk for campaign in campaigns])
        .annotate(answers=Count("responses"))
        .values_list("pk", "answers")
    )
    for campaign in campaigns:
        yield [campaign.title, campaign.opens_on, campaign.closes_on, responses.get(campaign.pk, 0)]


def register() -> None:
    EVIDENCE_EXPORTS.register(SATISFACTION, RecordsExport("reponses", SATISFACTION_HEADERS, answer_counts))
    EVIDENCE_EXPORTS.register(HELD, RecordsExport("enquetes", HELD_HEADERS, campaigns_held))
