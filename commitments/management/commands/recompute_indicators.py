"""Recompute a town's indicators for one period, or for the current and the previous period."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commitments.actions import recompute_all_services
from commitments.models import PLANNED_METRIC_NOTE, Indicator, IndicatorValue, format_measure
from core.models import Organisation
from core.periods import Granularity, Period


def periods_for(indicator: Indicator, period: Period | None) -> list[Period]:
    """The given period, or the one running today and the one before (late data lands there)."""
    if period is not None:
        return [period]
    current = Period.containing(indicator.organisation.today(), Granularity(indicator.granularity))
    return [current.previous(), current]


def describe(value: IndicatorValue) -> str:
    return f"{value.period.label}, {value.scope_label} : {format_measure(value.value, value.indicator.unit)}"


class Command(BaseCommand):
    help = "Recalcule les indicateurs d'une organisation et affiche ce qui a été recalculé."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="identifiant de l'organisation")
        parser.add_argument(
            "--period", help="2026-03, 2026-Q1 ou 2026 ; par défaut la période en cours et la précédente"
        )
        parser.add_argument("--indicator", help="code de l'indicateur, par exemple 8.1")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » introuvable.")
        try:
            period = Period.parse(options["period"]) if options["period"] else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        for indicator in self.indicators(organisation, options["indicator"], period):
            self.recompute(indicator, period)

    def indicators(self, organisation: Organisation, code: str | None, period: Period | None) -> list[Indicator]:
        indicators = (
            Indicator.objects.for_org(organisation)
            .filter(is_active=True, commitment__is_active=True)
            .select_related("commitment__framework", "organisation")
            .order_by("commitment__framework__name", "commitment__position", "position")
        )
        if code:
            chosen = list(indicators.filter(code=code))
            if not chosen:
                raise CommandError(f"Aucun indicateur suivi de code « {code} » dans cette organisation.")
            return chosen
        # A period of one granularity only concerns the indicators measured by it.
        return [i for i in indicators if period is None or i.granularity == period.granularity]

    def recompute(self, indicator: Indicator, period: Period | None) -> None:
        name = f"{indicator.commitment.framework.name} {indicator.code} {indicator.label}"
        if indicator.is_planned:
            self.stdout.write(f"{name} : ignoré, {PLANNED_METRIC_NOTE.lower()}.")
            return
        values = [
            value
            for p in periods_for(indicator, period)
            for value in recompute_all_services(indicator=indicator, period=p)
        ]
        if not values:
            self.stdout.write(f"{name} : aucune valeur.")
        for value in values:
            self.stdout.write(f"{name} — {describe(value)}")
