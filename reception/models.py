"""The counter: queue tickets and visits logged without tickets."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import ImportSource, OrgOwned, Service, Site, User


class VisitReason(OrgOwned):
    """A reason a person comes to the counter, tapped on the kiosk or by the agent."""

    label = models.CharField("motif", max_length=120)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="service concerné"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "motif de visite"
        constraints = [models.UniqueConstraint(fields=["organisation", "label"], name="visit_reason_unique_label")]

    def __str__(self) -> str:
        return self.label


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "en attente"
    CALLED = "called", "appelé"
    IN_SERVICE = "in_service", "en cours"
    SERVED = "served", "servi"
    LEFT = "left", "parti sans être servi"
    REDIRECTED = "redirected", "réorienté"


class QueueTicket(OrgOwned):
    """A ticket of the counter queue. Wait = called_at − issued_at; service time =
    ended_at − started_at. The local day, month, weekday and half-hour of issue are stored
    for indexed aggregation."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    reason = models.ForeignKey(
        VisitReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="motif"
    )
    number = models.CharField("numéro", max_length=12)
    status = models.CharField("état", max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    issued_at = models.DateTimeField("émis à")
    called_at = models.DateTimeField("appelé à", null=True, blank=True)
    started_at = models.DateTimeField("début du service", null=True, blank=True)
    ended_at = models.DateTimeField("fin du service", null=True, blank=True)
    wait_seconds = models.PositiveIntegerField("attente (s)", null=True, blank=True)
    redirected_to = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="réorienté vers"
    )
    agent = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    local_date = models.DateField()
    local_month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    half_hour = models.PositiveSmallIntegerField()
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dedupe_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "ticket"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedupe_key"], name="ticket_unique_dedupe_key"),
            models.CheckConstraint(
                condition=Q(called_at__isnull=True) | Q(called_at__gte=models.F("issued_at")),
                name="ticket_called_after_issue",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "local_month", "service", "status", "wait_seconds"], name="ticket_month_idx"
            ),
            models.Index(fields=["organisation", "site", "local_date", "status"], name="ticket_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.issued_at:%d/%m/%Y %H:%M}"


class Visit(OrgOwned):
    """A visit logged without a ticket: its reason and where the person was sent."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    reason = models.ForeignKey(
        VisitReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="motif"
    )
    oriented_to = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="orienté vers"
    )
    at = models.DateTimeField("date et heure")
    agent = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    local_date = models.DateField()
    local_month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    half_hour = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]
        verbose_name = "visite"
        indexes = [models.Index(fields=["organisation", "local_month", "site"], name="visit_month_idx")]

    def __str__(self) -> str:
        return f"{self.reason or 'Visite'} {self.at:%d/%m/%Y %H:%M}"
