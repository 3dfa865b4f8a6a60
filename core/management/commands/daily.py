"""Run the daily jobs (core.daily) of every town, or of one: once, from cron or a systemd
timer, or in a loop beside the server (`make run`)."""

import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from core.daily import DailyOutcome, run_daily_jobs
from core.models import Organisation

DEFAULT_EVERY = 900
MIN_EVERY = 60


class Command(BaseCommand):
    help = (
        "Lance les tâches quotidiennes (indicateurs dont la valeur dépend de la date, etc.) une fois "
        "par jour et par commune, selon l'heure locale de chaque commune. Sans risque à relancer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="identifiant d'une organisation ; par défaut toutes")
        parser.add_argument("--loop", action="store_true", help="recommence indéfiniment (à côté du serveur)")
        parser.add_argument(
            "--every",
            type=int,
            default=DEFAULT_EVERY,
            help=f"avec --loop, secondes entre deux passages (défaut {DEFAULT_EVERY}, minimum {MIN_EVERY})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] < MIN_EVERY:
            raise CommandError(f"--every doit valoir au moins {MIN_EVERY} secondes.")
        slug = options["org"]
        if slug and not Organisation.objects.filter(slug=slug).exists():
            raise CommandError(f"Organisation « {slug} » introuvable.")
        if not options["loop"]:
            failures = self.run_pass(slug)
            if failures:
                raise CommandError(f"Tâches quotidiennes en échec pour : {', '.join(failures)}.")
            return
        try:
            while True:
                self.run_pass(slug)
                close_old_connections()
                time.sleep(options["every"])
        except KeyboardInterrupt:
            self.stdout.write("Arrêt des tâches quotidiennes.")

    def run_pass(self, slug: str | None) -> list[str]:
        """One pass over the towns; returns the slugs of the towns whose jobs failed (they are
        tried again on the next pass: a failed run records nothing)."""
        failures = []
        for organisation in self.towns(slug):
            try:
                self.report(run_daily_jobs(organisation))
            except Exception as error:  # one town's failure must not stop the others
                self.stderr.write(f"{organisation.slug} : échec des tâches quotidiennes ({type(error).__name__}).")
                failures.append(organisation.slug)
        return failures

    def towns(self, slug: str | None) -> Iterable[Organisation]:
        towns = Organisation.objects.order_by("slug")
        return towns.filter(slug=slug) if slug else towns

    def report(self, outcome: DailyOutcome) -> None:
        where = f"{outcome.organisation.slug}, {outcome.day:%d/%m/%Y}"
        if not outcome.ran:
            self.stdout.write(f"{where} : déjà fait.", self.style.NOTICE)
            return
        done = " ; ".join(f"{key} : {result}" for key, result in outcome.results.items()) or "aucune tâche"
        self.stdout.write(f"{where} : {done}.")
