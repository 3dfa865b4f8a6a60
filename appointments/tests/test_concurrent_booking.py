"""Double booking is impossible: processes booking the same slots at the same instant, on the
database the suite runs on (a SQLite file in WAL mode with IMMEDIATE transactions, or
PostgreSQL under .ci/postgres.sh). Each slot gets as many appointments as the kind's capacity,
each on its own seat, and every other try is told the slot was just taken; none fails otherwise."""

import json
import os
import subprocess
import sys

import pytest

from tests.processes import ROOT, process_env, shared_database

WORKERS = 4
CAPACITY = 2  # two citizens received at once: four processes race for its two seats

SETUP = f"""
import datetime as dt
import django
django.setup()
from appointments.models import AppointmentKind, BookingHours
from core.models import OpeningHours, Organisation, Service, Site
from core.registries import create_town_defaults
town = Organisation.objects.create(slug="concurrence", name="Concurrence")
site = Site.objects.create(organisation=town, name="Mairie")
service = Service.objects.create(organisation=town, site=site, code="etat-civil", name="État civil")
create_town_defaults(organisation=town, actor=None)
OpeningHours.objects.create(organisation=town, site=site, weekday=0, opens_at=dt.time(8), closes_at=dt.time(12))
kind = AppointmentKind.objects.create(organisation=town, service=service, label="Passeport", capacity={CAPACITY},
                                      duration_minutes=20, horizon_days=365, notice_hours=0)
BookingHours.objects.create(organisation=town, kind=kind, weekday=0, starts_at=dt.time(9), ends_at=dt.time(11))
"""

WORKER = """
import datetime as dt, json, os, sys, time
from zoneinfo import ZoneInfo
import django
django.setup()
from appointments.actions import Citizen, SlotTaken, book
from appointments.models import AppointmentKind
kind = AppointmentKind.objects.select_related("organisation", "service").get(organisation__slug="concurrence")
paris = ZoneInfo("Europe/Paris")
now = dt.datetime(2026, 3, 20, 8, tzinfo=paris)
slots = [dt.datetime(2026, 3, 23, 9, tzinfo=paris) + dt.timedelta(minutes=20 * n) for n in range(6)]
while not os.path.exists(sys.argv[1]):
    time.sleep(0.005)
outcome = {"booked": 0, "taken": 0}
for slot in slots:
    try:
        book(kind=kind, starts_at=slot, citizen=Citizen("Usager", f"{sys.argv[2]}-{slot:%H%M}@exemple.fr"),
             channel="online", actor=None, now=now)
        outcome["booked"] += 1
    except SlotTaken:
        outcome["taken"] += 1
print(json.dumps(outcome))
"""

READ = """
import json
import django
django.setup()
from appointments.models import Appointment
rows = Appointment.objects.order_by("scheduled_at", "seat").values_list("scheduled_at", "seat")
print(json.dumps([[moment.isoformat(), seat] for moment, seat in rows]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_processes_booking_the_same_slots_at_once_never_share_a_seat(transactional_db, tmp_path):
    env = process_env(shared_database(tmp_path))
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(go), f"w{number}"], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for number in range(WORKERS)
    ]  # fmt: skip
    go.touch()
    outputs = [worker.communicate(timeout=600) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * WORKERS, outputs

    outcomes = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]
    assert sum(outcome["booked"] for outcome in outcomes) == 6 * CAPACITY
    assert sum(outcome["taken"] for outcome in outcomes) == 6 * (WORKERS - CAPACITY)
    read = subprocess.run([sys.executable, "-c", READ], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    rows = [tuple(row) for row in json.loads(read.stdout)]
    assert len(rows) == len(set(rows)) == 6 * CAPACITY
    assert sorted({seat for _moment, seat in rows}) == list(range(1, CAPACITY + 1))
