"""A fresh migrated database for a benchmark. On SQLite, a copy of a template migrated once per
set of migrations (kept in var/bench/ under their digest): `make bench-quick` runs eight
benchmarks, and each `migrate` of a new file costs 15 s of CPU, minutes on a busy machine.
On PostgreSQL, `migrate` on the fresh database the benchmark made. Not a benchmark itself."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "var" / "bench"


def migrate(env: dict[str, str]) -> None:
    """Migrate the database named by env["DATABASE_URL"], which must not exist yet or be empty."""
    url = env["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        _run_migrate(env)
        return
    shutil.copyfile(_sqlite_template(env), url.removeprefix("sqlite:///"))


def _sqlite_template(env: dict[str, str]) -> Path:
    template = TEMPLATES / f"migrated-{_migrations_digest()}.sqlite3"
    if not template.exists():
        TEMPLATES.mkdir(parents=True, exist_ok=True)
        building = template.with_name(f"{template.stem}-{os.getpid()}.building")
        _run_migrate({**env, "DATABASE_URL": f"sqlite:///{building}"})
        building.replace(template)
    return template


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def apply_migrations(env: dict[str, str]) -> None:
    """Bring an existing database (a city kept with --keep) up to the current migrations."""
    _run_migrate(env)


def _run_migrate(env: dict[str, str]) -> None:
    command = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
    subprocess.run(command, env=env, cwd=ROOT, check=True)
