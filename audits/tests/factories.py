"""Small builders of the audits' records for tests and the URL walks: a grid of criteria over
two commitments, a campaign of it and a grid assigned to someone (status ASSIGNED); and, for the
pages, the metric and the findings, a grid of criteria given as (commitment, weight), a campaign
of March 2026 and a filled grid answered and submitted through the fill actions (so that its
stored scores are those a real submission writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from audits.fill import save_answer, submit_assessment
from audits.models import Assessment, CheckCampaign, Criterion, Grid, GridKind
from core.models import Organisation, Service, Site, User

# (commitment, question, expected answer, weight)
CRITERIA = [
    ("1", "La signalétique extérieure mène à l'entrée", "Panneaux visibles depuis la rue", 2),
    ("1", "Les horaires sont affichés à l'entrée", "Horaires à jour, lisibles", 1),
    ("2", "Le hall est propre et dégagé", "", 1),
    ("2", "Des sièges attendent les visiteurs", "Au moins quatre places assises", 1),
]


def make_grid(organisation: Organisation, *, title: str = "Autoévaluation des locaux") -> Grid:
    grid = Grid.objects.create(
        organisation=organisation,
        title=title,
        kind=GridKind.SELF_ASSESSMENT,
        instructions="Faites le tour des locaux avant l'ouverture.",
        created_on=dt.date(2026, 11, 2),
    )
    Criterion.objects.bulk_create(
        Criterion(
            organisation=organisation,
            grid=grid,
            position=position,
            commitment_code=code,
            question=question,
            expected=expected,
            weight=weight,
        )
        for position, (code, question, expected, weight) in enumerate(CRITERIA, start=1)
    )
    return grid


def make_campaign(organisation: Organisation, grid: Grid | None = None) -> CheckCampaign:
    return CheckCampaign.objects.create(
        organisation=organisation,
        grid=grid or make_grid(organisation),
        title="Autoévaluation de décembre 2026",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
        created_on=dt.date(2026, 11, 20),
    )


def make_assessment(campaign: CheckCampaign, assessor: User, *, due_on: dt.date = dt.date(2026, 12, 15)) -> Assessment:
    site = Site.objects.filter(organisation_id=campaign.organisation_id).order_by("pk").first()
    service = Service.objects.filter(organisation_id=campaign.organisation_id).order_by("pk").first()
    return Assessment.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        assessor=assessor,
        site=site,
        service=service,
        due_on=due_on,
    )


def make_weighted_grid(
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


def make_grid_campaign(
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


def make_filled_grid(
    campaign: CheckCampaign,
    assessor: User,
    ratings: Sequence[str] = (),
    *,
    checked_on: dt.date | None = dt.date(2026, 3, 10),
    site: Site | None = None,
    service: Service | None = None,
) -> Assessment:
    """A grid of the campaign given to `assessor`, answered with one rating per criterion of
    the grid, in order, through the fill actions (audits.fill); submitted on `checked_on`
    (its scores stored by the submit), or left to fill (a draft) when `checked_on` is None."""
    assessment = Assessment.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        assessor=assessor,
        site=site,
        service=service,
        due_on=campaign.ends_on,
    )
    criteria = list(campaign.grid.criteria.order_by("position"))
    for criterion, rating in zip(criteria, ratings, strict=False):
        comment = f"Constat sur le point {criterion.position}"
        save_answer(assessment=assessment, criterion=criterion, rating=rating, comment=comment, actor=assessor)
    if checked_on is not None:
        now = dt.datetime.combine(checked_on, dt.time(12), tzinfo=dt.UTC)
        submit_assessment(assessment=assessment, checked_on=checked_on, actor=assessor, now=now, today=checked_on)
    return assessment
