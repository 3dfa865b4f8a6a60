"""Real processes on the suite's database: the environment they start with, and the database
they share (the suite's PostgreSQL test database, or a SQLite file migrated here: the suite's
SQLite database lives in memory)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.test_concurrent_register_numbers import _database_url

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
    """The URL of a database processes can share, migrated."""
    url = _database_url(tmp_path)
    if connection.vendor == "sqlite":
        command = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
        subprocess.run(command, env=process_env(url), cwd=ROOT, check=True)
    return url
