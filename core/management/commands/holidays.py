"""List a town's non-working days of one year: its zone's public holidays and its closure days."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.models import Organisation, Weekday
from core.workdays import calendar_for

FIRST_YEAR, LAST_YEAR = 1900, 2200


class Command(BaseCommand):
    help = (
        "Liste les jours non travaillés d'une année pour une organisation : jours fériés de sa zone "
        "et jours de fermeture de la mairie, un par ligne."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, metavar="SLUG", help="identifiant de l'organisation")
        parser.add_argument("--year", required=True, metavar="AAAA", help="année")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » introuvable.")
        year = parse_year(str(options["year"]))
        for day, name in calendar_for(organisation).days_off(year):
            self.stdout.write(f"{day.isoformat()}  {Weekday(day.weekday()).label}  {name}")


def parse_year(text: str) -> int:
    try:
        year = int(text.strip())
    except ValueError:
        raise CommandError(f"Année « {text} » invalide : écrivez-la sur quatre chiffres, par exemple 2026.") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CommandError(f"Année {year} hors de la plage prise en charge ({FIRST_YEAR}–{LAST_YEAR}).")
    return year
