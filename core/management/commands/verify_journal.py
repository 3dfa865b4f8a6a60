from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.chain import verify_chain
from core.models import Organisation


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes du journal d'une organisation et signale le premier maillon "
        "rompu ou manquant (code de sortie 1 dans ce cas)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="identifiant de l'organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » inconnue.")
        result = verify_chain(organisation.pk)
        town = f"Journal de « {organisation.name} » ({organisation.slug})"
        if result.broken is not None:
            raise CommandError(
                f"{town} : chaîne ROMPUE. {result.broken.message}. "
                f"{result.events} événement(s) vérifié(s) avant ce maillon."
            )
        head = f"dernier maillon n° {result.head_seq}, empreinte {result.head_hash}" if result.events else "vide"
        self.stdout.write(f"{town} : chaîne intacte, {result.events} événement(s) vérifié(s) ; {head}.")
        self.stdout.write(
            "Notez ce dernier maillon hors de l'application : une suppression des derniers événements "
            "ne se voit qu'en le comparant."
        )
