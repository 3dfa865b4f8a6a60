"""Phone lines and calls: what the telephone exchange logged or an agent tallied, and the
monthly summary rows that figures and indicators read instead of the raw calls."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.concurrency import Versioned
from core.models import Organisation, OrgOwned, Service, User
from imports.models import ImportSource


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


UNKNOWN_WAIT = -1  # in the summary rows: a call not answered, or answered after an unknown wait
NO_LINE = 0  # in the summary rows: a call mapped to a service without a line


class Call(Versioned, OrgOwned):
    """One call presented to a line. Times are aware (UTC in the database); the local day,
    month, weekday and half-hour are stored at write time for indexed aggregation. The
    caller's number is kept only as a keyed hash (or not at all).

    Imports insert millions of rows, so the table carries only the indexes its reads need,
    both growing at their end when a time-ordered file is imported: the dedupe key
    (idempotent imports) and the local day (lists of calls, rebuilding a month's summary).
    Figures and indicators read the summary rows below, never the calls.

    Its foreign keys have no constraint in the database (`db_constraint=False`): on
    PostgreSQL each would run a check per row inserted, which tripled the time of an import
    (docs/adr/0011-call-foreign-keys-without-database-constraints.md). Deletions still follow
    `on_delete`, which Django applies itself."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False, db_constraint=False)
    line = models.ForeignKey(
        PhoneLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        db_index=False,
        db_constraint=False,
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
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
    source = models.ForeignKey(
        ImportSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    dedupe_key = models.CharField(max_length=64)
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )

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
        indexes = [models.Index(fields=["organisation", "local_date"], name="call_day_idx")]

    def __str__(self) -> str:
        return f"Appel du {self.local_date:%d/%m/%Y}"

    @property
    def is_answered(self) -> bool:
        return self.outcome == CallOutcome.ANSWERED


class CallMonthStat(OrgOwned):
    """Additive counts of the calls of one local month, service and line, in or out of
    opening hours, by outcome and by wait in whole seconds (UNKNOWN_WAIT when not answered
    or not known). Summing rows re-aggregates months, lines and services exactly, including
    medians, percentiles and "answered within N rings" for any N."""

    month = models.DateField()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", db_index=False)
    line_key = models.PositiveBigIntegerField(default=NO_LINE)
    in_hours = models.BooleanField()
    outcome = models.CharField(max_length=12, choices=CallOutcome.choices)
    wait_seconds = models.IntegerField(default=UNKNOWN_WAIT)
    calls = models.PositiveIntegerField(default=0)
    talk_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "synthèse mensuelle des appels"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "service", "line_key", "in_hours", "outcome", "wait_seconds"],
                name="call_month_stat_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Appels {self.month:%m/%Y}"


class CallSlotStat(OrgOwned):
    """Calls of one local month, service and line by weekday and half-hour: the heat map."""

    month = models.DateField()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", db_index=False)
    line_key = models.PositiveBigIntegerField(default=NO_LINE)
    in_hours = models.BooleanField()
    weekday = models.PositiveSmallIntegerField()
    half_hour = models.PositiveSmallIntegerField()
    calls = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "appels par créneau"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "service", "line_key", "in_hours", "weekday", "half_hour"],
                name="call_slot_stat_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Créneau {self.weekday}/{self.half_hour} {self.month:%m/%Y}"
