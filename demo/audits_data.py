"""Checks for a demo town, through the audits app's own actions: its default grids, a campaign
a month for the twelve last complete months with each monthly grid (self-assessments filled by
the quality manager), a campaign a quarter for the four last complete quarters with each
mystery grid (visit, call, letter, filled by the outside tester); one filled grid per campaign
and now and then a second one, each answer saved and the grid submitted as the fill pages do.
Last, the daily job opens the current month's and quarter's campaigns, left with a grid to
fill: the tester's mystery checks ("Mes grilles") and the quality manager's self-assessments.

Answers are drawn from the given generator: mostly "oui", some "en partie" or "non" with a
short comment on what was found (never a person's name: a grid rates the service), a few
"sans objet" (never the first criterion of a commitment in a grid, so that every commitment
checked has a score). No photos. The grids are submitted without telling the indicators one
by one (`notify=False`): the caller recomputes the demo's years once
(`demo.generator.recompute_demo_indicators`, prefix `audits`), and the indicators 1.1, 2.1,
3.1, 4.1, 5.1, 7.2, 10.1, 12.2, 14.2 and 15.1 follow from these grids (audits.metrics)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from audits.actions import (
    PERIOD_OF,
    assign_assessment,
    create_campaign,
    create_default_grids,
    open_due_campaigns,
    period_title,
)
from audits.fill import save_answer, submit_assessment
from audits.models import Assessment, CheckCampaign, Criterion, Frequency, Grid, GridKind, Rating
from core.localtime import aware_local
from core.models import ClosureDay, Membership, Organisation, Role, Service, Site, User
from core.periods import Granularity, Period, recent_periods

# How many complete periods before the current one get their campaign.
PAST_PERIODS = {Granularity.MONTH: 12, Granularity.QUARTER: 4}
# The share of campaigns with a second check (the annex, or the civil registry's line or mail).
SECOND_CHECK = 0.3
RATINGS = (Rating.YES, Rating.PARTLY, Rating.NO, Rating.NOT_APPLICABLE)
RATING_WEIGHTS = (82, 9, 6, 3)
# What was found, by commitment: short, about the premises or the service, never a person.
FINDINGS = {
    "1": ("Fléchage vers l'état civil à compléter depuis le hall.", "Affiche des horaires décolorée, à remplacer."),
    "2": ("Espace d'attente encombré de cartons ce jour-là.", "Sanitaires à réapprovisionner en fin de matinée."),
    "3": ("Rampe d'accès encombrée par des vélos.", "Boucle magnétique non signalée au guichet."),
    "4": ("Dépliants des tarifs de l'an dernier encore au présentoir.", "Page des démarches du site à actualiser."),
    "5": ("Poste sans place pour déposer un dossier.", "Espace de confidentialité peu visible."),
    "7": ("Orientation donnée après une attente au mauvais guichet.", "Renvoyé vers un autre service à tort."),
    "10": ("Plaque du guichet absente ce jour-là.", "Badge peu lisible à distance."),
    "12": ("Accueil courtois mais attention partagée avec le téléphone.", "Salutation oubliée à l'arrivée."),
    "13": ("Réponse générale, sans les pièces à fournir.", "Demande reformulée en partie seulement."),
    "14": ("Échange audible depuis l'espace d'attente.", "Affichage sur la confidentialité absent."),
    "15": ("Réponse après plus de cinq sonneries.", "Nom de la commune non donné en décrochant."),
    "17": ("Réponse sans contact pour la suite.", "Réponse arrivée après le délai annoncé."),
}
NOT_APPLICABLE_COMMENT = "Sans objet lors de ce contrôle."


@dataclass(frozen=True)
class AuditCounts:
    campaigns: int
    submitted: int
    open_assignments: int


@dataclass(frozen=True)
class Places:
    """Where each check is made: the premises' checks at the two sites, the calls and letters
    for the reception and the civil registry."""

    sites: tuple[Site, Site]
    services: tuple[Service, Service]


def add_audits(organisation: Organisation, *, rng: random.Random, today: dt.date) -> AuditCounts:
    """The town's year of checks, and the current period's grids left to fill."""
    create_default_grids(organisation, None)
    manager = _member(organisation, Role.QUALITY_MANAGER)
    tester = _member(organisation, Role.TESTER)
    places = Places(
        sites=(_site(organisation, "Hôtel de ville"), _site(organisation, "Mairie annexe des Prés")),
        services=(_service(organisation, "accueil"), _service(organisation, "etat-civil")),
    )
    closed = set(ClosureDay.objects.filter(organisation=organisation).values_list("date", flat=True))
    campaigns = submitted = 0
    for grid in Grid.objects.for_org(organisation).filter(is_active=True, frequency__in=list(PERIOD_OF)).order_by("pk"):
        assessor = manager if grid.kind == GridKind.SELF_ASSESSMENT else tester
        criteria = list(grid.criteria.order_by("position", "pk"))
        granularity = PERIOD_OF[Frequency(grid.frequency)]
        for period in reversed(recent_periods(granularity, today, PAST_PERIODS[granularity] + 1)[1:]):
            campaign = create_campaign(
                organisation=organisation,
                actor=manager,
                grid=grid,
                starts_on=period.start,
                ends_on=period.last_day,
                today=period.start,
                title=period_title(grid, period),
            )
            campaigns += 1
            for place in range(2 if rng.random() < SECOND_CHECK else 1):
                days = _open_days(period, closed)
                assessment = _assign(campaign, manager, assessor, places, place, today)
                _fill(assessment, criteria, assessor, rng, checked_on=rng.choice(days), today=today)
                submitted += 1
    opened = _leave_current_grids_to_fill(organisation, manager, tester, places, today)
    return AuditCounts(campaigns=campaigns + len(opened), submitted=submitted, open_assignments=len(opened))


def _member(organisation: Organisation, role: str) -> User:
    return Membership.objects.get(organisation=organisation, role=role).user


def _site(organisation: Organisation, name: str) -> Site:
    return Site.objects.get(organisation=organisation, name=name)


def _service(organisation: Organisation, code: str) -> Service:
    return Service.objects.get(organisation=organisation, code=code)


def _open_days(period: Period, closed: set[dt.date]) -> list[dt.date]:
    """The weekdays of the period the town hall is open (closure days left out)."""
    days = (period.start + dt.timedelta(days=offset) for offset in range((period.end - period.start).days))
    return [day for day in days if day.weekday() < 5 and day not in closed]


def _assign(
    campaign: CheckCampaign, manager: User, assessor: User, places: Places, place: int, today: dt.date
) -> Assessment:
    """The first check at the town hall or for the reception, the second at the annex or for
    the civil registry; given by the quality manager."""
    by_phone_or_mail = campaign.grid.kind in (GridKind.MYSTERY_CALL, GridKind.MYSTERY_LETTER)
    return assign_assessment(
        campaign=campaign,
        actor=manager,
        assessor=assessor,
        due_on=campaign.ends_on,
        today=today,
        site=None if by_phone_or_mail else places.sites[place],
        service=places.services[place] if by_phone_or_mail else None,
    )


def _fill(
    assessment: Assessment,
    criteria: list[Criterion],
    assessor: User,
    rng: random.Random,
    *,
    checked_on: dt.date,
    today: dt.date,
) -> None:
    """Answer every criterion, then submit the grid on the day of the check, late morning."""
    seen: set[str] = set()
    for criterion in criteria:
        rating = _draw_rating(rng, may_not_apply=criterion.commitment_code in seen)
        seen.add(criterion.commitment_code)
        save_answer(
            assessment=assessment,
            criterion=criterion,
            rating=rating,
            comment=_comment(criterion, rating, rng),
            actor=assessor,
        )
    submitted_at = aware_local(dt.datetime.combine(checked_on, dt.time(11, 30)), assessment.organisation.time_zone)
    submit_assessment(
        assessment=assessment, checked_on=checked_on, actor=assessor, now=submitted_at, today=today, notify=False
    )


def _draw_rating(rng: random.Random, *, may_not_apply: bool) -> str:
    rating = rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
    return Rating.YES if rating == Rating.NOT_APPLICABLE and not may_not_apply else rating


def _comment(criterion: Criterion, rating: str, rng: random.Random) -> str:
    if rating == Rating.NOT_APPLICABLE:
        return NOT_APPLICABLE_COMMENT
    if rating in (Rating.PARTLY, Rating.NO):
        return rng.choice(FINDINGS.get(criterion.commitment_code, ("Point à reprendre avant le prochain contrôle.",)))
    return ""


def _leave_current_grids_to_fill(
    organisation: Organisation, manager: User, tester: User, places: Places, today: dt.date
) -> list[Assessment]:
    """The daily job opens this month's and this quarter's campaigns; each gets one grid to
    fill: the mystery checks for the tester, the self-assessments for the quality manager."""
    assigned = []
    for campaign in open_due_campaigns(organisation, today):
        assessor = manager if campaign.grid.kind == GridKind.SELF_ASSESSMENT else tester
        assigned.append(_assign(campaign, manager, assessor, places, 0, today))
    return assigned
