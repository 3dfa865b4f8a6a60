"""Reads for the grids' pages: the home (this period's campaigns, the latest score of each
commitment), the grid editor, the campaigns and their filled grids, the drill-down list of an
indicator. Each list reads in a fixed number of queries, whatever its length."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from audits.metrics import kinds_of
from audits.models import (
    FINDINGS,
    Assessment,
    AssessmentStatus,
    CheckCampaign,
    CommitmentScore,
    Criterion,
    CriterionAnswer,
    Grid,
    code_order,
)
from core.models import Organisation
from core.periods import Period
from core.registries import commitment_choices


def commitment_labels(organisation: Organisation) -> dict[str, str]:
    return dict(commitment_choices(organisation))


def grid_rows(organisation: Organisation) -> QuerySet[Grid]:
    """The town's grids, in use first, each with its number of criteria and campaigns and
    whether it is locked (a filled grid submitted on it)."""
    submitted = Assessment.objects.filter(campaign__grid=OuterRef("pk"), status=AssessmentStatus.SUBMITTED)
    return (
        Grid.objects.for_org(organisation)
        .annotate(
            criterion_count=Count("criteria", distinct=True),
            campaign_count=Count("campaigns", distinct=True),
            locked=Exists(submitted),
        )
        .order_by("-is_active", "kind", "title", "pk")
    )


@dataclass(frozen=True)
class CommitmentGroup:
    code: str
    label: str
    criteria: list[Criterion]

    @property
    def weight(self) -> int:
        return sum(criterion.weight for criterion in self.criteria)


def criteria_by_commitment(grid: Grid, labels: dict[str, str]) -> list[CommitmentGroup]:
    """The grid's criteria grouped by the commitment they check, in commitment order."""
    groups: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in grid.criteria.order_by("position", "pk"):
        groups[criterion.commitment_code].append(criterion)
    return [
        CommitmentGroup(code, labels.get(code, f"Engagement {code}"), groups[code])
        for code in sorted(groups, key=code_order)
    ]


def campaign_rows(organisation: Organisation) -> QuerySet[CheckCampaign]:
    """The town's campaigns, the latest first, with their grid and how many filled grids are
    assigned and submitted (one query)."""
    return (
        CheckCampaign.objects.for_org(organisation)
        .select_related("grid")
        .annotate(
            assigned=Count("assessments"),
            submitted=Count("assessments", filter=Q(assessments__status=AssessmentStatus.SUBMITTED)),
        )
        .order_by("-starts_on", "-pk")
    )


def current_campaigns(organisation: Organisation, today: dt.date) -> QuerySet[CheckCampaign]:
    """The campaigns running today: what there is to do this month."""
    return campaign_rows(organisation).filter(starts_on__lte=today, ends_on__gte=today)


def campaign_assessments(campaign: CheckCampaign) -> QuerySet[Assessment]:
    return (
        campaign.assessments.select_related("assessor", "site", "service")
        .prefetch_related("scores")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class LatestScore:
    code: str
    label: str
    score: CommitmentScore


def latest_scores(organisation: Organisation) -> list[LatestScore]:
    """For each commitment checked by a grid, the score of the latest filled grid submitted
    (two queries)."""
    rows = (
        CommitmentScore.objects.filter(organisation=organisation, assessment__status=AssessmentStatus.SUBMITTED)
        .select_related("assessment__campaign__grid")
        .order_by("commitment_code", "-assessment__checked_on", "-assessment_id")
    )
    latest: dict[str, CommitmentScore] = {}
    for row in rows:
        latest.setdefault(row.commitment_code, row)
    labels = commitment_labels(organisation)
    return [
        LatestScore(code, labels.get(code, f"Engagement {code}"), latest[code])
        for code in sorted(latest, key=code_order)
    ]


@dataclass(frozen=True)
class AnsweredGroup:
    code: str
    label: str
    answers: list[CriterionAnswer]
    score: CommitmentScore | None


def answers_by_commitment(assessment: Assessment, labels: dict[str, str]) -> list[AnsweredGroup]:
    """A filled grid's answers grouped by the commitment their criterion checks, each group
    with the stored score of that commitment (none when every criterion was "sans objet")."""
    answers = assessment.answers.select_related("criterion").order_by("criterion__position", "pk")
    groups: dict[str, list[CriterionAnswer]] = defaultdict(list)
    for answer in answers:
        groups[answer.criterion.commitment_code].append(answer)
    scores = {score.commitment_code: score for score in assessment.scores.all()}
    codes = sorted(set(groups) | set(scores), key=code_order)
    return [
        AnsweredGroup(code, labels.get(code, f"Engagement {code}"), groups.get(code, []), scores.get(code))
        for code in codes
    ]


def findings(groups: list[AnsweredGroup]) -> list[CriterionAnswer]:
    """The answers "non" and "en partie": each can open an improvement action."""
    return [answer for group in groups for answer in group.answers if answer.rating in FINDINGS]


def total_share(scores: list[CommitmentScore]) -> float | None:
    possible = sum((score.possible for score in scores), Decimal(0))
    if not possible:
        return None
    return float(100 * sum((score.earned for score in scores), Decimal(0)) / possible)


@dataclass(frozen=True)
class AssessmentFilters:
    """The drill-down of an indicator: `engagement`, `periode` and `type` of the query string."""

    commitment: str = ""
    period: Period | None = None
    kinds: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, data: Any) -> AssessmentFilters:
        return cls(
            commitment=str(data.get("engagement", "")).strip()[:40],
            period=Period.parse_or_none(str(data.get("periode", ""))),
            kinds=tuple(kinds_of({"kinds": data.getlist("type")})),
        )


def submitted_assessments(organisation: Organisation, filters: AssessmentFilters) -> QuerySet[Assessment]:
    """The filled grids submitted, the latest check first, narrowed as an indicator's
    drill-down asks (the grids that hold a score for the commitment, checked in the period)."""
    found = Assessment.objects.for_org(organisation).filter(status=AssessmentStatus.SUBMITTED)
    if filters.commitment:
        found = found.filter(scores__commitment_code=filters.commitment)
    if filters.period is not None:
        found = found.filter(checked_on__gte=filters.period.start, checked_on__lt=filters.period.end)
    if filters.kinds:
        found = found.filter(campaign__grid__kind__in=filters.kinds)
    return (
        found.select_related("campaign__grid", "site", "service")
        .prefetch_related("scores")
        .order_by("-checked_on", "-pk")
        .distinct()
    )
