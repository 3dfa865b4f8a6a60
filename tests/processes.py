"""Real processes on the suite's database: the environment they start with, and the database
they share (the suite's PostgreSQL test database, or a SQLite file holding a copy of the suite's
migrated SQLite database, which lives in memory)."""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
# At least 50 random-looking characters: production settings refuse a weaker key.
SECRET_KEY = "processes-Vn4q8Lz2Xk7Wp1Rt5Ys9Hd3Jf6Gb0Mc-aE_uTiOo-7Qm2xVr9"


def process_env(database_url: str) -> dict[str, str]:
    """Production settings (DJANGO_DEBUG off) on `database_url`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "PYTHONPATH": str(ROOT),
    }


def shared_database(tmp_path: Path) -> str:
    """The URL of a migrated database processes can share. Call it from a test marked
    `transactional_db`: on PostgreSQL the processes must see the rows the test commits."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = quote(db["USER"] or "")
        password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        return f"postgres://{user}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    return migrated_sqlite_file(tmp_path / "shared.sqlite3")


def migrated_sqlite_file(path: Path) -> str:
    """The URL of a new SQLite file with the schema `migrate` builds: a copy of the suite's own
    database when the suite runs on SQLite, else `migrate` (the PostgreSQL run)."""
    if connection.vendor == "sqlite":
        _copy_suite_database(path)
    else:
        command = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
        subprocess.run(command, env=process_env(f"sqlite:///{path}"), cwd=ROOT, check=True)
    return f"sqlite:///{path}"


def _copy_suite_database(path: Path) -> None:
    """The suite's in-memory SQLite database copied to a file with SQLite's backup API: the
    schema `migrate` builds on a new file (the migrations ran once, for the suite), without its
    minute of migrations on a busy machine. A transactional test starts on empty tables."""
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
