"""Benchmark: a closure day added to a town with five years of calls, beside DuckDB.

    .venv/bin/python bench/calendar_change.py [N] [--quick] [--rounds R] [--keep] [--postgres]

1. Generates N calls (default 5,000,000; 100,000 with --quick) over five years (2021–2025),
   on four lines of three services at two sites (the town hall open Monday to Friday 08:30–12:00
   and 13:30–17:30, the annex Monday to Thursday 09:00–12:00), most in opening hours, judged
   presented or not by this script's own rule; and 20 written requests a working day with
   their due dates. One CSV file holds the calls.
2. The product: a fresh SQLite database (migrated), the town, the Qualivilles commitments,
   the calls loaded from the CSV file, the summary rows of every month and the indicator
   values of the month concerned computed. Then, timed: `administration.actions.add_closure_day`
   on Friday 10 May 2024 (a working day, a bridge after Ascension), called as the settings page
   calls it (its own transaction), through its commit, that is the calls of that day judged
   again, their counts moved in the summary rows of May 2024, the letters' due dates moved, the
   audit events, and, once the transaction commits, the indicator values of every month whose
   calls or letters moved recomputed (in one batch: ADR 0019).
3. DuckDB (bench-only, requirements-dev.txt) over the same rows loaded from the same file
   (loading not timed): the calls of that day judged again by the same rule, the month's
   summary rows rebuilt from its calls (by outcome and wait, by weekday and half-hour), and
   the answer rate and the share answered within 5 rings of the month, per service and for
   the town.

Steps 2 and 3 alternate R times (5; 2 with --quick), so that both meet the same load of the
machine; before each round after the first, the closure day is removed (product) and the day's
calls presented again (DuckDB), untimed. The garbage left by the setup is collected before each
timed step (on both sides). The ratio is that of the medians; each round is printed.

With --postgres (`make bench-calendar-postgres`: the throwaway cluster of .ci/postgres.sh sets
DATABASE_URL), the product runs on a fresh PostgreSQL database of that server instead, the calls
loaded with COPY.

The bar: the product within 5× of DuckDB (printed, OK or HORS BARRE, from a million calls on).
The exit status is 1 only when a check fails: the day's calls left in the presented calls, the
month's summary rows of the product and of DuckDB differing, a letter's due date not moved.
BENCH_SHOW_QUERIES=1 prints the last round's queries by kind, with the time spent in each."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import os
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _migrated import migrate
from _postgres import fresh_database  # bench/_postgres.py: run as `python bench/x.py`

ROOT = Path(__file__).resolve().parent.parent
PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY, LAST_DAY = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
CLOSURE = dt.date(2024, 5, 10)
RATIO_BAR = 5.0
FULL_SIZE = 1_000_000  # below, fixed costs (a few dozen queries) outweigh the rows: the ratio is only shown
# code, service code, share of the calls
LINES = (("standard", "accueil", 0.45), ("accueil-2", "accueil", 0.15), ("etat-civil", "etat-civil", 0.3),
         ("urbanisme", "urbanisme", 0.1))  # fmt: skip
TOWN_HALL = ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 17 * 60 + 30))  # minutes, Monday to Friday
ANNEX = ((9 * 60, 12 * 60),)  # Monday to Thursday
COLUMNS = ("line_id", "service_id", "started_at", "answered_at", "ended_at", "outcome", "wait_seconds",
           "talk_seconds", "in_hours", "local_date", "local_month", "weekday", "half_hour", "dedupe_key")  # fmt: skip
LETTERS_A_DAY = 20


def _slots(service_code: str, weekday: int) -> tuple[tuple[int, int], ...]:
    if service_code == "urbanisme":
        return ANNEX if weekday < 4 else ()
    return TOWN_HALL if weekday < 5 else ()


def generate(path: Path, count: int, ids: dict[str, tuple[int, int]], days_off: set[dt.date]) -> None:
    """`count` calls in the table's columns, judged by this script's own rule."""
    rnd = random.Random(2024)
    days = [FIRST_DAY + dt.timedelta(days=offset) for offset in range((LAST_DAY - FIRST_DAY).days + 1)]
    weights = [1.0 if day.weekday() < 5 and day not in days_off else 0.05 for day in days]
    total = sum(weights)
    lines = [(ids[code], service_code) for code, service_code, _ in LINES]
    shares = [share for _, _, share in LINES]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for index, day in enumerate(days):
            share = round(count * weights[index] / total) if index < len(days) - 1 else count - written
            share = min(share, count - written)
            weekday = day.weekday()
            for _ in range(share):
                second = rnd.randint(8 * 3600, 18 * 3600 - 1) if rnd.random() < 0.9 else rnd.randint(0, 86399)
                (line_id, service_id), service_code = rnd.choices(lines, shares)[0]
                local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)
                started = local.replace(tzinfo=PARIS).astimezone(dt.UTC).replace(tzinfo=None)
                minute = local.hour * 60 + local.minute
                presented = day not in days_off and any(a <= minute < b for a, b in _slots(service_code, weekday))
                draw = rnd.random()
                wait = int(rnd.expovariate(1 / 14)) + 1
                if draw < 0.8:
                    outcome, talk = "answered", rnd.randint(15, 420)
                    answered, waited = started + dt.timedelta(seconds=wait), wait
                else:
                    outcome = "abandoned" if draw < 0.92 else ("voicemail" if draw < 0.97 else "busy")
                    talk, answered, waited = 0, None, None
                ended = started + dt.timedelta(seconds=wait + talk)
                writer.writerow((
                    line_id, service_id, f"{started:%Y-%m-%d %H:%M:%S}",
                    f"{answered:%Y-%m-%d %H:%M:%S}" if answered else "", f"{ended:%Y-%m-%d %H:%M:%S}", outcome,
                    "" if waited is None else waited, talk, int(presented), day.isoformat(),
                    day.replace(day=1).isoformat(), weekday, local.hour * 2 + local.minute // 30, f"b{written}",
                ))  # fmt: skip
                written += 1


CALL_NAMES = ", ".join(("organisation_id", *COLUMNS, "caller_hash", "origin", "version"))


def _call_rows(calls: Path, organisation_id: int) -> Iterator[tuple[Any, ...]]:
    with calls.open(newline="", encoding="utf-8") as rows:
        for row in csv.reader(rows):
            yield (organisation_id, *(cell if cell != "" else None for cell in row), "", "import", 0)


def load_calls(database_url: str, calls: Path, organisation_id: int) -> None:
    """The calls into the product's table, as an import writes them (one transaction):
    executemany on SQLite, COPY on PostgreSQL."""
    if database_url.startswith("sqlite:///"):
        con = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        marks = ", ".join("?" * (len(COLUMNS) + 4))
        with con:
            insert = f"INSERT INTO telephony_call ({CALL_NAMES}) VALUES ({marks})"
            con.executemany(insert, _call_rows(calls, organisation_id))
        con.close()
        return
    import psycopg

    with psycopg.connect(database_url) as server:
        server.execute("SET TIME ZONE 'UTC'")  # the file's times are UTC
        with server.cursor().copy(f"COPY telephony_call ({CALL_NAMES}) FROM STDIN") as copy:  # type: ignore[arg-type]
            for row in _call_rows(calls, organisation_id):
                copy.write_row(row)


# --- DuckDB ---------------------------------------------------------------------------------------

DUCK_LOAD = """
CREATE TABLE calls AS SELECT * FROM read_csv(?, header = false, columns = {
  'line_id': 'INTEGER', 'service_id': 'INTEGER', 'started_at': 'TIMESTAMP', 'answered_at': 'TIMESTAMP',
  'ended_at': 'TIMESTAMP', 'outcome': 'VARCHAR', 'wait_seconds': 'INTEGER', 'talk_seconds': 'INTEGER',
  'in_hours': 'BOOLEAN', 'local_date': 'DATE', 'local_month': 'DATE', 'weekday': 'INTEGER', 'half_hour': 'INTEGER',
  'dedupe_key': 'VARCHAR'})
"""


def load_duckdb(calls: Path) -> Any:
    """A DuckDB connection holding the calls of the file, and the ids of the closed day's
    presented calls (to present them again between rounds)."""
    import duckdb

    con = duckdb.connect()
    con.execute(DUCK_LOAD, [str(calls)])
    con.execute("CREATE TABLE presented AS SELECT rowid AS id FROM calls WHERE local_date = ? AND in_hours", [CLOSURE])
    return con


def duckdb_round(con: Any, first: bool) -> tuple[float, list[tuple]]:
    """One timed round in DuckDB (after the first, the day's calls presented again, untimed)."""
    if not first:
        con.execute("UPDATE calls SET in_hours = true WHERE rowid IN (SELECT id FROM presented)")
        con.execute("DROP TABLE month_stat")
        con.execute("DROP TABLE month_slot")
    month = CLOSURE.replace(day=1)
    gc.collect()
    began = time.perf_counter()
    con.execute("UPDATE calls SET in_hours = false WHERE local_date = ? AND in_hours", [CLOSURE])
    wait = "CASE WHEN outcome = 'answered' THEN coalesce(wait_seconds, -1) ELSE -1 END"
    con.execute(
        f"CREATE TABLE month_stat AS SELECT service_id, line_id, in_hours, outcome, {wait} AS wait, count(*) AS calls, "
        f"sum(CASE WHEN outcome = 'answered' THEN talk_seconds ELSE 0 END) AS talk FROM calls "
        f"WHERE local_month = ? GROUP BY ALL",
        [month],
    )
    con.execute(
        "CREATE TABLE month_slot AS SELECT service_id, line_id, in_hours, weekday, half_hour, count(*) AS calls, "
        "count(*) FILTER (outcome = 'answered') AS answered FROM calls WHERE local_month = ? GROUP BY ALL",
        [month],
    )
    con.execute(
        "SELECT service_id, sum(calls) FILTER (in_hours AND outcome = 'answered') / sum(calls) FILTER (in_hours), "
        "sum(calls) FILTER (in_hours AND outcome = 'answered' AND wait BETWEEN 0 AND 25) "
        "/ sum(calls) FILTER (in_hours) FROM month_stat GROUP BY ROLLUP (service_id)"
    ).fetchall()
    seconds = time.perf_counter() - began
    rows = con.execute(
        "SELECT service_id, line_id, in_hours, outcome, wait, calls, talk FROM month_stat ORDER BY ALL"
    ).fetchall()
    slots = con.execute(
        "SELECT service_id, line_id, in_hours, weekday, half_hour, calls, answered FROM month_slot ORDER BY ALL"
    ).fetchall()
    assert con.execute("SELECT count(*) FROM calls WHERE local_date = ? AND in_hours", [CLOSURE]).fetchone() == (0,)
    return seconds, rows + slots


# --- The product ----------------------------------------------------------------------------------


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def setup_town() -> tuple[Any, dict[str, tuple[int, int]]]:
    from commitments.frameworks import load_framework
    from core.models import OpeningHours, Organisation, Service, Site
    from core.registries import create_town_defaults
    from telephony.models import PhoneLine

    org = Organisation.objects.create(slug="bench", name="Ville de Banc d'Essai")
    town_hall = Site.objects.create(organisation=org, name="Hôtel de ville")
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    services = {
        "accueil": Service.objects.create(organisation=org, site=town_hall, code="accueil", name="Accueil"),
        "etat-civil": Service.objects.create(organisation=org, site=town_hall, code="etat-civil", name="État civil"),
        "urbanisme": Service.objects.create(organisation=org, site=annex, code="urbanisme", name="Urbanisme"),
    }
    create_town_defaults(organisation=org, actor=None)
    for site, slots, weekdays in ((town_hall, TOWN_HALL, 5), (annex, ANNEX, 4)):
        for weekday in range(weekdays):
            for opens, closes in slots:
                OpeningHours.objects.create(
                    organisation=org, site=site, weekday=weekday, opens_at=_time(opens), closes_at=_time(closes)
                )
    ids = {}
    for code, service_code, _ in LINES:
        line = PhoneLine.objects.create(organisation=org, code=code, name=code, service=services[service_code])
        ids[code] = (line.pk, services[service_code].pk)
    load_framework(organisation=org, code="qualivilles")
    return org, ids


def add_letters(org: Any, days_off: set[dt.date]) -> int:
    """Twenty letters a working day over the five years, with their due dates (15 working days)."""
    from core.workdays import calendar_for
    from correspondence.models import Channel, WrittenRequest
    from registers.deadlines import due_date

    calendar = calendar_for(org)
    letters = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5 and day not in days_off:
            due = due_date(calendar, day, 15)
            for _ in range(LETTERS_A_DAY):
                letters.append(WrittenRequest(
                    organisation=org, channel=Channel.LETTER,
                    received_on=day, deadline_days=15, business_days=False, due_on=due, subject="Courrier",
                ))  # fmt: skip
        day += dt.timedelta(days=1)
    WrittenRequest.objects.bulk_create(letters, batch_size=2000)
    return len(letters)


def product_round(org: Any, first: bool) -> tuple[float, int, dict[str, list[float]]]:
    """One timed closure day added, as the settings page adds it (its own transaction, the
    indicators recomputed once it commits); after the first round, the day is removed first,
    untimed. Returns the seconds, the number of queries and the time spent in each kind."""
    from django.db import connection

    from administration.actions import add_closure_day, delete_closure_day
    from core.models import ClosureDay

    if not first:
        delete_closure_day(closure=ClosureDay.objects.get(organisation=org, date=CLOSURE), actor=None)
    spent: dict[str, list[float]] = defaultdict(list)

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[sql[:150]].append(time.perf_counter() - began)

    gc.collect()  # the setup's garbage is not the change's: neither side pays for it
    began = time.perf_counter()
    with connection.execute_wrapper(count):
        add_closure_day(organisation=org, actor=None, date=CLOSURE, label="Pont de l'Ascension")
    seconds = time.perf_counter() - began  # through the commit and the recomputation it triggers
    return seconds, sum(len(times) for times in spent.values()), spent


def product_month_rows(org: Any) -> list[tuple]:
    from telephony.models import CallMonthStat, CallSlotStat

    month = CLOSURE.replace(day=1)
    stats = CallMonthStat.objects.filter(organisation=org, month=month).values_list(
        "service_id", "line_key", "in_hours", "outcome", "wait_seconds", "calls", "talk_seconds"
    )
    slots = CallSlotStat.objects.filter(organisation=org, month=month).values_list(
        "service_id", "line_key", "in_hours", "weekday", "half_hour", "calls", "answered"
    )
    return [*sorted(stats), *sorted(slots)]


def show_queries(spent: dict[str, list[float]]) -> None:
    """The queries of one round, by kind: how many and the time spent (BENCH_SHOW_QUERIES=1)."""
    for sql, times in sorted(spent.items(), key=lambda item: -len(item[1])):
        print(f"{len(times):>4} × {1000 * sum(times):>6.1f} ms  {sql}")


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


PG_BENCH = "bench_calendar"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=None, help="nombre d'appels (5 000 000)")
    parser.add_argument("--quick", action="store_true", help="100 000 appels, pour la CI")
    parser.add_argument("--rounds", type=int, default=None, help="manches produit + DuckDB (5 ; 2 en --quick)")
    parser.add_argument("--keep", action="store_true", help="garder le dossier de travail")
    parser.add_argument("--postgres", action="store_true", help="sur PostgreSQL (DATABASE_URL, voir le Makefile)")
    args = parser.parse_args()
    count = args.count or (100_000 if args.quick else 5_000_000)
    rounds = max(1, args.rounds or (2 if args.quick else 5))
    work = Path(tempfile.mkdtemp(prefix="bench-calendar-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": fresh_database(PG_BENCH, make_target="bench-calendar-postgres") if args.postgres
        else f"sqlite:///{work / 'bench.sqlite3'}",
    })  # fmt: skip
    sys.path.insert(0, str(ROOT))
    try:
        return run(count, rounds, work)
    finally:
        if args.keep:
            print(f"Dossier de travail gardé : {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(count: int, rounds: int, work: Path) -> int:
    import django

    django.setup()
    from django.db import connection

    from commitments.actions import recompute_after_change
    from core.workdays import WorkingCalendar
    from correspondence.models import WrittenRequest
    from telephony.actions import refresh_calls
    from telephony.models import Call

    began = time.perf_counter()
    migrate(dict(os.environ))
    org, ids = setup_town()
    calendar = WorkingCalendar()
    days_off = {day for year in range(FIRST_DAY.year, LAST_DAY.year + 1) for day, _ in calendar.days_off(year)}
    calls = work / "calls.csv"
    generate(calls, count, ids, days_off)
    connection.close()
    load_calls(os.environ["DATABASE_URL"], calls, org.pk)
    months = {FIRST_DAY.replace(year=year, month=month) for year in range(2021, 2026) for month in range(1, 13)}
    refresh_calls(organisation=org, months=months)
    letters = add_letters(org, days_off)
    recompute_after_change(org, "telephony", {CLOSURE.replace(day=1)})
    recompute_after_change(org, "correspondence", {CLOSURE.replace(day=1)})
    connection.cursor().execute("ANALYZE")
    day_calls = Call.objects.filter(organisation=org, local_date=CLOSURE).count()
    print(
        f"{_spaced(count)} appels sur cinq ans, {_spaced(letters)} courriers, préparés en "
        f"{time.perf_counter() - began:.0f} s ; {_spaced(day_calls)} appels le {CLOSURE:%d/%m/%Y}"
    )

    moving = WrittenRequest.objects.filter(organisation=org, received_on__lt=CLOSURE, due_on__gte=CLOSURE).count()
    duck_con = load_duckdb(calls)
    product_times, duck_times = [], []
    for index in range(rounds):  # alternated, so that both sides meet the same load of the machine
        product_seconds, queries, spent = product_round(org, first=index == 0)
        duck_seconds, duck_rows = duckdb_round(duck_con, first=index == 0)
        product_times.append(product_seconds)
        duck_times.append(duck_seconds)
    product_rows = product_month_rows(org)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        show_queries(spent)
    print(f"{queries} requêtes pour le jour de fermeture ({1000 * sum(map(sum, spent.values())):.0f} ms dans la base)")
    product_median, duck_median = statistics.median(product_times), statistics.median(duck_times)
    ratio = product_median / duck_median
    print()
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"{'':58}{'médiane':>10}   manches (ms)")
    for label, median, times in (
        (f"produit : jour de fermeture ajouté ({engine}, tout compris)", product_median, product_times),
        ("DuckDB : même rejugement et même agrégation du mois", duck_median, duck_times),
    ):
        print(f"{label:58}{1000 * median:>7.0f} ms   {' '.join(f'{1000 * one:.0f}' for one in times)}")
    print(f"Rapport produit / DuckDB (médianes, {rounds} manche{'s' if rounds > 1 else ''}) : {ratio:.1f}×")

    from correspondence.models import WrittenRequest as Letters

    still = Call.objects.filter(organisation=org, local_date=CLOSURE, in_hours=True).count()
    # each round's closure day moves them, each removal (from the second round) back
    moved = Letters.objects.filter(
        organisation=org, received_on__lt=CLOSURE, due_on__gte=CLOSURE, version=2 * rounds - 1
    ).count()
    duck = [(*row[:2], bool(row[2]), *row[3:]) for row in duck_rows]
    checks = [
        ("aucun appel du jour fermé parmi les présentés", still == 0),
        (
            "synthèses du mois identiques à celles de DuckDB",
            [(*row[:2], bool(row[2]), *row[3:]) for row in product_rows] == duck,
        ),
        (f"échéances des {moving} courriers concernés déplacées", moved == moving),
    ]
    print()
    if count >= FULL_SIZE:
        print(f"{'OK ' if ratio <= RATIO_BAR else 'HORS BARRE'} produit dans les {RATIO_BAR:.0f}× de DuckDB")
    else:
        print(f"(rapport indicatif sous {_spaced(FULL_SIZE)} appels : les frais fixes l'emportent)")
    for label, ok in checks:
        print(f"{'OK ' if ok else 'ÉCHEC'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
