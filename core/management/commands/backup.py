from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from core.backups import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base (SQLite : API de sauvegarde en ligne ; PostgreSQL : pg_dump -Fc) dans "
        "un fichier du dossier des sauvegardes, puis ne garde que les plus récentes (voir docs/backups.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, help="dossier des sauvegardes (par défaut QUALIPILOTE_BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, help="nombre de sauvegardes à garder (par défaut QUALIPILOTE_BACKUP_KEEP)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"] or settings.QUALIPILOTE_BACKUP_DIR
        keep = options["keep"] if options["keep"] is not None else settings.QUALIPILOTE_BACKUP_KEEP
        try:
            backup = back_up(
                vendor=connection.vendor,
                settings_dict=connection.settings_dict,
                directory=directory,
                keep=keep,
                now=timezone.now(),
            )
        except BackupError as error:
            raise CommandError(f"Sauvegarde impossible : {error}.") from error
        self.stdout.write(f"Sauvegarde écrite : {backup.path} ({backup.size / 1_048_576:.1f} Mo).")
        for path in backup.removed:
            self.stdout.write(f"Ancienne sauvegarde supprimée (rotation, {keep} gardées) : {path.name}")
