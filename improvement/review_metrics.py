"""Indicator 23.2 (*bilan annuel réalisé*) measured from the annual reviews: 1 for a year once a
version of its review is validated (frozen as a PDF), 0 before. improvement.meetings.validate_review
tells the indicator engine about the year it validates."""

from __future__ import annotations

from core import registries
from core.metrics import Measure, Metric, MetricQuery
from core.periods import Granularity
from improvement.models import AnnualReview, ReviewStatus

REVIEW_VALIDATED = "improvement.review_validated"


def review_validated(query: MetricQuery) -> Measure | None:
    """Of a whole year and the whole town only (a review covers a year, every service and site):
    whether a validated version of the year's review exists, with its id as the record behind."""
    if query.period.granularity != Granularity.YEAR or query.service is not None or query.site is not None:
        return None
    validated = AnnualReview.objects.for_org(query.organisation).filter(
        year=query.period.start.year, status=ReviewStatus.VALIDATED
    )
    ids = tuple(validated.order_by("version").values_list("pk", flat=True))
    done = 1.0 if ids else 0.0
    return Measure(value=done, numerator=done, denominator=1, sample_size=1, record_ids=ids)


METRIC = Metric(
    key=REVIEW_VALIDATED,
    label="Bilan annuel validé",
    unit="oui/non",
    compute=review_validated,
    description="Oui dès qu'une version du bilan annuel de l'année est validée (PDF figé dans Qualipilote).",
)


def register_all() -> None:
    registries.METRICS.register(METRIC.key, METRIC)
