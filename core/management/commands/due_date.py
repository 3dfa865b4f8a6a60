"""Print the due date of a deadline counted in working (or business) days for one town."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.models import Organisation
from core.workdays import calendar_for, french_date

# Ten years of working days: more is a typing error, and would only make the loop spin.
MAX_DAYS = 2600
# French keeps 0 and 1 in the singular.
UNITS = {
    (False, False): "jour ouvré",
    (False, True): "jours ouvrés",
    (True, False): "jour ouvrable",
    (True, True): "jours ouvrables",
}


class Command(BaseCommand):
    help = (
        "Affiche l'échéance d'un délai : le N-ième jour ouvré (ou ouvrable avec --business) après la date "
        "de réception, selon les jours fériés de la zone de l'organisation et ses jours de fermeture."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, metavar="SLUG", help="identifiant de l'organisation")
        parser.add_argument(
            "--from", dest="start", required=True, metavar="AAAA-MM-JJ", help="date de réception (jour 0)"
        )
        parser.add_argument("--days", required=True, metavar="N", help="nombre de jours du délai")
        parser.add_argument("--business", action="store_true", help="compter en jours ouvrables (du lundi au samedi)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » introuvable.")
        start = parse_date(str(options["start"]))
        days = parse_days(str(options["days"]))
        business = bool(options["business"])
        try:
            due = calendar_for(organisation).add_working_days(start, days, business=business)
        except OverflowError:
            raise CommandError("L'échéance tombe après l'an 9999.") from None
        unit = UNITS[business, days > 1]
        self.stdout.write(due.isoformat())
        self.stdout.write(f"Échéance : {french_date(due)} ({days} {unit} après le {french_date(start)})")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"Date « {text} » invalide : écrivez-la AAAA-MM-JJ, par exemple 2026-07-10.") from None


def parse_days(text: str) -> int:
    try:
        days = int(text.strip())
    except ValueError:
        raise CommandError(f"Nombre de jours « {text} » invalide : écrivez un nombre entier.") from None
    if days < 0:
        raise CommandError(f"Le nombre de jours doit être positif ou nul (reçu : {days}).")
    if days > MAX_DAYS:
        raise CommandError(f"Le nombre de jours ne peut dépasser {MAX_DAYS} (reçu : {days}).")
    return days
