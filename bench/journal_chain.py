"""Benchmark: what the hash chain costs per journaled event, and how fast verify_journal reads.

    .venv/bin/python bench/journal_chain.py [N] [--quick] [--postgres]

On a fresh database (SQLite file, or with --postgres a fresh database of the server DATABASE_URL
names: `make bench-journal-postgres`), N events (default 5,000; 500 with --quick) are written
four ways, each timed:

1. before, one by one: the insert as it was before the chain (`Model.save`, one transaction
   per event), into a town of its own;
2. after, one by one: `core.audit.record_event`, one transaction per event (lock of the town's
   chain on PostgreSQL, read of the chain's head, SHA-256, insert);
3. before, in bulk: a plain `bulk_create` of 1,000 events at a time;
4. after, in bulk: `AuditEvent.objects.bulk_create` (one lock and one head read per batch).

Then `verify_chain` walks the chained town's journal. Prints microseconds per event, the ratio
after / before, and the verification's events per second. Exit status 1 if the chain written
here does not verify."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _migrated import migrate
from _postgres import fresh_database  # bench/_postgres.py: run as `python bench/x.py`

ROOT = Path(__file__).resolve().parent.parent
PG_BENCH = "qualipilote_bench_journal"
BATCH = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=None, help="nombre d'événements par mesure (5 000)")
    parser.add_argument("--quick", action="store_true", help="500 événements, pour la CI")
    parser.add_argument("--postgres", action="store_true", help="sur PostgreSQL (DATABASE_URL, voir le Makefile)")
    args = parser.parse_args()
    count = args.count or (500 if args.quick else 5_000)
    work = Path(tempfile.mkdtemp(prefix="bench-journal-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-journal-Qw7Er4Ty1Ui8Op5As2Df9Gh6Jk3Lz0Xc-VbNm_Pl",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": fresh_database(PG_BENCH, make_target="bench-journal-postgres") if args.postgres
        else f"sqlite:///{work / 'bench.sqlite3'}",
    })  # fmt: skip
    sys.path.insert(0, str(ROOT))
    try:
        return run(count)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(count: int) -> int:
    import django

    django.setup()
    from django.db import connection, models

    from core.audit import record_event
    from core.chain import verify_chain
    from core.models import AuditEvent, Organisation, Site

    migrate(dict(os.environ))
    before_town = Organisation.objects.create(slug="avant", name="Avant")
    after_town = Organisation.objects.create(slug="apres", name="Après")
    site = Site.objects.create(organisation=after_town, name="Mairie")
    places = iter(range(1, 10 * count + 1))

    def event(town: Organisation, n: int) -> AuditEvent:
        return AuditEvent(organisation=town, actor_label="système", object_type="core.site", object_id=str(site.pk),
                          object_repr="Mairie", action="update", before={"name": f"Mairie {n}"},
                          after={"name": f"Mairie {n + 1}"})  # fmt: skip

    def plain(town: Organisation, n: int) -> AuditEvent:
        row = event(town, n)
        row.seq, row.hash = next(places), ""
        return row

    def timed(write: object) -> tuple[float, float]:
        """Wall and this process's CPU microseconds per event (the CPU figure holds on a busy
        machine; on PostgreSQL it leaves out the server's share)."""
        wall, cpu = time.perf_counter(), time.process_time()
        write()  # type: ignore[operator]
        return (time.perf_counter() - wall) / count * 1e6, (time.process_time() - cpu) / count * 1e6

    def save_plainly() -> None:
        for n in range(count):
            models.Model.save(plain(before_town, n))

    before_one = timed(save_plainly)
    after_one = timed(
        lambda: [
            record_event(organisation=after_town, actor=None, instance=site, action="update",
                         before={"name": f"Mairie {n}"}, after={"name": f"Mairie {n + 1}"})
            for n in range(count)
        ]
    )  # fmt: skip
    plain_rows: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
    before_bulk = timed(
        lambda: [
            plain_rows.bulk_create([plain(before_town, n) for n in range(start, min(start + BATCH, count))])
            for start in range(0, count, BATCH)
        ]
    )
    after_bulk = timed(
        lambda: [
            AuditEvent.objects.bulk_create([event(after_town, n) for n in range(start, min(start + BATCH, count))])
            for start in range(0, count, BATCH)
        ]
    )
    began = time.perf_counter()
    result = verify_chain(after_town.pk)
    verify_seconds = time.perf_counter() - began

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"Journal chaîné, {engine}, {count} événements par mesure (µs par événement)")
    print(f"{'':50}{'avant':>10}{'après':>10}{'rapport':>10}")
    for label, old, new in (("un événement par transaction", before_one, after_one),
                            (f"en lot ({BATCH} par bulk_create)", before_bulk, after_bulk)):  # fmt: skip
        for kind, index in (("durée", 0), ("CPU du processus", 1)):
            line = f"{label}, {kind}"
            print(f"{line:50}{old[index]:>10.0f}{new[index]:>10.0f}{new[index] / old[index]:>9.2f}×")
    print(f"verify_journal : {result.events} événements en {verify_seconds:.2f} s "
          f"({result.events / verify_seconds:,.0f} événements/s)".replace(",", " "))  # fmt: skip
    ok = result.broken is None and result.events == 2 * count
    print(f"{'OK ' if ok else 'ÉCHEC'} chaîne intacte ({result.head_seq} maillons)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
