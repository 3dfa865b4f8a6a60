"""Phone lines and calls: what the telephone exchange logged or an agent tallied."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import ImportSource, OrgOwned, Service, User


class PhoneLine(OrgOwned):
    """A line the public calls (reception, civil registry), answered by one service."""

    code = models.SlugField("code", max_length=40)
    name = models.CharField("nom", max_length=120)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="phone_lines", verbose_name="service")

    class Meta:
        ordering = ["name"]
        verbose_name = "ligne téléphonique"
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="phone_line_unique_code")]

    def __str__(self) -> str:
        return self.name


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", "décroché"
    ABANDONED = "abandoned", "raccroché avant réponse"
    VOICEMAIL = "voicemail", "messagerie"
    BUSY = "busy", "occupé"
    FAILED = "failed", "échec"


class CallOrigin(models.TextChoices):
    IMPORT = "import", "import"
    TALLY = "tally", "relevé manuel"


class Call(OrgOwned):
    """One call presented to a line. Times are aware (UTC in the database); the local day,
    month, weekday and half-hour are stored at write time for indexed aggregation. The
    caller's number is kept only as a keyed hash (or not at all)."""

    line = models.ForeignKey(PhoneLine, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField("première sonnerie")
    answered_at = models.DateTimeField("décroché à", null=True, blank=True)
    ended_at = models.DateTimeField("fin", null=True, blank=True)
    outcome = models.CharField("issue", max_length=12, choices=CallOutcome.choices)
    wait_seconds = models.PositiveIntegerField("attente avant réponse (s)", null=True, blank=True)
    talk_seconds = models.PositiveIntegerField("durée de conversation (s)", default=0)
    rings = models.PositiveSmallIntegerField("sonneries relevées", null=True, blank=True)
    in_hours = models.BooleanField("pendant les heures d'ouverture", default=True)
    caller_hash = models.CharField(max_length=64, blank=True)
    local_date = models.DateField()
    local_month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    half_hour = models.PositiveSmallIntegerField()
    origin = models.CharField(max_length=10, choices=CallOrigin.choices, default=CallOrigin.IMPORT)
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dedupe_key = models.CharField(max_length=64)
    entered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "appel"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedupe_key"], name="call_unique_dedupe_key"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("started_at")),
                name="call_answered_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "local_month", "service", "in_hours", "outcome", "wait_seconds"],
                name="call_month_idx",
            ),
            models.Index(fields=["organisation", "local_date", "line"], name="call_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.line or self.service} {self.started_at:%d/%m/%Y %H:%M}"
