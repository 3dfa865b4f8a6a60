"""Backups of the whole database, one file per backup, and their rotation (docs/backups.md).

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while
writers go on (copying a WAL-mode file loses committed rows: stack-notes). PostgreSQL:
`pg_dump -Fc`, which reads one snapshot too. A backup is written under a `.partial` name and
renamed once whole, so rotation and restores never meet half a file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

PREFIX = "qualipilote-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
PARTIAL = ".partial"


class BackupError(Exception):
    """A backup that could not be made, said in French."""


@dataclasses.dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    removed: list[Path]


def backup_name(vendor: str, now: dt.datetime) -> str:
    """`qualipilote-20261206-021500Z.sqlite3`: names sort by time (UTC)."""
    return f"{PREFIX}{now.astimezone(dt.UTC):%Y%m%d-%H%M%SZ}{SUFFIXES[vendor]}"


def _backup_sqlite(settings_dict: dict[str, Any], target: Path) -> None:
    source = sqlite3.connect(str(settings_dict["NAME"]), timeout=60)
    destination = sqlite3.connect(str(target))
    try:
        source.backup(destination)  # all pages in one step: one snapshot, writers not blocked (WAL)
        status = destination.execute("PRAGMA integrity_check").fetchone()[0]
        destination.execute("PRAGMA journal_mode=DELETE")  # a single file, nothing beside it
    finally:
        destination.close()
        source.close()
    if status != "ok":
        raise BackupError(f"la copie ne passe pas le contrôle d'intégrité de SQLite : {status}")


def _pg_dump() -> str:
    found = shutil.which("pg_dump")
    if found is None:
        raise BackupError("pg_dump est introuvable : installez le paquet Debian postgresql-client.")
    return found


def _backup_postgresql(settings_dict: dict[str, Any], target: Path) -> None:
    command = [_pg_dump(), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={settings_dict['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{option}={settings_dict[key]}")
    env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"]} if settings_dict.get("PASSWORD") else None
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (pg_dump, no shell)
    if done.returncode != 0:
        raise BackupError(f"pg_dump a échoué (code {done.returncode}) : {done.stderr.strip()}")


def rotate(directory: Path, vendor: str, keep: int) -> list[Path]:
    """Remove the oldest whole backups of this database kind beyond the `keep` newest; other
    files of the directory are left alone."""
    backups = sorted(directory.glob(f"{PREFIX}*{SUFFIXES[vendor]}"))
    removed = backups[: max(len(backups) - keep, 0)]
    for path in removed:
        path.unlink()
    return removed


def back_up(*, vendor: str, settings_dict: dict[str, Any], directory: Path, keep: int, now: dt.datetime) -> Backup:
    """Write one backup of the database into `directory`, then keep its `keep` newest backups."""
    if vendor not in SUFFIXES:
        raise BackupError(f"base de données « {vendor} » non prise en charge (SQLite ou PostgreSQL seulement)")
    if keep < 1:
        raise BackupError("le nombre de sauvegardes à garder doit être d'au moins 1")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = directory / backup_name(vendor, now)
    if final.exists():
        raise BackupError(f"une sauvegarde du même instant existe déjà : {final}")
    partial = final.with_name(final.name + PARTIAL)
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # citizens' data: readable by the application's account only
    try:
        (_backup_sqlite if vendor == "sqlite" else _backup_postgresql)(settings_dict, partial)
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path=final, size=final.stat().st_size, removed=rotate(directory, vendor, keep))
