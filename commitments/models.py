"""Frameworks, commitments, indicators with their targets, and stored indicator values."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import PurePath

from django.db import models
from django.db.models import Q

from core.metrics import MetricParam
from core.models import OrgOwned, Service, Site, User, YearClosing
from core.periods import GRANULARITY_LABELS, Granularity, Period
from core.registries import METRICS
from documents.french import NBSP, format_number

PLANNED_METRIC_NOTE = "Mesure automatique prévue (module à venir)"


class Framework(OrgOwned):
    """A set of commitments a town follows: Qualivilles, Services Publics+, its own charter."""

    code = models.SlugField("code", max_length=60)
    name = models.CharField("nom", max_length=200)
    version = models.CharField("version", max_length=40, blank=True)

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
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
        verbose_name = "module"
        verbose_name_plural = "modules"
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
    # Shown to the public (complaint form, published results); the town's internal commitments
    # (agents briefed, steering committee) are not.
    is_public = models.BooleanField("affiché au public", default=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
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
    IN_PROGRESS = "in_progress"  # a value of a period not over yet: never a verdict


STATUS_LABELS = {
    Status.MET: "Atteint",
    Status.NOT_MET: "Non atteint",
    Status.NO_DATA: "Pas de donnée",
    Status.IN_PROGRESS: "En cours",
}


COMPARATOR_SYMBOLS = {Comparator.AT_LEAST: "≥", Comparator.AT_MOST: "≤", Comparator.EQUALS: "="}
YES_NO_UNIT = "oui/non"
COUNT_UNIT = "nombre"


def format_measure(number: float | None, unit: str) -> str:
    """A value with its unit, as shown on pages: "92,5 %", "12 min", "3", "oui" (non-breaking spaces)."""
    if number is None:
        return "—"
    if unit == YES_NO_UNIT:
        return "oui" if number >= 1 else "non"
    if unit in ("", COUNT_UNIT):
        return format_number(number)
    return f"{format_number(number)}{NBSP}{unit}"


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
    services: models.ManyToManyField[Service, IndicatorService] = models.ManyToManyField(
        Service, blank=True, through="IndicatorService", related_name="+", verbose_name="services concernés"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("suivi", default=True)

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["commitment", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "commitment", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def target_in(self, year: int | None) -> tuple[str, Decimal]:
        """The comparator and target a value of `year` is judged against: those the indicator
        had when that year was closed, if it is (ADR 0025), else its own."""
        if year is not None and (frozen := self.closed_targets.get(year)) is not None:
            return frozen
        return self.comparator, self.target_value

    @cached_property
    def closed_targets(self) -> dict[int, tuple[str, Decimal]]:
        """Year → (comparator, target) of each closed year in force. One query per indicator:
        a page of many indicators reads them all at once (`commitments.closing.attach_closed_targets`)."""
        frozen = ClosedYearTarget.objects.filter(indicator=self, closing__reopened_at__isnull=True)
        return {year: (comparator, target) for year, comparator, target in frozen.values_list(*TARGET_FIELDS)}

    def in_year(self, year: int) -> Indicator:
        """This indicator as read in `year`'s documents (evidence pack, audit view, published
        results): a copy, never saved, with the target of the year's closing if it is closed."""
        comparator, target_value = self.target_in(year)
        as_read = copy.copy(self)
        as_read.comparator, as_read.target_value = comparator, target_value
        return as_read

    def status_for(self, value: float | None, *, year: int | None = None) -> Status:
        """Whether a value (of `year`, when known) meets the target; a pure function of the value."""
        if value is None:
            return Status.NO_DATA
        comparator, target_value = self.target_in(year)
        target = float(target_value)
        met = {
            Comparator.AT_LEAST: value >= target,
            Comparator.AT_MOST: value <= target,
            Comparator.EQUALS: value == target,
        }[Comparator(comparator)]
        return Status.MET if met else Status.NOT_MET

    def status_on(self, value: float | None, *, period: Period, today: dt.date) -> Status:
        """The status of a value of `period` as shown on `today`: a verdict only once the
        period is complete; before, its value so far is *en cours*."""
        if self.is_planned or value is None:
            return Status.NO_DATA
        if not period.is_complete(today):
            return Status.IN_PROGRESS
        return self.status_for(value, year=period.start.year)

    @property
    def is_planned(self) -> bool:
        """A measure that a future operational module will compute: no value yet, no manual entry."""
        return self.metric_key not in METRICS

    @property
    def takes_manual_values(self) -> bool:
        return self.metric_key in METRICS and METRICS.get(self.metric_key).is_manual

    @property
    def settings(self) -> list[tuple[MetricParam, int]]:
        """The parameters its metric declares, each with the value this indicator gives it."""
        if self.is_planned:
            return []
        metric = METRICS.get(self.metric_key)
        values = metric.param_values(self.params)
        return [(param, values[param.name]) for param in metric.params]

    @property
    def settings_text(self) -> str:
        """ "Attente maximale : 15 minutes", as pages and the audit trail show the parameters."""
        return " ; ".join(param.text(value) for param, value in self.settings)

    @property
    def target_label(self) -> str:
        """The target as a reader writes it: "≥ 90 %", "≤ 0,5 %", "= oui"."""
        return self.target_label_in(None)

    @property
    def closed_target_labels(self) -> list[tuple[int, str]]:
        """(year, target as written) of each closed year, the latest first."""
        return [(year, self.target_label_in(year)) for year in sorted(self.closed_targets, reverse=True)]

    def target_label_in(self, year: int | None) -> str:
        """The target a value of `year` is judged against (`target_in`), as a reader writes it."""
        comparator, target_value = self.target_in(year)
        symbol = COMPARATOR_SYMBOLS[Comparator(comparator)]
        return f"{symbol}{NBSP}{format_measure(float(target_value), self.unit)}"


TARGET_FIELDS = ("closing__year", "comparator", "target_value")


class ClosedYearTarget(OrgOwned):
    """The target an indicator had when its year was closed (ADR 0025): the verdicts of a
    closed year are read against it, whatever the target becomes afterwards (a town raising
    its targets the next year does not turn its closed year's results into failures)."""

    closing = models.ForeignKey(YearClosing, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    comparator = models.CharField("comparaison", max_length=2, choices=Comparator.choices)
    target_value = models.DecimalField("cible", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "cible à la clôture"
        verbose_name_plural = "cibles à la clôture"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "closing", "indicator"], name="closed_year_target_one_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} ({self.closing_id})"


class IndicatorService(OrgOwned):
    """A service an indicator concerns (an explicit table, so that it carries the organisation)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    service = models.ForeignKey(Service, on_delete=models.RESTRICT)

    class Meta:
        verbose_name = "service concerné par un indicateur"
        verbose_name_plural = "services concernés par un indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "service"], name="indicator_service_unique_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.service_id}"


class ValueSource(models.TextChoices):
    COMPUTED = "computed", "calculée"
    MANUAL = "manual", "saisie"


def evidence_path(instance: IndicatorValue, filename: str) -> str:
    """A random stored name: evidence is served only through the scoped `evidence` view."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"evidence/{instance.organisation_id}/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class IndicatorValue(OrgOwned):
    """The value of an indicator for one period and one service, or one site (every service of
    an annex or district town hall), or the whole town when both are empty. Values per site
    are stored only for towns with more than one site (ADR 0008).

    Numerator, denominator and sample size are stored with the value, never a bare percentage."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    granularity = models.CharField(max_length=10, choices=[(g.value, GRANULARITY_LABELS[g]) for g in Granularity])
    period_start = models.DateField("début de période")
    service = models.ForeignKey(Service, on_delete=models.RESTRICT, null=True, blank=True, verbose_name="service")
    site = models.ForeignKey(
        Site, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="site"
    )
    numerator = models.FloatField("numérateur", null=True, blank=True)
    denominator = models.FloatField("dénominateur", null=True, blank=True)
    value = models.FloatField("valeur", null=True, blank=True)
    sample_size = models.PositiveIntegerField("effectif", default=0)
    source = models.CharField(max_length=10, choices=ValueSource.choices, default=ValueSource.COMPUTED)
    comment = models.TextField("commentaire", blank=True)
    evidence = models.FileField("pièce justificative", upload_to=evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField("nom du justificatif", max_length=200, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField("calculée le", auto_now=True)

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateur"
        ordering = ["indicator", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "granularity", "period_start", "service"],
                condition=Q(service__isnull=False),
                name="indicator_value_unique_service",
            ),
            models.UniqueConstraint(
                fields=["organisation", "indicator", "granularity", "period_start"],
                condition=Q(service__isnull=True, site__isnull=True),
                name="indicator_value_unique_all_services",
            ),
            models.UniqueConstraint(
                fields=["organisation", "indicator", "granularity", "period_start", "site"],
                condition=Q(site__isnull=False),
                name="indicator_value_unique_site",
            ),
            models.CheckConstraint(
                condition=Q(service__isnull=True) | Q(site__isnull=True), name="indicator_value_service_or_site"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "indicator", "granularity", "period_start"]),
            # the latest write of a town's values, the overview's cache marker (queries.values_marker)
            models.Index(fields=["organisation", "computed_at"], name="indicator_value_written_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.key}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, Granularity(self.granularity))

    @property
    def scope_label(self) -> str:
        """What the value covers, as messages name it: "Accueil", "site Mairie annexe", "tous services"."""
        if self.service is not None:
            return self.service.name
        return f"site {self.site.name}" if self.site is not None else "tous services"

    def status(self, today: dt.date) -> Status:
        """Met or not met once its period is complete, *en cours* before."""
        return self.indicator.status_on(self.value, period=self.period, today=today)
