"""Writers journaling at once into one town's chain, as real processes on the database the
suite runs on (a SQLite file in WAL mode with IMMEDIATE transactions, or PostgreSQL under
.ci/postgres.sh): the chain never forks, every event finds its place, and verify_journal finds
it intact."""

import json
import os
import subprocess
import sys

import pytest

from tests.processes import ROOT, process_env, shared_database

WRITERS = 3
PER_WRITER = 40  # events one at a time, then as many again in bulk

SETUP = """
import django
django.setup()
from core.models import Organisation, Site
town = Organisation.objects.create(slug="chaine", name="Chaîne")
Site.objects.create(organisation=town, name="Mairie")
"""

WRITER = f"""
import os, sys, time
import django
django.setup()
from core.audit import record_event
from core.models import AuditEvent, Organisation, Site
town = Organisation.objects.get(slug="chaine")
site = Site.objects.get(organisation=town)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.005)
for n in range({PER_WRITER}):
    record_event(organisation=town, actor=None, instance=site, action="update", after={{"writer": sys.argv[2], "n": n}})
AuditEvent.objects.bulk_create(
    [AuditEvent(organisation=town, object_type="core.site", object_id=str(site.pk), object_repr="Mairie",
                action="import", after={{"writer": sys.argv[2], "bulk": n}}) for n in range({PER_WRITER})],
    batch_size=7,
)
"""

READ = """
import json
import django
django.setup()
from core.chain import verify_chain
from core.models import AuditEvent, Organisation
town = Organisation.objects.get(slug="chaine")
result = verify_chain(town.pk)
print(json.dumps({"seqs": sorted(AuditEvent.objects.filter(organisation=town).values_list("seq", flat=True)),
                  "broken": result.broken.message if result.broken else None, "head": result.head_seq}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_concurrent_writers_never_fork_a_towns_chain(transactional_db, tmp_path):
    env = process_env(shared_database(tmp_path))
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    go = tmp_path / "go"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(go), str(number)], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for number in range(WRITERS)
    ]  # fmt: skip
    go.touch()
    outputs = [writer.communicate(timeout=600) for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * WRITERS, outputs

    read = subprocess.run([sys.executable, "-c", READ], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    chain = json.loads(read.stdout)
    total = WRITERS * PER_WRITER * 2
    assert chain == {"seqs": list(range(1, total + 1)), "broken": None, "head": total}
