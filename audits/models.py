"""Checks you can see: grids of criteria per commitment, the campaigns that run them
(self-assessment, mystery visit, call and letter), the filled grids and their scores.

A grid rates the service, never the agent: an answer names no agent, and the assessor is the
person who filled the grid (a quality manager, an agent, or an outside tester).

The score of a filled grid for one commitment is the weighted share of its criteria met, the
criteria answered "sans objet" left out: `yes` earns the criterion's weight, `partly` half of it,
`no` nothing (docs/audits.md). It is stored per commitment (`CommitmentScore`) when the grid is
submitted, or typed from a paper grid with the scanned grid as evidence, so that an indicator
reads one kind of row whatever the grid was filled on."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.concurrency import Versioned
from core.models import OrgOwned, Service, Site, User


class GridKind(models.TextChoices):
    SELF_ASSESSMENT = "self", "autoévaluation"
    MYSTERY_VISIT = "visit", "visite mystère"
    MYSTERY_CALL = "call", "appel mystère"
    MYSTERY_LETTER = "letter", "courrier ou courriel mystère"


class Frequency(models.TextChoices):
    MONTH = "month", "chaque mois"
    QUARTER = "quarter", "chaque trimestre"
    YEAR = "year", "chaque année"
    ON_DEMAND = "on_demand", "à la demande"


class Grid(OrgOwned, Versioned):
    """A grid of criteria. Its criteria can be edited until a grid is submitted on it; then a
    copy makes the next version, so that a past score always reads the criteria it was given on."""

    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type de contrôle", max_length=10, choices=GridKind.choices)
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices, default=Frequency.ON_DEMAND)
    instructions = models.TextField("consignes", blank=True, help_text="Lues par la personne qui remplit la grille.")
    is_active = models.BooleanField("en usage", default=True)
    created_on = models.DateField("créée le")

    class Meta:
        verbose_name = "grille"
        ordering = ["kind", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(OrgOwned):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="criteria", verbose_name="grille")
    position = models.PositiveSmallIntegerField("ordre")
    # The commitment it checks, by its code ("1", "15"): the indicators read scores by it.
    commitment_code = models.CharField("engagement vérifié", max_length=40)
    question = models.CharField("point à vérifier", max_length=300)
    expected = models.CharField("réponse attendue", max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        "poids", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = "critère"
        ordering = ["grid", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=10), name="audits_criterion_weight_range"),
        ]

    def __str__(self) -> str:
        return self.question


class CheckCampaign(OrgOwned):
    """One period's checks with one grid: the monthly self-assessment of March, the mystery
    visits of the second quarter."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="campaigns", verbose_name="grille")
    title = models.CharField("intitulé", max_length=200)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    created_on = models.DateField("créée le")

    class Meta:
        verbose_name = "campagne de contrôle"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="audits_campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.title


class AssessmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "à remplir"
    SUBMITTED = "submitted", "remise"


class AssessmentSource(models.TextChoices):
    ONLINE = "online", "remplie en ligne"
    PAPER = "paper", "grille papier saisie"


def scan_path(instance: Assessment, filename: str) -> str:
    """A random stored name: a scanned grid is served only through a scoped view."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"audits/{instance.organisation_id}/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Assessment(OrgOwned, Versioned):
    """One filled grid: a check made on one day, at one site or for one service, by one person
    (the assessor, who may be an outside tester). Assigned first, then filled and submitted;
    submitted, it is final and its scores are stored."""

    campaign = models.ForeignKey(
        CheckCampaign, on_delete=models.PROTECT, related_name="assessments", verbose_name="campagne"
    )
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="contrôleur")
    site = models.ForeignKey(
        Site, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="site"
    )
    service = models.ForeignKey(
        Service, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    due_on = models.DateField("à remettre avant le")
    checked_on = models.DateField("date du contrôle", null=True, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.ASSIGNED
    )
    source = models.CharField(
        "origine", max_length=10, choices=AssessmentSource.choices, default=AssessmentSource.ONLINE
    )
    scan = models.FileField("grille papier numérisée", upload_to=scan_path, blank=True, max_length=200)
    submitted_at = models.DateTimeField("remise le", null=True, blank=True)

    class Meta:
        verbose_name = "grille remplie"
        verbose_name_plural = "grilles remplies"
        ordering = ["-due_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "checked_on"], name="audits_assessment_checked_idx"),
            models.Index(fields=["organisation", "assessor", "status"], name="audits_assessment_assessor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="assigned") | Q(checked_on__isnull=False, submitted_at__isnull=False),
                name="audits_assessment_submitted_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.checked_on or self.due_on:%d/%m/%Y}"

    def scores_in_order(self) -> list[CommitmentScore]:
        """Its scores in commitment order ("2" before "10"), from the prefetched ones if any."""
        return sorted(self.scores.all(), key=lambda score: code_order(score.commitment_code))


class Rating(models.TextChoices):
    YES = "yes", "oui"
    PARTLY = "partly", "en partie"
    NO = "no", "non"
    NOT_APPLICABLE = "na", "sans objet"


# The share of a criterion's weight each answer earns; "sans objet" leaves the criterion out.
CREDIT: dict[str, Decimal] = {Rating.YES: Decimal(1), Rating.PARTLY: Decimal("0.5"), Rating.NO: Decimal(0)}
# The answers that are findings: each can open an improvement action.
FINDINGS = frozenset({Rating.PARTLY, Rating.NO})


def photo_path(instance: CriterionAnswer, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"audits/{instance.organisation_id}/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class CriterionAnswer(OrgOwned):
    """The answer to one criterion of a filled grid, saved as soon as it is given."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name="grille remplie"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers", verbose_name="critère")
    rating = models.CharField("réponse", max_length=10, choices=Rating.choices)
    comment = models.TextField("commentaire", blank=True)
    photo = models.FileField("photo", upload_to=photo_path, blank=True, max_length=200)

    class Meta:
        verbose_name = "réponse"
        ordering = ["assessment", "criterion__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="audits_answer_unique_criterion"),
        ]


def code_order(code: str) -> tuple[int, str]:
    """Commitments in number order ("2" before "10"), codes that are not numbers last."""
    number = code.split(".")[0]
    return (int(number), code) if number.isdigit() else (10**6, code)


class CommitmentScore(OrgOwned):
    """A filled grid's score for one commitment: the weight earned over the weight of the
    criteria that apply. Written when the grid is submitted, or typed from a paper grid."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name="grille remplie"
    )
    commitment_code = models.CharField("engagement", max_length=40)
    earned = models.DecimalField("points obtenus", max_digits=7, decimal_places=1)
    possible = models.DecimalField("points possibles", max_digits=7, decimal_places=1)

    class Meta:
        verbose_name = "score par engagement"
        ordering = ["assessment", "commitment_code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "commitment_code"], name="audits_score_unique_commitment"),
            models.CheckConstraint(
                condition=Q(possible__gt=0, earned__gte=0, earned__lte=models.F("possible")),
                name="audits_score_within_possible",
            ),
        ]

    @property
    def share(self) -> float:
        return float(100 * self.earned / self.possible)
