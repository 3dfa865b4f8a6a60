"""Benchmark: the evidence pack of a closed year of the large city (issue 15, point 2).

    .venv/bin/python bench/evidence_pack.py [--quick] [--scale F] [--postgres] [--keep]
    .venv/bin/python bench/evidence_pack.py --reuse sqlite:////tmp/bench-pack-…/ville.sqlite3  (steps 2 and 3)

1. A fresh database (a SQLite file in a temporary folder, or with --postgres a fresh database on
   the server that DATABASE_URL names: `make bench-evidence BENCH_ARGS=--postgres` under
   .ci/postgres.sh), migrated, holding the large city of bench/large_city.py drawn by its own
   generator (bench/_large_city_data.py): 10 sites, 5 years up to yesterday of about 10 million
   calls, 3 million counter tickets, 500,000 written requests, 200,000 act requests and 100,000
   complaints, their summaries and indicator values, the improvement loop (`--scale` multiplies
   the volumes; `--quick`: 2 sites, 2 years, a few thousand rows, for CI).
2. Last year closed as the quality manager closes it (commitments.closing.close_year: every
   value of the year recomputed, then frozen), timed.
3. The pack of that year built as the « Construire le dossier » button builds it
   (evidence.actions.start_build then run_build), in a fresh process: build time, ZIP size,
   file count, the rows of the largest records file, and the process's peak resident memory
   (VmHWM) before and during the build. The ZIP is streamed to disk: memory should not follow
   the number of calls.

The database is removed at the end unless --keep."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _large_city_data import SLUG, generate  # bench/_large_city_data.py: the city drawn and written
from _postgres import fresh_database  # bench/_postgres.py: run as `python bench/x.py`
from _served import PYTHON, ROOT, app_environment, django_json, migrate

sys.path.insert(0, str(ROOT))
PG_DATABASE = "bench_pack"
FULL = {"calls": 10_000_000, "tickets": 3_000_000, "requests": 500_000, "acts": 200_000, "complaints": 100_000}
QUICK = {"calls": 6_000, "tickets": 2_000, "requests": 400, "acts": 200, "complaints": 100}

BUILD_PROBE = """
import django, json, re, sys, time, zipfile
from pathlib import Path
django.setup()
from core.models import Membership, Organisation, Role
from evidence.actions import run_build, start_build


def high_water_mb():
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's across exec.
    return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1]) / 1024


town = Organisation.objects.get(slug=sys.argv[1])
manager = Membership.objects.filter(organisation=town, role=Role.QUALITY_MANAGER).first().user
before = high_water_mb()
began = time.perf_counter()
pack = run_build(start_build(organisation=town, year=int(sys.argv[2]), actor=manager))
seconds = time.perf_counter() - began
with pack.file.open("rb") as stored:
    infos = zipfile.ZipFile(stored).infolist()
largest = max(infos, key=lambda info: info.file_size)
print(json.dumps({
    "status": pack.status, "error": pack.error, "seconds": seconds, "bytes": pack.size, "files": len(infos),
    "unpacked": sum(info.file_size for info in infos), "steps": pack.steps, "largest": largest.filename,
    "largest_bytes": largest.file_size, "peak_mb": high_water_mb(), "before_mb": before,
}))
"""


def close_last_year(year: int) -> float:
    from commitments.closing import close_year
    from core.models import Membership, Organisation, Role

    town = Organisation.objects.get(slug=SLUG)
    manager = Membership.objects.filter(organisation=town, role=Role.QUALITY_MANAGER).first()
    began = time.perf_counter()
    close_year(organisation=town, year=year, actor=manager.user if manager else None)
    return time.perf_counter() - began


def records_of_year(year: int) -> str:
    from correspondence.models import WrittenRequest
    from reception.models import QueueTicket
    from telephony.models import Call

    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    counts = {
        "appels": Call.objects.filter(organisation__slug=SLUG, local_date__gte=start, local_date__lt=end).count(),
        "tickets": QueueTicket.objects.filter(
            organisation__slug=SLUG, local_date__gte=start, local_date__lt=end
        ).count(),
        "courriers": WrittenRequest.objects.filter(
            organisation__slug=SLUG, received_on__gte=start, received_on__lt=end
        ).count(),
    }
    return ", ".join(f"{count:,} {kind}".replace(",", " ") for kind, count in counts.items())


def megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f} Mo"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 sites, 2 ans, quelques milliers de lignes (CI)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplie les volumes (1 = 10 millions d'appels)")
    parser.add_argument("--postgres", action="store_true", help="sur PostgreSQL (DATABASE_URL, voir le Makefile)")
    parser.add_argument("--keep", action="store_true", help="garder la base et le dossier de travail")
    parser.add_argument("--reuse", metavar="DATABASE_URL", help="mesurer une ville gardée (--keep), sans la refaire")
    args = parser.parse_args()
    sizes = {kind: max(1, round(count * args.scale)) for kind, count in (QUICK if args.quick else FULL).items()}
    sites, years = (2, 2) if args.quick else (10, 5)
    work = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    if args.reuse:
        url, label = args.reuse, args.reuse.split(":")[0]
    elif args.postgres:
        url, label = fresh_database(PG_DATABASE, make_target="bench-evidence BENCH_ARGS=--postgres"), "PostgreSQL"
    else:
        url, label = f"sqlite:///{work / 'ville.sqlite3'}", "SQLite"
    env = app_environment(work, url)
    os.environ.update(env)
    try:
        if args.reuse:  # `migrate` would copy a fresh template over the kept city
            subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)
        else:
            migrate(env)
        import django

        django.setup()
        today = dt.date.today()
        year = today.year - 1
        if not args.reuse:
            volumes = ", ".join(f"{count:,} {kind}".replace(",", " ") for kind, count in sizes.items())
            print(f"Grande ville sur {label} : {sites} sites, {years} ans, {volumes}")
            began = time.perf_counter()
            generate(sizes, sites, years, today)
            print(f"Génération : {time.perf_counter() - began:.0f} s")
            print(f"Clôture de l'exercice {year} (valeurs recalculées puis figées) : {close_last_year(year):.1f} s")
        else:
            print(f"Ville gardée sur {label} : {url}")
        print(f"Enregistrements de {year} : {records_of_year(year)}")
        from django.db import connections

        connections.close_all()
        result = django_json(BUILD_PROBE, env, SLUG, str(year))
        if result["status"] != "done":
            print(f"Dossier de preuves {year} : ÉCHEC ({result['error']})")
            return 1
        print(
            f"Dossier de preuves {year} : {result['seconds']:.1f} s ({result['steps']} étapes), "
            f"ZIP {megabytes(result['bytes'])} ({megabytes(result['unpacked'])} décompressé), "
            f"{result['files']} fichiers ; le plus gros : {result['largest']} ({megabytes(result['largest_bytes'])}) ; "
            f"mémoire résidente de pointe {result['peak_mb']:.0f} Mo "
            f"(dont {result['peak_mb'] - result['before_mb']:.0f} Mo pendant la construction)"
        )
        return 0
    finally:
        if args.keep:
            print(f"Dossier de travail gardé : {work} (DATABASE_URL={url})")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
