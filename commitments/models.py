"""Frameworks, commitments, indicators with their targets, and stored indicator values."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import models
from django.db.models import Q

from core.models import OrgOwned, Service, User
from core.periods import GRANULARITY_LABELS, Granularity, Period


class Framework(OrgOwned):
    """A set of commitments a town follows: Qualivilles, Services Publics+, its own charter."""

    code = models.SlugField("code", max_length=60)
    name = models.CharField("nom", max_length=200)
    version = models.CharField("version", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="framework_unique_code")]

    def __str__(self) -> str:
        return self.name


class Module(OrgOwned):
    """A chapter of a framework (Qualivilles: reception, organisation, steering, trade, satisfaction)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField("numéro")
    name = models.CharField("nom", max_length=200)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "framework", "number"], name="module_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Commitment(OrgOwned):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="commitments")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="commitments", verbose_name="module")
    code = models.CharField("numéro", max_length=20)
    title = models.CharField("libellé", max_length=300)
    description = models.TextField("précisions", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("suivi", default=True)

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "framework", "code"], name="commitment_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Comparator(models.TextChoices):
    AT_LEAST = ">=", "au moins"
    AT_MOST = "<=", "au plus"
    EQUALS = "==", "égal à"


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"


STATUS_LABELS = {Status.MET: "Atteint", Status.NOT_MET: "Non atteint", Status.NO_DATA: "Pas de donnée"}


class Indicator(OrgOwned):
    """A measure of a commitment: a metric from the registry, its parameters and its target."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("code", max_length=20)
    label = models.CharField("libellé", max_length=300)
    metric_key = models.CharField("mesure", max_length=80)
    params = models.JSONField("paramètres", default=dict, blank=True)
    comparator = models.CharField("comparaison", max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST)
    target_value = models.DecimalField("cible", max_digits=10, decimal_places=2)
    unit = models.CharField("unité", max_length=20, default="%")
    granularity = models.CharField(
        "période de mesure",
        max_length=10,
        choices=[(g.value, GRANULARITY_LABELS[g]) for g in Granularity],
        default=Granularity.MONTH,
    )
    services = models.ManyToManyField(Service, blank=True, verbose_name="services concernés")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("suivi", default=True)

    class Meta:
        ordering = ["commitment", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "commitment", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def status_for(self, value: float | None) -> Status:
        """Whether a value meets the target; a pure function of the value."""
        if value is None:
            return Status.NO_DATA
        target = float(self.target_value)
        met = {
            Comparator.AT_LEAST: value >= target,
            Comparator.AT_MOST: value <= target,
            Comparator.EQUALS: value == target,
        }[Comparator(self.comparator)]
        return Status.MET if met else Status.NOT_MET


class ValueSource(models.TextChoices):
    COMPUTED = "computed", "calculée"
    MANUAL = "manual", "saisie"


def evidence_path(instance: IndicatorValue, filename: str) -> str:
    return f"evidence/{instance.organisation_id}/{dt.date.today():%Y/%m}/{filename}"


class IndicatorValue(OrgOwned):
    """The value of an indicator for one period and one service (or all services when empty).

    Numerator, denominator and sample size are stored with the value, never a bare percentage."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    granularity = models.CharField(max_length=10, choices=[(g.value, GRANULARITY_LABELS[g]) for g in Granularity])
    period_start = models.DateField("début de période")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, verbose_name="service")
    numerator = models.FloatField("numérateur", null=True, blank=True)
    denominator = models.FloatField("dénominateur", null=True, blank=True)
    value = models.FloatField("valeur", null=True, blank=True)
    sample_size = models.PositiveIntegerField("effectif", default=0)
    source = models.CharField(max_length=10, choices=ValueSource.choices, default=ValueSource.COMPUTED)
    comment = models.TextField("commentaire", blank=True)
    evidence = models.FileField("pièce justificative", upload_to=evidence_path, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField("calculée le", auto_now=True)

    class Meta:
        ordering = ["indicator", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "granularity", "period_start", "service"],
                condition=Q(service__isnull=False),
                name="indicator_value_unique_service",
            ),
            models.UniqueConstraint(
                fields=["organisation", "indicator", "granularity", "period_start"],
                condition=Q(service__isnull=True),
                name="indicator_value_unique_all_services",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "indicator", "granularity", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.key}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, Granularity(self.granularity))
