from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.models import Organisation
from demo.generator import DEFAULT_SEED, TOWNS, build_demo


class Command(BaseCommand):
    help = "Construit les deux villes de démonstration (ville-demo, ville-demo-est) à partir d'une graine fixe."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Ne rien faire si une organisation existe déjà.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Graine du générateur.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("La base contient déjà des organisations : démonstration non rechargée.")
            return
        existing = Organisation.objects.filter(slug__in=[town.slug for town in TOWNS]).values_list("slug", flat=True)
        if existing:
            raise CommandError(f"Les villes de démonstration existent déjà : {', '.join(existing)}.")
        towns = build_demo(seed=options["seed"], today=timezone.localdate())
        for town in towns:
            self.stdout.write(self.style.SUCCESS(f"Ville de démonstration créée : {town.name} ({town.slug})"))
