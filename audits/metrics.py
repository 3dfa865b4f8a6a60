"""The measure the grids offer to the indicator engine: "audits.score", the score of the
filled grids for one commitment (indicators 1.1, 2.1, 3.1, 4.1, 5.1, 7.2, 10.1, 12.2, 14.2 and
15.1 of the Qualivilles catalogue).

Params: `commitment`, the commitment's code as the criteria name it ("1", "15"), and `kinds`,
optionally, the types of check counted (GridKind values: "self", "visit", "call", "letter").
Value = 100 × Σ points earned ÷ Σ points possible over the stored scores (CommitmentScore) of
the filled grids submitted with a check date in the period: pooled, so that a grid with many
criteria that apply weighs more than one with few, never an average of shares. A grid still
being filled counts for nothing. For a service, the grids made for that service; for a site,
the grids made at that site or for one of its services. Sample size = the number of filled
grids, records = their ids (the drill-down opens them: `records_url`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from audits.models import AssessmentStatus, CommitmentScore, GridKind
from core import registries
from core.metrics import Measure, Metric, MetricQuery
from core.models import Organisation
from core.periods import Period

SCORE = "audits.score"
METRIC_PREFIX = "audits"


def kinds_of(params: dict[str, Any]) -> list[str]:
    """The types of check an indicator counts: all when none is named; unknown names dropped."""
    raw = params.get("kinds") or []
    names = [raw] if isinstance(raw, str) else list(raw)
    return [name for name in names if name in GridKind.values]


def _scores(query: MetricQuery, code: str) -> QuerySet[CommitmentScore]:
    rows = CommitmentScore.objects.filter(
        organisation=query.organisation,
        commitment_code=code,
        assessment__status=AssessmentStatus.SUBMITTED,
        assessment__checked_on__gte=query.period.start,
        assessment__checked_on__lt=query.period.end,
    )
    kinds = kinds_of(query.params)
    if kinds:
        rows = rows.filter(assessment__campaign__grid__kind__in=kinds)
    if query.service is not None:
        rows = rows.filter(assessment__service=query.service)
    if query.site is not None:
        rows = rows.filter(
            Q(assessment__site=query.site) | Q(assessment__site__isnull=True, assessment__service__site=query.site)
        )
    return rows


def score(query: MetricQuery) -> Measure | None:
    code = str(query.params.get("commitment", "")).strip()
    if not code:
        return None
    rows = _scores(query, code)
    totals = rows.aggregate(earned=Sum("earned"), possible=Sum("possible"))
    if not totals["possible"]:
        return None
    ids = tuple(sorted(set(rows.values_list("assessment_id", flat=True))))
    earned, possible = float(totals["earned"]), float(totals["possible"])
    return Measure(
        value=100 * earned / possible,
        numerator=earned,
        denominator=possible,
        sample_size=len(ids),
        record_ids=ids,
    )


def records_url(organisation: Organisation, period: Period, params: dict[str, Any]) -> str:
    """The list of the filled grids behind a value: the drill-down of an `audits.score` indicator."""
    query: dict[str, Any] = {"engagement": str(params.get("commitment", "")), "periode": period.key}
    kinds = kinds_of(params)
    if kinds:
        query["type"] = kinds
    address = reverse("audits:assessment_list", kwargs={"org_slug": organisation.slug})
    return f"{address}?{urlencode(query, doseq=True)}"


METRICS = [
    Metric(
        key=SCORE,
        label="Score des grilles de contrôle (autoévaluation, visites, appels et courriers mystères)",
        unit="%",
        compute=score,
        records_url=records_url,
        description="Points obtenus ÷ points possibles sur les critères de l'engagement des grilles remises dont le "
        "contrôle a eu lieu dans la période : « oui » rapporte le poids du critère, « en partie » la moitié, "
        "« non » rien ; les critères « sans objet » sont écartés. Les grilles sont additionnées, pas moyennées.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
