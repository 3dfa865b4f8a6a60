"""Filled grids made directly in the database for the tests of the pages, the metric and the
findings: answers given and their stored scores (CommitmentScore) written with the score rule
(audits.scores), as the submit of a grid writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from audits.models import (
    Assessment,
    AssessmentStatus,
    CheckCampaign,
    CommitmentScore,
    Criterion,
    CriterionAnswer,
    Grid,
    GridKind,
)
from audits.scores import RatedCriterion, scores_by_commitment
from core.models import Organisation, Service, Site, User


def make_grid(
    organisation: Organisation,
    criteria: Sequence[tuple[str, int]],
    *,
    kind: str = GridKind.SELF_ASSESSMENT,
    title: str = "Grille d'essai",
) -> Grid:
    """A grid with one criterion per (commitment code, weight)."""
    grid = Grid.objects.create(
        organisation=organisation, title=title, kind=kind, frequency="on_demand", created_on=dt.date(2026, 1, 1)
    )
    for position, (code, weight) in enumerate(criteria, start=1):
        Criterion.objects.create(
            organisation=organisation,
            grid=grid,
            position=position,
            commitment_code=code,
            question=f"Point n° {position} de l'engagement {code}",
            expected="Oui.",
            weight=weight,
        )
    return grid


def make_campaign(
    grid: Grid, *, starts_on: dt.date = dt.date(2026, 3, 1), ends_on: dt.date | None = None
) -> CheckCampaign:
    return CheckCampaign.objects.create(
        organisation_id=grid.organisation_id,
        grid=grid,
        title=f"{grid.title} de mars",
        starts_on=starts_on,
        ends_on=ends_on or dt.date(2026, 3, 31),
        created_on=starts_on,
    )


def make_assessment(
    campaign: CheckCampaign,
    assessor: User,
    ratings: Sequence[str] = (),
    *,
    checked_on: dt.date | None = dt.date(2026, 3, 10),
    site: Site | None = None,
    service: Service | None = None,
) -> Assessment:
    """A filled grid with one rating per criterion of the campaign's grid, in order: submitted
    with its scores when `checked_on` is given, else left assigned (a draft) with its answers."""
    submitted = checked_on is not None
    assessment = Assessment.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        assessor=assessor,
        site=site,
        service=service,
        due_on=campaign.ends_on,
        checked_on=checked_on,
        status=AssessmentStatus.SUBMITTED if submitted else AssessmentStatus.ASSIGNED,
        submitted_at=dt.datetime.combine(checked_on, dt.time(12), tzinfo=dt.UTC) if checked_on else None,
    )
    criteria = list(campaign.grid.criteria.order_by("position"))
    rated = []
    for criterion, rating in zip(criteria, ratings, strict=False):
        CriterionAnswer.objects.create(
            organisation_id=campaign.organisation_id,
            assessment=assessment,
            criterion=criterion,
            rating=rating,
            comment=f"Constat sur le point {criterion.position}",
        )
        rated.append(RatedCriterion(criterion.commitment_code, criterion.weight, rating))
    if submitted:
        for score in scores_by_commitment(rated):
            CommitmentScore.objects.create(
                organisation_id=campaign.organisation_id,
                assessment=assessment,
                commitment_code=score.commitment_code,
                earned=score.earned,
                possible=score.possible,
            )
    return assessment
