"""The staff roster and what its agents attended: training sessions and briefings on the
commitments (commitments 11 and 22), and the town's briefing deadline for newcomers.

Not every agent has an account: the roster (`Agent`) is the list the records hang on, with an
optional link to a user. Agents' names are staff data, shown to the town's members only.
Nothing here rates a person: the records say who attended what, never how well."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import Organisation, OrgOwned, OrgQuerySet, Service, User
from core.periods import Period
from registers.deadlines import DeadlineStatus, deadline_status

DEFAULT_BRIEFING_DAYS = 30


class TrainingSettings(OrgOwned):
    """The town's briefing deadline for newcomers (one row per town, created with the town)."""

    briefing_days = models.PositiveSmallIntegerField(
        "délai de sensibilisation après l'arrivée (jours)",
        default=DEFAULT_BRIEFING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Jours calendaires après la date d'arrivée de l'agent, entre 1 et 365.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres de la formation"
        constraints = [models.UniqueConstraint(fields=["organisation"], name="training_settings_one_per_org")]

    def __str__(self) -> str:
        return "Délai de sensibilisation des nouveaux agents"

    @classmethod
    def for_org(cls, organisation: Organisation) -> TrainingSettings:
        """The town's row, or the defaults (unsaved) for a town created before this app."""
        found = cls.objects.filter(organisation=organisation).first()
        return found or cls(organisation=organisation)


class AgentQuerySet(OrgQuerySet):
    def in_post_during(self, period: Period) -> AgentQuerySet:
        """Agents arrived before the end of the period and not departed before its start."""
        return self.filter(Q(departed_on__isnull=True) | Q(departed_on__gte=period.start), arrived_on__lt=period.end)

    def in_post_on(self, day: dt.date) -> AgentQuerySet:
        return self.filter(Q(departed_on__isnull=True) | Q(departed_on__gte=day), arrived_on__lte=day)


class Agent(OrgOwned):
    """A member of staff on the town's roster, with or without an account. `departed_on` is
    the last day in post."""

    full_name = models.CharField("nom et prénom", max_length=150)
    service = models.ForeignKey(
        Service, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    front_line = models.BooleanField(
        "en contact avec le public",
        default=True,
        help_text="Agent d'accueil, au guichet ou au téléphone : compté dans l'indicateur 11.1.",
    )
    arrived_on = models.DateField("date d'arrivée")
    departed_on = models.DateField("date de départ", null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="compte"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgentQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = "agent"
        verbose_name_plural = "agents"
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(user__isnull=False), name="agent_one_per_account"
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=models.F("arrived_on")),
                name="agent_departs_after_arriving",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "full_name"], name="agent_by_name")]

    def __str__(self) -> str:
        return self.full_name

    def is_in_post_on(self, day: dt.date) -> bool:
        return self.arrived_on <= day and (self.departed_on is None or self.departed_on >= day)

    def briefing_deadline(self, days: int) -> dt.date:
        """The last day to brief this newcomer: `days` calendar days after arrival."""
        return self.arrived_on + dt.timedelta(days=days)


class Kind(models.TextChoices):
    TRAINING = "training", "formation"
    BRIEFING = "briefing", "sensibilisation aux engagements"


def attendance_sheet_path(instance: TrainingSession, filename: str) -> str:
    """A random stored name: sheets are served only through the scoped download view."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"training/{instance.organisation_id}/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class TrainingSession(OrgOwned):
    """A training session or a briefing on the commitments, with who attended it.
    `commitments` holds the codes of the commitments covered ("11", "22")."""

    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.TRAINING)
    topic = models.CharField("thème", max_length=200)
    held_on = models.DateField("date")
    trainer = models.CharField("animée par", max_length=150)
    duration_hours = models.DecimalField(
        "durée (heures)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
        null=True,
        blank=True,
    )
    commitments = models.JSONField("engagements abordés", default=list, blank=True)
    attendees: models.ManyToManyField[Agent, Attendance] = models.ManyToManyField(
        Agent, through="Attendance", related_name="sessions", verbose_name="participants"
    )
    attendance_sheet = models.FileField(
        "feuille d'émargement", upload_to=attendance_sheet_path, blank=True, max_length=200
    )
    attendance_sheet_name = models.CharField("nom de la feuille d'émargement", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "session de formation ou de sensibilisation"
        verbose_name_plural = "sessions de formation ou de sensibilisation"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "kind", "held_on"], name="session_by_kind_and_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} du {self.held_on:%d/%m/%Y} : {self.topic}"

    @property
    def counts_for_training(self) -> bool:
        """A training session counts for 11.1 when it covers at least one commitment."""
        return self.kind == Kind.TRAINING and bool(self.commitments)


class Attendance(OrgOwned):
    """An agent on a session's attendance list (an explicit table, so it carries the town)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    agent = models.ForeignKey(Agent, on_delete=models.RESTRICT, related_name="attendances")

    class Meta:
        verbose_name = "participation"
        verbose_name_plural = "participations"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "session", "agent"], name="attendance_unique_agent")
        ]
        indexes = [models.Index(fields=["organisation", "agent"], name="attendance_by_agent")]

    def __str__(self) -> str:
        return f"{self.agent_id} → {self.session_id}"


class BriefingState:
    """Where a newcomer stands against the briefing deadline on a given day (pure)."""

    LABELS = {
        DeadlineStatus.ON_TIME: "sensibilisé dans le délai",
        DeadlineStatus.LATE: "en retard",
        DeadlineStatus.PENDING: "à sensibiliser",
    }

    def __init__(self, deadline: dt.date, briefed_on: dt.date | None, today: dt.date) -> None:
        self.deadline = deadline
        self.briefed_on = briefed_on
        self.status = deadline_status(deadline, briefed_on, today)

    @property
    def label(self) -> str:
        if self.status == DeadlineStatus.LATE and self.briefed_on is not None:
            return "sensibilisé après le délai"
        return self.LABELS[self.status]
