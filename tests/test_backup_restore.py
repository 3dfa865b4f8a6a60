"""`manage.py backup` while writers are writing, as real processes on the database the suite runs
on (a SQLite file in WAL mode, or PostgreSQL under .ci/postgres.sh); the backup restored into a
fresh database the way docs/backups.md says holds every row committed before it started, and
the restored journal's chain is intact."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core.backups import back_up, backup_name, rotate
from tests.processes import ROOT, process_env, shared_database

WRITERS = 2
SLUG = "sauvegarde"

SETUP = f"""
import django
django.setup()
from core.models import Organisation
Organisation.objects.create(slug="{SLUG}", name="Sauvegarde")
"""

# Each writer creates sites (each with its journal event) one transaction at a time, and
# writes a site's name to its log only once its transaction has committed.
WRITER = f"""
import os, sys
import django
django.setup()
from django.db import transaction
from core.audit import create_audited
from core.models import Organisation, Site
town = Organisation.objects.get(slug="{SLUG}")
stop, log, writer = sys.argv[1], open(sys.argv[2], "a"), sys.argv[3]
n = 0
while not os.path.exists(stop):
    name = f"w{{writer}}-{{n}}"
    with transaction.atomic():
        create_audited(Site(organisation=town, name=name), actor=None, fields=["name"])
    log.write(name + "\\n")
    log.flush()
    n += 1
"""

READ = f"""
import json
import django
django.setup()
from core.models import Site
print(json.dumps(sorted(Site.objects.filter(organisation__slug="{SLUG}").values_list("name", flat=True))))
"""


def _committed(logs: list[Path]) -> set[str]:
    return {line for log in logs if log.exists() for line in log.read_text().splitlines()}


def _restore(backup: Path, tmp_path: Path, url: str) -> str:
    """Restore as docs/backups.md says, into a fresh database; returns its URL."""
    if connection.vendor == "sqlite":
        restored = tmp_path / "restauree.sqlite3"
        shutil.copyfile(backup, restored)
        return f"sqlite:///{restored}"
    server, name = url.rsplit("/", 1)
    fresh = f"{name}_restauree"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={server}/{fresh}", str(backup)],
                   check=True, capture_output=True, text=True)  # fmt: skip
    return f"{server}/{fresh}"


def _drop_restored(url: str) -> None:
    if url.startswith("postgres"):
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_backup_taken_while_writers_write_restores_every_row_committed_before_it(transactional_db, tmp_path):
    url = shared_database(tmp_path)
    env = process_env(url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    stop = tmp_path / "stop"
    logs = [tmp_path / f"writer-{number}.log" for number in range(WRITERS)]
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(stop), str(log), str(number)], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for number, log in enumerate(logs)
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while min(len(_committed([log])) for log in logs) < 30 and time.monotonic() < deadline:
            time.sleep(0.1)
        before = _committed(logs)
        assert len(before) >= 30 * WRITERS, "the writers did not start"
        backups = tmp_path / "sauvegardes"
        done = subprocess.run([*manage, "backup", "--dir", str(backups)], env=env, cwd=ROOT, check=True,
                              capture_output=True, text=True)  # fmt: skip
        during = _committed(logs)
    finally:
        stop.touch()
        outputs = [writer.communicate(timeout=120) for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * WRITERS, outputs
    [backup] = backups.iterdir()
    assert done.stdout.startswith(f"Sauvegarde écrite : {backup} (")
    assert len(during) > len(before), "the writers were not writing while the backup ran"

    restored_url = _restore(backup, tmp_path, url)
    try:
        restored_env = process_env(restored_url)
        read = subprocess.run([sys.executable, "-c", READ], env=restored_env, cwd=ROOT, check=True,
                              capture_output=True, text=True)  # fmt: skip
        verified = subprocess.run([*manage, "verify_journal", "--org", SLUG], env=restored_env, cwd=ROOT,
                                  capture_output=True, text=True)  # fmt: skip
    finally:
        _drop_restored(restored_url)
    restored = set(json.loads(read.stdout))
    assert before <= restored, sorted(before - restored)[:10]
    assert restored <= _committed(logs)
    assert verified.returncode == 0, verified.stderr
    assert "chaîne intacte" in verified.stdout


def test_rotation_keeps_the_newest_backups_and_nothing_else_is_touched(tmp_path):
    import datetime as dt

    names = [backup_name("sqlite", dt.datetime(2026, 12, day, 2, 0, tzinfo=dt.UTC)) for day in (1, 2, 3, 4)]
    for name in [*names, "notes.txt", "qualipilote-20261201-020000Z.dump", names[0] + ".partial"]:
        (tmp_path / name).write_text("x")
    removed = rotate(tmp_path, "sqlite", keep=2)
    assert [path.name for path in removed] == names[:2]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [*names[2:], "notes.txt", "qualipilote-20261201-020000Z.dump", names[0] + ".partial"]
    )


def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    import datetime as dt
    import sqlite3

    source = tmp_path / "qualipilote.sqlite3"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE t (x)")
    backup = back_up(
        vendor="sqlite", settings_dict={"NAME": source}, directory=tmp_path / "sauvegardes", keep=2,
        now=dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    assert backup.path.stat().st_mode & 0o777 == 0o600  # citizens' data
    assert (tmp_path / "sauvegardes").stat().st_mode & 0o777 == 0o700
