"""The measures the surveys offer to the indicator engine (commitment 20 and the survey items
of commitments 1, 2, 3, 6, 7, 12, 13, 14; Services Publics+ 7.1).

A campaign is measured as a whole: its answers belong to the period of its closing day, so a
campaign running from late December to January counts in January's year. Both measures read
the stored counts (AnswerCount), never the answers.

- "surveys.satisfaction" (params `question`: the question's key, as "signaletique"): the share
  of satisfied answers (very satisfied and satisfied, or "oui") among the answers other than
  "no opinion", over the campaigns closing in the period (domain.md); for a site, the answers
  given at that site. A survey is the town's: a query for one service has no value.
- "surveys.held" (20.1): the campaigns closing in the period that received at least one answer."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from core import registries
from core.metrics import Measure, Metric, MetricQuery
from surveys.models import DISSATISFIED, SATISFIED, AnswerCount, Campaign, Dimension
from surveys.statistics import Satisfaction

SATISFACTION = "surveys.satisfaction"
HELD = "surveys.held"


def _campaigns(query: MetricQuery) -> QuerySet[Campaign]:
    return Campaign.objects.for_org(query.organisation).filter(
        closes_on__gte=query.period.start, closes_on__lt=query.period.end
    )


def satisfaction(query: MetricQuery) -> Measure | None:
    key = str(query.params.get("question", ""))
    if query.service is not None or not key:
        return None
    campaigns = list(_campaigns(query).order_by("closes_on", "pk").values_list("pk", flat=True))
    rows = AnswerCount.objects.filter(organisation=query.organisation, campaign__in=campaigns, question__key=key)
    if query.site is not None:
        rows = rows.filter(dimension=Dimension.SITE, value=str(query.site.pk))
    else:
        rows = rows.filter(dimension=Dimension.CHANNEL)
    totals = rows.aggregate(
        satisfied=Sum("count", filter=Q(code__in=SATISFIED), default=0),
        dissatisfied=Sum("count", filter=Q(code__in=DISSATISFIED), default=0),
    )
    answers = Satisfaction(satisfied=totals["satisfied"], dissatisfied=totals["dissatisfied"])
    if answers.share is None:
        return None
    return Measure(
        value=100 * answers.share,
        numerator=answers.satisfied,
        denominator=answers.answers,
        sample_size=answers.answers,
        record_ids=tuple(campaigns),
    )


def held(query: MetricQuery) -> Measure | None:
    if query.service is not None or query.site is not None:
        return None
    answered = _campaigns(query).annotate(answers=Count("responses")).filter(answers__gt=0)
    ids = tuple(answered.order_by("closes_on", "pk").values_list("pk", flat=True))
    return Measure(value=len(ids), numerator=len(ids), sample_size=len(ids), record_ids=ids)


METRICS = [
    Metric(
        key=SATISFACTION,
        label="Usagers satisfaits (enquête)",
        unit="%",
        compute=satisfaction,
        description="Réponses « très satisfait » et « satisfait » (ou « oui ») parmi les réponses à la question, "
        "hors « sans avis », sur les enquêtes clôturées dans la période.",
    ),
    Metric(
        key=HELD,
        label="Enquêtes de satisfaction menées",
        unit="nombre",
        compute=held,
        description="Enquêtes clôturées dans la période ayant reçu au moins une réponse.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
