"""Two agents registering at once, as two real processes on the database the suite runs on
(a SQLite file in WAL mode with IMMEDIATE transactions, or PostgreSQL under .ci/postgres.sh):
every registration succeeds and each register's numbers stay distinct and consecutive, the
first entry of each year included (both processes create that year's counter at the same
moment)."""

import json
import os
import subprocess
import sys

import pytest

from tests.processes import ROOT, process_env, shared_database

YEARS = range(2016, 2024)
PER_YEAR = 4  # per process and register

SETUP = """
import django
django.setup()
from core.models import Organisation, Service, Site
from core.registries import create_town_defaults
town = Organisation.objects.create(slug="numeros", name="Numéros")
Service.objects.create(organisation=town, site=Site.objects.create(organisation=town, name="Mairie"),
                       code="accueil", name="Accueil")
create_town_defaults(organisation=town, actor=None)
"""

WORKER = f"""
import datetime as dt, os, sys, time
import django
django.setup()
from civil_registry.actions import register_act_request
from core.models import Organisation
from correspondence.actions import register_request
town = Organisation.objects.get(slug="numeros")
while not os.path.exists(sys.argv[1]):
    time.sleep(0.005)
for year in {list(YEARS)}:
    for _ in range({PER_YEAR}):
        received_on = dt.date(year, 3, 2)
        register_request(organisation=town, actor=None, channel="letter", received_on=received_on)
        register_act_request(organisation=town, actor=None, act_type="birth", act_format="full", channel="post",
                             copies=1, received_on=received_on)
"""

READ = """
import json
import django
django.setup()
from civil_registry.models import ActRequest
from correspondence.models import WrittenRequest
print(json.dumps({
    "requests": sorted(WrittenRequest.objects.values_list("reference", flat=True)),
    "acts": sorted(ActRequest.objects.values_list("reference", flat=True)),
}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_two_processes_registering_at_once_get_distinct_consecutive_numbers(transactional_db, tmp_path):
    env = process_env(shared_database(tmp_path))
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(go)], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    go.touch()
    outputs = [worker.communicate(timeout=600) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    read = subprocess.run([sys.executable, "-c", READ], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    references = json.loads(read.stdout)
    numbers = range(1, 2 * PER_YEAR + 1)
    assert references["requests"] == [f"{year}-{number:05d}" for year in YEARS for number in numbers]
    assert references["acts"] == [f"EC-{year}-{number:05d}" for year in YEARS for number in numbers]
