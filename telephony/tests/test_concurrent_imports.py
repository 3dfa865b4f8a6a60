"""Two imports at once, as two real processes on one SQLite file (WAL, IMMEDIATE transactions):
neither fails, and overlapping calls are counted once, in the calls and in the summaries.
The PostgreSQL run leaves it out: on PostgreSQL the imports' writes are tested by
tests/test_concurrent_register_numbers.py and the import's own tests."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from telephony.tests.conftest import cdr
from tests.processes import ROOT, process_env, shared_database

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="a SQLite file's locking"
)

SETUP = """
import django
django.setup()
from core.models import Organisation, Service, Site
from imports.models import ImportSource
org = Organisation.objects.create(slug="concurrence", name="Concurrence")
site = Site.objects.create(organisation=org, name="Mairie")
Service.objects.create(organisation=org, site=site, code="accueil", name="Accueil")
ImportSource.objects.create(organisation=org, kind="calls", name="asterisk", label="Asterisk",
                            file_format="asterisk_cdr", line_field="dst", line_map={"*": "accueil"})
"""


def _calls(first: int, last: int) -> list[str]:
    lines = []
    for index in range(first, last):
        day, minute = 1 + index // 600, index % 600
        start = f"2026-06-{day:02d} {8 + minute // 60:02d}:{minute % 60:02d}:00"
        answer = f"2026-06-{day:02d} {8 + minute // 60:02d}:{minute % 60:02d}:09"
        lines.append(cdr(start, answer, answer, duration=9, billsec=0, uniqueid=f"1780000000.{index}"))
    return lines


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_two_imports_at_once_neither_fails_and_each_call_counts_once(transactional_db, tmp_path):
    url = shared_database(tmp_path)
    database = url.removeprefix("sqlite:///")
    env = process_env(url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("\n".join(_calls(0, 12000)) + "\n")
    second.write_text("\n".join(_calls(6000, 18000)) + "\n")

    imports = [
        subprocess.Popen(
            [*manage, "import_calls", "--org", "concurrence", "--source", "asterisk", str(path), "--quiet"],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in (first, second)
    ]  # fmt: skip
    outputs = [process.communicate(timeout=600) for process in imports]

    assert [process.returncode for process in imports] == [0, 0], outputs
    imported = [int(out.split("Importées : ")[1].split()[0]) for out, _ in outputs]
    assert sum(imported) == 18000
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM telephony_call").fetchone()[0] == 18000
        assert db.execute("SELECT COUNT(DISTINCT dedupe_key) FROM telephony_call").fetchone()[0] == 18000
        assert db.execute("SELECT SUM(calls) FROM telephony_callmonthstat").fetchone()[0] == 18000
        assert db.execute("SELECT SUM(calls) FROM telephony_callslotstat").fetchone()[0] == 18000
