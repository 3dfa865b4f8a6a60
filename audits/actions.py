"""What changes the grids' campaigns: the default grids of a new town, campaigns created by
hand or opened by the daily job, assessments assigned to an assessor. Keyword-only, each in
one transaction, each change journaled (core.audit). The grid editor's actions are in
audits.editor; filling and submitting a grid belong to the fill modules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from audits.default_grids import GridSpec, default_grids
from audits.models import Assessment, AssessmentStatus, CheckCampaign, Criterion, Frequency, Grid
from core.access import Capability, can
from core.audit import create_audited, delete_audited
from core.models import Membership, Organisation, Service, Site, User
from core.periods import Granularity, Period

# The period a campaign of each frequency covers; "à la demande" opens none by itself.
PERIOD_OF = {
    Frequency.MONTH: Granularity.MONTH,
    Frequency.QUARTER: Granularity.QUARTER,
    Frequency.YEAR: Granularity.YEAR,
}


def _grid_from_spec(organisation: Organisation, spec: GridSpec, today: dt.date) -> Grid:
    grid = Grid.objects.create(
        organisation=organisation,
        title=spec.title,
        kind=spec.kind,
        frequency=spec.frequency,
        instructions=spec.instructions,
        created_on=today,
    )
    Criterion.objects.bulk_create(
        Criterion(
            organisation=organisation,
            grid=grid,
            position=position,
            commitment_code=criterion.commitment,
            question=criterion.question,
            expected=criterion.expected,
            weight=criterion.weight,
        )
        for position, criterion in enumerate(spec.criteria, start=1)
    )
    return grid


@transaction.atomic
def create_default_grids(organisation: Organisation, actor: User | None) -> list[Grid]:
    """The shipped grids (audits/grids/*.toml) a town does not have yet, by title and kind
    (core.registries.TOWN_DEFAULTS: run when the town is created). Like every app's defaults,
    they are what the town starts with, not a change anyone made: nothing is journaled."""
    have = set(Grid.objects.for_org(organisation).values_list("title", "kind"))
    today = organisation.today()
    return [
        _grid_from_spec(organisation, spec, today) for spec in default_grids() if (spec.title, spec.kind) not in have
    ]


def period_title(grid: Grid, period: Period) -> str:
    """ "Visite mystère — 2ᵉ trimestre 2026"."""
    return f"{grid.title} — {period.label}"[:200]


def _check_campaign(grid: Grid, starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "La fin de la campagne doit suivre son début."})
    if not grid.criteria.exists():
        raise ValidationError({"grid": f"La grille « {grid} » n'a aucun critère : ajoutez-en avant de la lancer."})


@transaction.atomic
def create_campaign(
    *,
    organisation: Organisation,
    actor: User | None,
    grid: Grid,
    starts_on: dt.date,
    ends_on: dt.date,
    today: dt.date,
    title: str = "",
) -> CheckCampaign:
    """A campaign of checks with one grid over a period; its title says the grid and the
    period when none is given."""
    if grid.organisation_id != organisation.pk:
        raise ValidationError({"grid": "Cette grille n'appartient pas à la commune."})
    _check_campaign(grid, starts_on, ends_on)
    if not title.strip():
        title = f"{grid.title} — du {starts_on:%d/%m/%Y} au {ends_on:%d/%m/%Y}"
    campaign = CheckCampaign(
        organisation=organisation,
        grid=grid,
        title=title.strip()[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        created_on=today,
    )
    create_audited(campaign, actor=actor)
    return campaign


def open_due_campaigns(organisation: Organisation, today: dt.date) -> list[CheckCampaign]:
    """What the daily job does (core.registries.DAILY_JOBS): each active grid with a frequency gets the
    campaign of the current month, quarter or year, unless one of its campaigns already starts
    in that period (opened by an earlier run or by hand). Running it again opens nothing."""
    opened = []
    grids = Grid.objects.for_org(organisation).filter(is_active=True, frequency__in=list(PERIOD_OF))
    for grid in grids.order_by("pk"):
        period = Period.containing(today, PERIOD_OF[Frequency(grid.frequency)])
        starting = grid.campaigns.filter(starts_on__gte=period.start, starts_on__lt=period.end)
        if starting.exists() or not grid.criteria.exists():
            continue
        opened.append(
            create_campaign(
                organisation=organisation,
                actor=None,
                grid=grid,
                starts_on=period.start,
                ends_on=period.last_day,
                today=today,
                title=period_title(grid, period),
            )
        )
    return opened


def open_campaigns_of_the_day(organisation: Organisation, today: dt.date) -> int:
    """The daily job's entry (`manage.py daily` prints how many campaigns it opened)."""
    return len(open_due_campaigns(organisation, today))


def assessor_memberships(organisation: Organisation, today: dt.date) -> list[Membership]:
    """The members who may be given a grid to fill: every active member who may fill grids
    (testers, agents, quality managers, administrators; not readers nor auditors), by name."""
    members = Membership.objects.for_org(organisation).select_related("user")
    active = [m for m in members if m.is_active_on(today) and can(m, Capability.FILL_GRIDS)]
    return sorted(active, key=lambda membership: (membership.user.full_name or membership.user.email).lower())


@transaction.atomic
def assign_assessment(
    *,
    campaign: CheckCampaign,
    actor: User | None,
    assessor: User,
    due_on: dt.date,
    today: dt.date,
    site: Site | None = None,
    service: Service | None = None,
) -> Assessment:
    """A grid to fill, given to an active member of the town, for a site or a service."""
    organisation = campaign.organisation
    if assessor.pk not in {membership.user_id for membership in assessor_memberships(organisation, today)}:
        raise ValidationError({"assessor": "Choisissez un membre actif de la commune qui peut remplir une grille."})
    for place in (site, service):
        if place is not None and place.organisation_id != organisation.pk:
            raise ValidationError("Ce site ou ce service n'appartient pas à la commune.")
    if due_on < campaign.starts_on:
        raise ValidationError({"due_on": "L'échéance ne peut pas précéder le début de la campagne."})
    assessment = Assessment(
        organisation=organisation,
        campaign=campaign,
        assessor=assessor,
        site=site,
        service=service,
        due_on=due_on,
    )
    create_audited(assessment, actor=actor, fields=["campaign", "assessor", "site", "service", "due_on", "status"])
    return assessment


@transaction.atomic
def withdraw_assessment(*, assessment: Assessment, actor: User | None) -> None:
    """Take back a grid given to fill and not yet begun (no answer saved) nor submitted."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != AssessmentStatus.ASSIGNED or locked.answers.exists():
        raise ValidationError("Cette grille est commencée ou remise : elle ne se retire plus.")
    delete_audited(locked, actor=actor, fields=["campaign", "assessor", "site", "service", "due_on"])
