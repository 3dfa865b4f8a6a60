"""Import a town's existing register (written requests, acts, complaints) from a spreadsheet."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.models import Organisation
from registers.imports import IMPORTERS, get_importer


class Command(BaseCommand):
    help = (
        "Importe un registre existant (CSV, XLSX ou ODS, en-têtes en français) : les lignes déjà importées "
        "sont ignorées, les lignes rejetées sont listées avec leur numéro."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        names = ", ".join(IMPORTERS.keys()) or "aucun"
        parser.add_argument("--org", required=True, metavar="SLUG", help="identifiant de l'organisation")
        parser.add_argument("--register", required=True, metavar="REGISTRE", help=f"registre à importer ({names})")
        parser.add_argument("--all-or-nothing", action="store_true", help="ne rien importer si une ligne est rejetée")
        parser.add_argument("file", metavar="FICHIER", help="fichier CSV, XLSX ou ODS")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » inconnue.")
        try:
            registered = get_importer(options["register"])
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier « {path} » introuvable.")
        with path.open("rb") as binary:
            report = registered.importer(
                organisation=organisation,
                binary=binary,
                filename=path.name,
                actor=None,
                all_or_nothing=options["all_or_nothing"],
            )
        for rejection in report.rejections:
            self.stderr.write(f"Rejetée : {rejection.message}")
        if report.rejected > len(report.rejections):
            self.stderr.write(f"… et {report.rejected - len(report.rejections)} autre(s) ligne(s) rejetée(s).")
        if report.file_error:
            raise CommandError(report.summary())
        self.stdout.write(f"{registered.label} : {report.summary()}")
        if report.rolled_back:
            raise CommandError("Import annulé : corrigez les lignes rejetées puis relancez.")
