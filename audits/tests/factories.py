"""Small builders of the audits' records for tests and the URL walks: a grid of criteria over
two commitments, a campaign of it and a grid assigned to someone (status ASSIGNED)."""

from __future__ import annotations

import datetime as dt

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
