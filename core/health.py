"""The health page a monitor or a load balancer asks: `/sante/` answers 200 when the database
answers and the disk keeps room, 503 otherwise, in JSON with no personal data and no path."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.access import public_view

MIB = 1024 * 1024


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def watched_directories() -> list[Path]:
    """Where the application writes: uploads, and the SQLite file when there is one."""
    directories = [Path(settings.MEDIA_ROOT)]
    if connection.vendor == "sqlite":
        directories.append(Path(settings.DATABASES["default"]["NAME"]).parent)
    return directories


def least_free_mib(directories: list[Path]) -> int:
    """The free space of the fullest disk among `directories` (the nearest existing parent of each)."""
    free = []
    for directory in directories:
        while not directory.exists():
            directory = directory.parent
        free.append(shutil.disk_usage(directory).free // MIB)
    return min(free)


@public_view
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    database = database_answers()
    disk = least_free_mib(watched_directories()) >= settings.HEALTH_MIN_FREE_MIB
    report = {
        "statut": "ok" if database and disk else "erreur",
        "base_de_donnees": "ok" if database else "injoignable",
        "espace_disque": "ok" if disk else "insuffisant",
    }
    return JsonResponse(report, status=200 if database and disk else 503)
