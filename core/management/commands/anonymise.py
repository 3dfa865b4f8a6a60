from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Organisation
from core.registries import ANONYMISERS


class Command(BaseCommand):
    help = (
        "Efface noms, coordonnées et textes libres des demandes et réclamations closes depuis plus "
        "longtemps que la durée de conservation de l'organisation (à lancer chaque nuit)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="identifiant de l'organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » inconnue.")
        today = organisation.today()
        years = organisation.retention_years
        closed_before = today.replace(
            year=today.year - years, day=min(today.day, 28) if today.month == 2 else today.day
        )
        for key, anonymiser in ANONYMISERS.items():
            count = anonymiser.erase(organisation, closed_before, None)
            self.stdout.write(f"{anonymiser.label} : {count} enregistrement(s) anonymisé(s) ({key}).")
