"""Benchmark: importing an Asterisk call log, then computing the indicators on it.

    .venv/bin/python bench/import_calls.py [N] [--quick] [--rounds R] [--keep] [--postgres]

1. Generates N calls (default 1,000,000; 20,000 with --quick) in Asterisk's Master.csv format:
   one year of calls, most in opening hours, local wall-clock times, about 1.18 records per
   call as exchanges write them (a voice menu's record before the agent's, two phones rung at
   once, a transfer to the other line), so the import groups records into calls; and N/5
   counter tickets of the same year in a queue system's CSV export.
2. Baseline: the same call file parsed with the csv module and inserted with sqlite3
   executemany into a plain table, in one transaction.
3. The product: a fresh SQLite database (migrated), one town, then
   `manage.py import_calls --org bench --source asterisk FILE --quiet`, timed from outside
   (wall time of the whole command, Python start included).
   Steps 2 and 3 alternate R times (3 in full mode, 1 with --quick), each product import on a
   fresh copy of the database: this machine's speed drifts from one minute to the next, so
   the ratio is the median of the R rounds, each comparing two runs a few seconds apart.
4. The same call file again, on the last round's database; then the tickets with
   `manage.py import_tickets`.
5. Every registered phone and counter indicator (telephony.*, reception.*) computed for a
   month, a quarter and a year.

Memory is the peak of the summed PSS (proportional set size) of the command and any child,
sampled every 50 ms, and the peak RSS the kernel reports for the command.

Bars: import ≥ 40 % of the baseline's rows per second (median of the rounds; full mode only:
at 20,000 rows the start of Python and Django dominates), peak memory < 150 MB, second import
< 2 s with 0 rows added, each indicator < 0.5 s. The bars are printed, OK or HORS BARRE; the
exit status is 1 only when a correctness check fails (a row lost, a row added twice).

With --postgres (`make bench-postgres`: the throwaway cluster of .ci/postgres.sh sets
DATABASE_URL), the same call file on PostgreSQL: the baseline is the file parsed with the csv
module and sent with psycopg's COPY into a plain table; each import runs on a fresh database
copied from a migrated template; then the same file is read again (--reread) and the summary
rows are checked against the calls. Same bars for speed and memory. Each round also prints the
CPU seconds of both sides, client (the command and its reading process) and server (its
connections' processes, read from the local cluster's postmaster), and their median ratio: on
a shared machine the wall times follow the other processes' load, the CPU far less."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _migrated import migrate  # bench/_migrated.py: run as `python bench/x.py`

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BASELINE_SHARE = 0.40
MEMORY_LIMIT_MB = 150
SECOND_IMPORT_SECONDS = 2.0
INDICATOR_SECONDS = 0.5
YEAR = 2025
LINES = (("0130000001", 0.6), ("0130000002", 0.4))
CALLERS = 300_000


# --- The call log --------------------------------------------------------------------------------


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def generate(path: Path, count: int, seed: int = 2025) -> int:
    """`count` calls of one year in Master.csv format, in time order (as Asterisk writes them);
    returns the number of records written."""
    rnd = random.Random(seed)
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=offset) for offset in range(365)]
    weights = [1.0 if day.weekday() < 5 else 0.08 for day in days]
    total = sum(weights)
    gap_day = _last_sunday(YEAR, 3)
    written = records = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        for index, day in enumerate(days):
            share = round(count * weights[index] / total) if index < len(days) - 1 else count - written
            share = min(share, count - written)
            starts = sorted(
                rnd.randint(8 * 3600, 18 * 3600 - 1) if rnd.random() < 0.9 else rnd.randint(0, 86399)
                for _ in range(share)
            )
            stamp = day.isoformat()
            next_stamp = (day + dt.timedelta(days=1)).isoformat()
            epoch0 = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
            for start in starts:
                if day == gap_day and 2 * 3600 <= start < 3 * 3600:
                    start += 3600  # the clock skips from 02:00 to 03:00 that night
                lines = _records(rnd, written, stamp, next_stamp, start, epoch0)
                out.write("".join(lines))
                written += 1
                records += len(lines)
    return records


MENU_SHARE, TWO_PHONES_SHARE, TRANSFER_SHARE = 0.08, 0.06, 0.055  # extra records: about 0.18 a call


def _records(rnd: random.Random, index: int, stamp: str, next_stamp: str, start: int, epoch0: int) -> list[str]:
    """The records of one call: its main record, and sometimes a voice menu's record before
    it, a second phone rung at once, or a transfer to the other line after it."""

    def when(seconds: int) -> str:
        return f"{stamp} {_clock(seconds)}" if seconds < 86400 else f"{next_stamp} {_clock(seconds - 86400)}"

    def record(
        dst: str, dstchannel: str, lastapp: str, begin: int, answer: int | None, end: int, disposition: str
    ) -> str:
        billsec = end - answer if answer is not None else 0
        return (
            f'"","{src}","{dst}","from-trunk","""Appelant"" <{src}>","SIP/trunk-{index:08x}","{dstchannel}",'
            f'"{lastapp}","SIP/201,30,tr","{when(begin)}","{when(answer) if answer is not None else ""}",'
            f'"{when(end)}",{end - begin},{billsec},"{disposition}","DOCUMENTATION","{uniqueid}",""\n'
        )

    dst = LINES[0][0] if rnd.random() < LINES[0][1] else LINES[1][0]
    src = f"06{rnd.randrange(CALLERS):08d}"
    uniqueid = f"{epoch0 + start}.{index}"
    wait = int(rnd.expovariate(1 / 14)) + 1
    draw = rnd.random()
    lastapp, answer, billsec = "Dial", None, 0
    if draw < 0.80:
        disposition = "ANSWERED"
        billsec = rnd.randint(15, 420)
        if draw < 0.03:
            lastapp = "VoiceMail"
        answer = start + wait
    else:
        disposition = "NO ANSWER" if draw < 0.92 else ("BUSY" if draw < 0.97 else "FAILED")
    end = start + wait + billsec
    agent = f"SIP/201-{index:08x}"
    main = record(dst, agent, lastapp, start, answer, end, disposition)
    kind = rnd.random()
    if kind < MENU_SHARE:  # the menu answers at once; the agent's phone rings after it
        menu = record(dst, "", "BackGround", start, start, end, "ANSWERED")
        return [
            menu,
            record(dst, agent, lastapp, min(start + 5, end if answer is None else answer), answer, end, disposition),
        ]
    if kind < MENU_SHARE + TWO_PHONES_SHARE:  # a second phone rang and stopped when the first answered
        other = record(dst, f"SIP/202-{index:08x}", "Dial", start, None, answer or end, "NO ANSWER")
        return [other, main]
    if kind < MENU_SHARE + TWO_PHONES_SHARE + TRANSFER_SHARE and answer is not None and lastapp == "Dial":
        other_line = LINES[1][0] if dst == LINES[0][0] else LINES[0][0]
        transfer_end = end + rnd.randint(20, 240)
        return [main, record(other_line, f"SIP/301-{index:08x}", "Dial", end, end + 5, transfer_end, "ANSWERED")]
    return [main]


def generate_tickets(path: Path, count: int, seed: int = 2026) -> None:
    """`count` counter tickets of the same year, as a queue system exports them (`;`, French
    dates): most called within minutes, some after a long wait, a few left or redirected."""
    rnd = random.Random(seed)
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=offset) for offset in range(365)]
    open_days = [day for day in days if day.weekday() < 5]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("N° ticket;Date;Arrivée;Appel;File;Statut\n")
        for index in range(count):
            day = open_days[index * len(open_days) // count]
            issued = rnd.randint(int(8.5 * 3600), 17 * 3600)
            queue = "Accueil" if rnd.random() < 0.7 else "État civil"
            draw = rnd.random()
            called = issued + int(rnd.expovariate(1 / 420))
            status = "Parti" if draw < 0.04 else ("Réorienté" if draw < 0.07 else "Servi")
            called_text = _clock(called) if status != "Parti" and called < 86400 else ""
            out.write(f"T{index:07d};{day:%d/%m/%Y};{_clock(issued)};{called_text};{queue};{status}\n")


# --- Measuring a child process ------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int, int, str, float]:
    """(wall seconds, peak summed PSS in kB, peak RSS of one process in kB, stdout, CPU seconds of
    the command and of the children it waited for: an import's reading process) of a command."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=err, text=True)
        peak_pss = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree = [process.pid, *_children(process.pid)]
            peak_pss = max(peak_pss, sum(_pss_kb(child) for child in tree))
            time.sleep(0.05)
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        if process.returncode:
            raise SystemExit(f"{' '.join(command[:4])} a échoué :\n{stdout}\n{err.read()}")
    return wall, peak_pss, usage.ru_maxrss, stdout, usage.ru_utime + usage.ru_stime


BASELINE = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
con.execute("CREATE TABLE cdr (" + ", ".join(f"c{i}" for i in range(18)) + ")")
with open(sys.argv[1], newline="", encoding="utf-8") as f, con:
    con.executemany("INSERT INTO cdr VALUES (" + ", ".join("?" * 18) + ")", csv.reader(f))
"""

SETUP = """
import datetime as dt
import django
django.setup()
from core.models import OpeningHours, Organisation, Service, Site
from imports.models import ImportSource
from telephony.models import PhoneLine
org = Organisation.objects.create(slug="bench", name="Ville de Banc d'Essai")
site = Site.objects.create(organisation=org, name="Hôtel de ville")
reception = Service.objects.create(organisation=org, site=site, code="accueil", name="Accueil")
Service.objects.create(organisation=org, site=site, code="etat-civil", name="État civil")
PhoneLine.objects.create(organisation=org, code="standard", name="Standard", service=reception)
for weekday in range(5):
    for opens, closes in ((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))):
        OpeningHours.objects.create(organisation=org, site=site, weekday=weekday, opens_at=opens, closes_at=closes)
ImportSource.objects.create(
    organisation=org, kind="calls", name="asterisk", label="Standard Asterisk", file_format="asterisk_cdr",
    line_field="dst", line_map={"0130000001": "standard", "0130000002": "etat-civil"},
)
ImportSource.objects.create(
    organisation=org, kind="tickets", name="file-attente", label="Borne de l'accueil", file_format="table",
    line_map={"Accueil": "accueil", "État civil": "etat-civil"},
    columns={"number": "N° ticket", "date": "Date", "issued_at": "Arrivée", "called_at": "Appel", "line": "File",
             "status": "Statut"},
    options={"separator": ";", "values": {"Servi": "served", "Parti": "left", "Réorienté": "redirected"}},
)
"""

INDICATORS = """
import time
import django
django.setup()
from core.metrics import MetricQuery
from core.registries import METRICS
from core.models import Organisation
from core.periods import Period
org = Organisation.objects.get(slug="bench")
for metric in METRICS.values():
    if metric.compute is None or not metric.key.startswith(("telephony.", "reception.")):
        continue
    for key in ("YEAR-06", "YEAR-Q2", "YEAR"):
        began = time.perf_counter()
        measure = metric.compute(MetricQuery(organisation=org, period=Period.parse(key)))
        seconds = time.perf_counter() - began
        value = "—" if measure is None or measure.value is None else f"{measure.value:.2f}"
        print(f"{metric.key}\\t{key}\\t{value}\\t{seconds:.4f}")
""".replace("YEAR", str(YEAR))


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else -1


@dataclass
class Round:
    baseline_wall: float
    wall: float
    inner: float
    pss_kb: int
    rss_kb: int
    imported: int
    cpu: tuple[float, float, float | None, float | None] = (0.0, 0.0, None, None)  # see _postgres_round

    def ratio(self, count: int) -> float:
        return (count / self.wall) / (count / self.baseline_wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=None, help="nombre d'appels (1 000 000)")
    parser.add_argument("--quick", action="store_true", help="20 000 appels, pour la CI")
    parser.add_argument("--rounds", type=int, default=None, help="manches référence + import (3 ; 1 en --quick)")
    parser.add_argument("--keep", action="store_true", help="garder le dossier de travail")
    parser.add_argument("--postgres", action="store_true", help="la manche PostgreSQL (DATABASE_URL, voir le Makefile)")
    args = parser.parse_args()
    count = args.count or (20_000 if args.quick else 1_000_000)
    rounds = args.rounds or (1 if args.quick else 3)
    work = Path(tempfile.mkdtemp(prefix="bench-calls-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "PYTHONPATH": str(ROOT),
    }
    try:
        full = not args.quick and count >= 200_000
        if args.postgres:
            return run_postgres(count, rounds, work, env, full=full)
        return run(count, rounds, work, env, full=full)
    finally:
        if args.keep:
            print(f"Dossier de travail gardé : {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _on(env: dict[str, str], database: Path) -> dict[str, str]:
    return {**env, "DATABASE_URL": f"sqlite:///{database}"}


def _import_round(count: int, log: Path, work: Path, env: dict[str, str], template: Path, index: int) -> Round:
    base_db = work / f"base-{index}.sqlite3"
    base_wall, _, _, _, _ = measure([PYTHON, "-c", BASELINE, str(log), str(base_db)], env)
    base_db.unlink()
    database = work / "bench.sqlite3"
    for leftover in work.glob("bench.sqlite3*"):
        leftover.unlink()
    shutil.copyfile(template, database)
    command = [PYTHON, "manage.py", "import_calls", "--org", "bench", "--source", "asterisk", str(log), "--quiet"]
    wall, pss, rss, output, _ = measure(command, _on(env, database))
    inner = float(re.search(r"Durée : ([\d.]+) s", output).group(1))  # type: ignore[union-attr]
    return Round(base_wall, wall, inner, pss, rss, _number(r"Importées : (\d+)", output))


def run(count: int, rounds: int, work: Path, env: dict[str, str], *, full: bool) -> int:
    log, tickets = work / "Master.csv", work / "tickets.csv"
    began = time.perf_counter()
    records = generate(log, count)
    generate_tickets(tickets, count // 5)
    print(
        f"{count} appels générés en {records} enregistrements ({records / count:.2f} par appel, "
        f"{log.stat().st_size / 1e6:.0f} Mo) et {count // 5} tickets en {time.perf_counter() - began:.1f} s"
    )

    template = work / "template.sqlite3"
    migrate(_on(env, template))
    subprocess.run([PYTHON, "-c", SETUP], env=_on(env, template), cwd=ROOT, check=True)
    results = [_import_round(count, log, work, env, template, index) for index in range(rounds)]

    bench_env = _on(env, work / "bench.sqlite3")
    command = [PYTHON, "manage.py", "import_calls", "--org", "bench", "--source", "asterisk", str(log), "--quiet"]
    again_wall, again_pss, _, again_output, _ = measure(command, bench_env)
    added = _number(r"Importées : (\d+)", again_output)
    ticket_command = [PYTHON, "manage.py", "import_tickets", "--org", "bench", "--source", "file-attente"]
    tickets_wall, tickets_pss, _, tickets_output, _ = measure([*ticket_command, str(tickets), "--quiet"], bench_env)
    tickets_imported = _number(r"Importées : (\d+)", tickets_output)

    print()
    print(f"{'':34}{'enreg./s':>12}{'durée':>10}{'mémoire (PSS)':>16}{'rapport':>10}")
    for index, result in enumerate(results, start=1):
        print(f"manche {index}")
        print(
            f"{'  référence csv + executemany':34}{records / result.baseline_wall:>12,.0f}{result.baseline_wall:>9.1f}s"
        )
        print(
            f"{'  import_calls (commande entière)':34}{records / result.wall:>12,.0f}{result.wall:>9.1f}s"
            f"{result.pss_kb / 1024:>13.0f} Mo{100 * result.ratio(count):>9.0f} %"
        )
        print(f"{'    dont import (hors démarrage)':34}{records / result.inner:>12,.0f}{result.inner:>9.1f}s")
    print(f"{'second import du même fichier':34}{'':>12}{again_wall:>9.1f}s{again_pss / 1024:>13.0f} Mo")
    print(
        f"{'import_tickets':34}{count // 5 / tickets_wall:>12,.0f}{tickets_wall:>9.1f}s{tickets_pss / 1024:>13.0f} Mo"
    )
    ratio = statistics.median(result.ratio(count) for result in results)
    pss = max(result.pss_kb for result in results)
    print(
        f"Rapport au débit de référence (médiane, {rounds} manche{'s' if rounds > 1 else ''}) : {100 * ratio:.0f} % ; "
        f"pic de RSS d'un processus : {max(result.rss_kb for result in results) / 1024:.0f} Mo"
    )

    indicators = subprocess.run(
        [PYTHON, "-c", INDICATORS], env=bench_env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    print()
    print(f"{'indicateur':40}{'période':>10}{'valeur':>10}{'temps':>10}")
    slowest = 0.0
    for line in indicators.stdout.splitlines():
        key, period, value, seconds = line.split("\t")
        slowest = max(slowest, float(seconds))
        print(f"{key:40}{period:>10}{value:>10}{float(seconds):>9.3f}s")

    # The bars are figures to read, not a timed test: on a shared machine they vary with the
    # load. Only correctness (every row imported, nothing added twice) sets the exit status.
    bars = [
        (f"mémoire < {MEMORY_LIMIT_MB} Mo", pss / 1024 < MEMORY_LIMIT_MB),
        (f"second import < {SECOND_IMPORT_SECONDS:.0f} s", again_wall < SECOND_IMPORT_SECONDS),
        (f"chaque indicateur < {INDICATOR_SECONDS} s", slowest < INDICATOR_SECONDS),
    ]
    if full:
        bars.append((f"débit ≥ {100 * BASELINE_SHARE:.0f} % de la référence", ratio >= BASELINE_SHARE))
    checks = [
        ("toutes les lignes importées", all(result.imported == count for result in results)),
        ("aucune ligne ajoutée au second import", added == 0),
        ("tous les tickets importés", tickets_imported == count // 5),
    ]
    print()
    for label, ok in bars:
        print(f"{'OK ' if ok else 'HORS BARRE'} {label}")
    for label, ok in checks:
        print(f"{'OK ' if ok else 'ÉCHEC'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


# --- The PostgreSQL round (--postgres) ----------------------------------------------------------
# The same call file on the PostgreSQL server that DATABASE_URL names (the throwaway cluster of
# .ci/postgres.sh: `make bench-postgres`). Baseline: the file parsed with the csv module and
# sent with psycopg's COPY into a plain table of text columns. Each product import runs on a
# fresh database copied from a migrated template; then the same file is read again
# (`--reread`: every row already there) and the summary rows are checked against the calls.

BASELINE_POSTGRES = """
import csv, sys
import psycopg
with psycopg.connect(sys.argv[2], autocommit=True) as con, open(sys.argv[1], newline="", encoding="utf-8") as f:
    con.execute("DROP TABLE IF EXISTS cdr")
    con.execute("CREATE TABLE cdr (" + ", ".join(f"c{i} text" for i in range(18)) + ")")
    with con.cursor().copy("COPY cdr FROM STDIN") as copy:
        for row in csv.reader(f):
            copy.write_row(row)
    con.execute("DROP TABLE cdr")
"""

PG_TEMPLATE, PG_BENCH = "bench_template", "bench_calls"


def _database_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + name


def _pg_admin(server: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_database_url(server, "postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def _pg_count(url: str, query: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(query).fetchone()  # type: ignore[arg-type]
    return int(row[0]) if row and row[0] is not None else 0


def _server_cpu(server: str) -> float | None:
    """CPU seconds of the server's processes that ended (its connections' processes), when it
    runs on this machine as the throwaway cluster does: its postmaster's children's time."""
    import psycopg

    time.sleep(0.3)  # the last connection's process ends just after its client
    try:
        with psycopg.connect(_database_url(server, "postgres")) as connection:
            row = connection.execute("SHOW data_directory").fetchone()
        pid = int(Path(str(row[0] if row else ""), "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError, psycopg.Error):
        return None
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime + cstime


def _spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _postgres_round(count: int, log: Path, env: dict[str, str], server: str) -> Round:
    """One baseline and one import; their CPU seconds too (client, then server's when known):
    on a shared machine the wall times follow the other processes' load, the CPU far less."""
    began = _server_cpu(server)
    base_wall, _, _, _, base_cpu = measure(
        [PYTHON, "-c", BASELINE_POSTGRES, str(log), _database_url(server, "postgres")], env
    )
    base_server = _spent(began, _server_cpu(server))
    _pg_admin(
        server,
        f"DROP DATABASE IF EXISTS {PG_BENCH} WITH (FORCE)",
        f"CREATE DATABASE {PG_BENCH} TEMPLATE {PG_TEMPLATE}",
    )
    command = [PYTHON, "manage.py", "import_calls", "--org", "bench", "--source", "asterisk", str(log), "--quiet"]
    began = _server_cpu(server)
    wall, pss, rss, output, cpu = measure(command, {**env, "DATABASE_URL": _database_url(server, PG_BENCH)})
    server_cpu = _spent(began, _server_cpu(server))
    inner = float(re.search(r"Durée : ([\d.]+) s", output).group(1))  # type: ignore[union-attr]
    imported = _number(r"Importées : (\d+)", output)
    return Round(base_wall, wall, inner, pss, rss, imported, (base_cpu, cpu, base_server, server_cpu))


def _cpu_text(client: float, server: float | None) -> str:
    return f"{client:.1f} s" + ("" if server is None else f" + serveur {server:.1f} s")


def run_postgres(count: int, rounds: int, work: Path, env: dict[str, str], *, full: bool) -> int:
    server = env.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("--postgres demande DATABASE_URL vers un serveur PostgreSQL : lancez `make bench-postgres`.")
        return 2
    log = work / "Master.csv"
    began = time.perf_counter()
    generate(log, count)
    print(f"{count} appels générés ({log.stat().st_size / 1e6:.0f} Mo) en {time.perf_counter() - began:.1f} s")
    _pg_admin(server, f"DROP DATABASE IF EXISTS {PG_BENCH} WITH (FORCE)", f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")
    _pg_admin(server, f"CREATE DATABASE {PG_TEMPLATE}")
    template_env = {**env, "DATABASE_URL": _database_url(server, PG_TEMPLATE)}
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=template_env, cwd=ROOT, check=True)
    subprocess.run([PYTHON, "-c", SETUP], env=template_env, cwd=ROOT, check=True)
    results = [_postgres_round(count, log, env, server) for _ in range(rounds)]

    bench_url = _database_url(server, PG_BENCH)
    bench_env = {**env, "DATABASE_URL": bench_url}
    command = [PYTHON, "manage.py", "import_calls", "--org", "bench", "--source", "asterisk", str(log), "--quiet"]
    again_wall, again_pss, _, again_output, _ = measure([*command, "--reread"], bench_env)
    added = _number(r"Importées : (\d+)", again_output)
    stored = _pg_count(bench_url, "SELECT COUNT(*) FROM telephony_call")
    summed = _pg_count(bench_url, "SELECT SUM(calls) FROM telephony_callmonthstat")
    slotted = _pg_count(bench_url, "SELECT SUM(calls) FROM telephony_callslotstat")

    print()
    print(f"PostgreSQL{'':24}{'lignes/s':>12}{'durée':>10}{'mémoire (PSS)':>16}{'rapport':>10}")
    for index, result in enumerate(results, start=1):
        print(f"manche {index}")
        print(
            f"{'  référence csv + COPY psycopg':34}{count / result.baseline_wall:>12,.0f}{result.baseline_wall:>9.1f}s"
        )
        print(
            f"{'  import_calls (commande entière)':34}{count / result.wall:>12,.0f}{result.wall:>9.1f}s"
            f"{result.pss_kb / 1024:>13.0f} Mo{100 * result.ratio(count):>9.0f} %"
        )
        print(f"{'    dont import (hors démarrage)':34}{count / result.inner:>12,.0f}{result.inner:>9.1f}s")
        base_cpu, cpu, base_server, server_cpu = result.cpu
        print(f"  CPU : référence {_cpu_text(base_cpu, base_server)} ; import_calls {_cpu_text(cpu, server_cpu)}")
    print(
        f"{'relecture du même fichier':34}{count / again_wall:>12,.0f}{again_wall:>9.1f}s{again_pss / 1024:>13.0f} Mo"
    )
    ratio = statistics.median(result.ratio(count) for result in results)
    pss = max(result.pss_kb for result in results)
    print(
        f"Rapport au débit de référence (médiane, {rounds} manche{'s' if rounds > 1 else ''}) : {100 * ratio:.0f} % ; "
        f"pic de RSS d'un processus : {max(result.rss_kb for result in results) / 1024:.0f} Mo"
    )
    cpu_ratios = [
        (base_cpu + base_server) / (cpu + server_cpu)
        for base_cpu, cpu, base_server, server_cpu in (result.cpu for result in results)
        if base_server is not None and server_cpu is not None
    ]
    if cpu_ratios:
        median_cpu = statistics.median(cpu_ratios)
        print(f"Rapport des temps CPU (référence / import, client et serveur, médiane) : {100 * median_cpu:.0f} %")
    bars = [(f"mémoire < {MEMORY_LIMIT_MB} Mo", max(pss, again_pss) / 1024 < MEMORY_LIMIT_MB)]
    if full:
        bars.append((f"débit ≥ {100 * BASELINE_SHARE:.0f} % de la référence", ratio >= BASELINE_SHARE))
    checks = [
        ("toutes les lignes importées", all(result.imported == count for result in results)),
        ("aucune ligne ajoutée à la relecture", added == 0 and stored == count),
        ("synthèses égales aux appels", summed == count and slotted == count),
    ]
    print()
    for label, ok in bars:
        print(f"{'OK ' if ok else 'HORS BARRE'} {label}")
    for label, ok in checks:
        print(f"{'OK ' if ok else 'ÉCHEC'} {label}")
    _pg_admin(server, f"DROP DATABASE IF EXISTS {PG_BENCH} WITH (FORCE)", f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
