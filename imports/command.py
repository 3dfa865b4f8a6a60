"""The `manage.py import_calls` and `import_tickets` commands, built by `import_command`, with
their progress bar (standard error) and their summary (standard output, numbers without
separators so that scripts can read them)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from imports.runs import ImportResult, import_file

if TYPE_CHECKING:
    from argparse import ArgumentParser

    from django.core.management.base import BaseCommand

    from core.models import Organisation
    from imports.models import ImportRun, ImportSource


class ProgressBar:
    """A text bar on standard error, rewritten in place: [#######.............]  35 %."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, run: ImportRun) -> None:
        percent = run.progress_percent
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {percent:3d} % — {run.rows_read} lignes lues")
        self.stream.flush()

    def close(self) -> None:
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def summary_lines(result: ImportResult, *, seconds: float | None = None) -> list[str]:
    """The French summary a command prints (numbers without separators, for scripts)."""
    run = result.run
    lines = [f"Import de « {run.filename} » (source « {run.source.name} ») : {run.get_status_display()}."]
    if result.already_imported:
        lines.append("Ce fichier a déjà été importé en entier : aucune ligne ajoutée.")
    lines += [
        f"Lignes lues : {run.rows_read}",
        f"Importées : {run.imported}",
        f"Déjà importées (ignorées) : {run.duplicates}",
        f"Rejetées : {run.rejected}",
        f"Écartées par la correspondance : {result.set_aside}",
    ]
    if run.records_grouped:
        lines.append(f"Regroupés dans un même appel : {run.records_grouped}")
    if run.rejections:
        lines.append(f"Premières lignes rejetées ({len(run.rejections)} sur {run.rejected}) :")
        lines += [f"  ligne {item['line'] or '—'} : {item['reason']}" for item in run.rejections]
    if run.error:
        lines.append(f"Erreur : {run.error}")
    if result.months:
        lines.append("Mois concernés : " + ", ".join(f"{month:%Y-%m}" for month in sorted(result.months)))
    if seconds is not None:
        lines.append(f"Durée : {seconds:.1f} s")
    return lines


def import_command(kind: str, help_text: str, *, before: Callable[[], None] | None = None) -> type[BaseCommand]:
    """The class of `manage.py import_calls|import_tickets --org SLUG (--source NAME | --mapping
    FILE.json) FILE`: the summary goes to standard output, the progress bar to standard error.
    Built by a function so that importing this module loads no Django (see imports)."""
    from django.core.exceptions import ValidationError
    from django.core.management.base import BaseCommand, CommandError

    class ImportCommand(BaseCommand):
        help = help_text
        requires_system_checks: list[str] = []  # an import must not load every page's modules (charts, PDF)

        def add_arguments(self, parser: ArgumentParser) -> None:
            parser.add_argument("file", metavar="FICHIER", help="le fichier à importer (CSV, XLSX ou ODS)")
            parser.add_argument("--org", required=True, metavar="SLUG", help="identifiant de l'organisation")
            group = parser.add_mutually_exclusive_group(required=True)
            group.add_argument("--source", metavar="NOM", help="nom court d'une source enregistrée")
            group.add_argument("--mapping", metavar="SOURCE.json", help="fichier JSON d'une source (créée si besoin)")
            parser.add_argument("--quiet", action="store_true", help="sans barre de progression")
            parser.add_argument("--reread", action="store_true", help="relire le fichier même s'il a déjà été importé")
            parser.add_argument(
                "--replace",
                action="store_true",
                help="supprimer d'abord les appels de cette source sur la période du fichier, puis le réimporter",
            )

        def handle(self, *args: Any, **options: Any) -> None:
            from core.models import Organisation

            if before is not None:
                before()
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"Organisation « {options['org']} » inconnue.")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"Fichier « {path} » introuvable.")
            source = self._source(organisation, options)
            bar = None if options["quiet"] else ProgressBar(self.stderr._out)  # type: ignore[arg-type]
            gc.freeze()  # the collector then skips everything loaded so far: Django is not walked again
            began = time.perf_counter()
            try:
                result = import_file(
                    source=source,
                    path=path,
                    progress=bar,
                    reread=options["reread"],
                    replace=options["replace"],
                    parallel=True,
                )
            finally:
                if bar is not None:
                    bar.close()
            for line in summary_lines(result, seconds=time.perf_counter() - began):
                self.stdout.write(line)
            if not result.ok:
                raise CommandError(result.run.error or "Import échoué.")

        def _source(self, organisation: Organisation, options: dict[str, Any]) -> ImportSource:
            from imports.forms import source_from_mapping_file
            from imports.models import ImportSource

            if options["source"]:
                source = ImportSource.objects.filter(
                    organisation=organisation, kind=kind, name=options["source"]
                ).first()
                if source is None:
                    names = ImportSource.objects.filter(organisation=organisation, kind=kind).values_list(
                        "name", flat=True
                    )
                    known = ", ".join(names) or "aucune"
                    raise CommandError(f"Source « {options['source']} » inconnue. Sources enregistrées : {known}.")
                return source
            try:
                return source_from_mapping_file(organisation, Path(options["mapping"]), kind=kind)
            except (OSError, ValidationError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                raise CommandError(" ".join(messages)) from None

    return ImportCommand
