"""Print a town's indicator values for one period, as JSON or CSV, for scripts and integrators."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commitments.actions import recompute_indicator
from commitments.models import Indicator, IndicatorValue
from commitments.queries import PeriodValue, chosen_site, sites_with_values, values_for_period
from core.metrics import MetricQuery
from core.models import Organisation, Service, Site
from core.periods import MONTHS_IN, Granularity, Period
from core.registries import METRICS
from documents.exports import neutralise

FIELDS = (
    "commitment", "indicator", "period", "complete", "service", "site", "numerator", "denominator", "value", "target",
    "status",
)  # fmt: skip
EXTRA_FIELDS = ("unit", "label")
FORMATS = ("json", "csv")


def number(value: Any) -> int | float | None:
    """A figure as JSON writes it: an integer when it is one (90, not 90.0), None when missing."""
    if value is None:
        return None
    figure = float(value)
    return int(figure) if figure.is_integer() else figure


def csv_cell(value: Any) -> Any:
    """A CSV cell: empty for a missing figure, true/false as in the JSON output."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def is_computed(indicator: Indicator) -> bool:
    return not indicator.is_planned and not METRICS.get(indicator.metric_key).is_manual


@dataclass(frozen=True)
class Scope:
    """What the figures cover: the whole town, one service, or one site. `stored_site` is the
    site whose values are stored: none in a town with one site, whose values are the town's."""

    service: Service | None = None
    site: Site | None = None
    stored_site: Site | None = None


def with_live_value(item: PeriodValue, period: Period, scope: Scope) -> PeriodValue:
    """An automatic indicator with nothing stored for this period (a year of a monthly
    indicator, say) is computed from the records, without being stored. A period shorter than
    the indicator's own gets nothing: a month of "committees held in the year" (target 1)
    would read 0, not met."""
    if item.value is not None or not is_computed(item.indicator):
        return item
    if MONTHS_IN[period.granularity] < MONTHS_IN[Granularity(item.indicator.granularity)]:
        return item
    query = MetricQuery(
        organisation=item.indicator.organisation,
        period=period,
        service=scope.service,
        params=dict(item.indicator.params),
        site=scope.stored_site,
    )
    compute = METRICS.get(item.indicator.metric_key).compute
    measure = compute(query) if compute is not None else None
    if measure is None:
        return item
    live = IndicatorValue(
        numerator=measure.numerator,
        denominator=measure.denominator,
        value=measure.value,
        sample_size=measure.sample_size,
    )
    return PeriodValue(item.indicator, live)


def row_of(item: PeriodValue, period: Period, scope: Scope, today: dt.date) -> dict[str, Any]:
    """One indicator's figures for the period; an incomplete period (the current month,
    quarter or year) gets `complete: false` and the status `in_progress`, never a verdict."""
    indicator, stored = item.indicator, item.value
    value = stored.value if stored is not None else None
    status = indicator.status_on(value, period=period, today=today)
    return {
        "commitment": indicator.commitment.code,
        "indicator": indicator.code,
        "period": period.key,
        "complete": period.is_complete(today),
        "service": scope.service.code if scope.service else None,
        "site": scope.site.code if scope.site else None,
        "numerator": number(stored.numerator) if stored else None,
        "denominator": number(stored.denominator) if stored else None,
        "value": number(value),
        "target": number(indicator.target_value),
        "status": str(status),
        "unit": indicator.unit,
        "label": indicator.label,
    }


class Command(BaseCommand):
    help = "Affiche les valeurs des indicateurs d'une organisation pour une période, en JSON ou en CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="identifiant de l'organisation")
        parser.add_argument("--period", help="2026-03 (mois), 2026-Q1 (trimestre) ou 2026 (année)")
        parser.add_argument("--service", help="code du service ; par défaut, tous services confondus")
        parser.add_argument(
            "--site", help="code du site (mairie annexe, mairie de quartier) ; par défaut, toute la ville"
        )
        parser.add_argument("--format", default="json", help="json (par défaut) ou csv")
        parser.add_argument(
            "--recompute", action="store_true", help="recalculer d'abord les indicateurs calculés automatiquement"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = self.organisation(options["org"])
        period = self.period(options["period"])
        scope = self.scope(organisation, options["service"], options["site"])
        file_format = (options["format"] or "").lower()
        if file_format not in FORMATS:
            raise CommandError(f"Format « {options['format']} » inconnu : écrivez json ou csv.")
        if options["recompute"]:
            self.recompute(organisation, period, scope)
        today = organisation.today()
        values = values_for_period(
            organisation=organisation, period=period, service=scope.service, site=scope.stored_site
        )
        rows = [row_of(with_live_value(item, period, scope), period, scope, today) for item in values]
        if file_format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.write_csv(rows)

    def organisation(self, slug: str | None) -> Organisation:
        if not slug:
            raise CommandError("Précisez l'organisation : --org IDENTIFIANT.")
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"Organisation « {slug} » introuvable.")
        return organisation

    def period(self, text: str | None) -> Period:
        if not text:
            raise CommandError("Précisez la période : --period 2026-03, 2026-Q1 ou 2026.")
        try:
            return Period.parse(text)
        except ValueError as error:
            raise CommandError(str(error)) from error

    def service(self, organisation: Organisation, code: str | None) -> Service | None:
        if code is None:
            return None
        service = Service.objects.for_org(organisation).filter(code=code).first()
        if service is None:
            known = ", ".join(Service.objects.for_org(organisation).order_by("code").values_list("code", flat=True))
            raise CommandError(f"Service « {code} » introuvable dans « {organisation.slug} » ; services : {known}.")
        return service

    def site(self, organisation: Organisation, code: str) -> Site:
        sites = list(Site.objects.for_org(organisation).order_by("name"))
        site = chosen_site(sites, code)
        if site is None:
            known = ", ".join(site.code for site in sites)
            raise CommandError(f"Site « {code} » introuvable dans « {organisation.slug} » ; sites : {known}.")
        return site

    def scope(self, organisation: Organisation, service_code: str | None, site_code: str | None) -> Scope:
        if service_code is not None and site_code is not None:
            raise CommandError("Choisissez --service ou --site, pas les deux.")
        if site_code is not None:
            site = self.site(organisation, site_code)
            return Scope(site=site, stored_site=site if sites_with_values(organisation) else None)
        return Scope(service=self.service(organisation, service_code))

    def recompute(self, organisation: Organisation, period: Period, scope: Scope) -> None:
        """Computed indicators, stored for this period; manual values stay as entered. As for
        the live values, a period shorter than an indicator's own stores nothing for it."""
        indicators = Indicator.objects.for_org(organisation).filter(is_active=True, commitment__is_active=True)
        for indicator in indicators.select_related("organisation"):
            too_short = MONTHS_IN[period.granularity] < MONTHS_IN[Granularity(indicator.granularity)]
            if is_computed(indicator) and not too_short:
                recompute_indicator(indicator=indicator, period=period, service=scope.service, site=scope.stored_site)

    def write_csv(self, rows: list[dict[str, Any]]) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(FIELDS + EXTRA_FIELDS)
        for row in rows:
            writer.writerow([csv_cell(row[key]) for key in FIELDS + EXTRA_FIELDS])
