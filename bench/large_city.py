"""Benchmark: a large city (10 sites, 5 years), its steering pages under load, its PDFs.

    .venv/bin/python bench/large_city.py [--quick] [--scale F] [--seconds S] [--clients C] [--no-think]
                                         [--postgres] [--keep]
    .venv/bin/python bench/large_city.py --reuse sqlite:////tmp/bench-city-…/ville.sqlite3  (steps 2 and 3 only)

1. A fresh database (a SQLite file in a temporary folder, or with --postgres a fresh database on
   the server that DATABASE_URL names: `make bench-city-postgres` runs it on the throwaway
   cluster of .ci/postgres.sh), migrated. A seeded city: 10 sites with a reception and a civil
   registry service each, a telephone line per service, the Qualivilles commitments with a year
   of manual values (demo.generator), and 5 years up to yesterday of about 10 million calls,
   3 million counter tickets, 500,000 written requests, 200,000 act requests and 100,000
   complaints (`--scale` multiplies the counts). Rows are drawn as plain tuples and written
   raw (bench/_large_city_data.py), as design.md asks of large writes: `executemany` on
   SQLite's own connection, `COPY` on PostgreSQL. The demo's per-event simulation (queues, agents, tallied weeks:
   demo.activity) wrote about 9,000 rows a second here against about 55,000 for these
   tuples, that is 25 minutes for the city's calls alone. Registers and complaints are
   written without their step logs and audit events (no page measured here reads them).
   Then, through the product's own code paths, the monthly
   summaries (telephony.actions.refresh_calls, reception.actions.after_tickets_written) and
   the indicator values of every month, quarter and year, per service, per site and for the
   city (core.registries.records_changed, run once the writing transaction commits); then the
   demo's improvement loop (demo.improvement_data: committees, decisions, actions judged on the
   stored values, last year's draft review). Prints the time of each phase and the database size.
2. gunicorn as docs/deployment.md starts it (its config file), with 2 workers, production
   settings; C clients (8), each with its own signed-in session of the quality manager, open
   the same page in a loop for S seconds (30; 3 with --quick) with `requests` threads, reading
   each page 0.2 to 1 s as bench/load.py's users do (`--no-think`: no pause, the saturation
   case, where the time measured is mostly the wait for one of the 2 workers): the
   quality manager's home (dashboards:home), the overview (commitments:overview) and, as a
   reference, the telephone figures (telephony:home). Prints p50 and p95 of each (goal for
   the home and the overview: p95 ≤ 30 ms). A page answering 404 is reported "page absente"
   and skipped.
3. The meeting pack of the last committee and the annual review of last year
   (reports.steering.meeting_pack_pdf, annual_review_pdf), each in a fresh process: seconds and
   peak resident memory (goal < 10 s each); "absent" when the function does not exist yet.

`--quick` (CI, `make bench-quick`): 2 sites, 1 year, a few thousand rows, 3 s a page. The
database is removed at the end unless --keep; `--reuse URL` measures a kept city again (after a
change of the pages) without generating it (migrations are applied first). Exit status 1 when
a page answers anything but 200 or 404."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _large_city_data import SLUG, generate  # bench/_large_city_data.py: the city drawn and written
from _postgres import fresh_database  # bench/_postgres.py: run as `python bench/x.py`
from _served import PYTHON, ROOT, app_environment, apply_migrations, migrate, served

sys.path.insert(0, str(ROOT))
PG_DATABASE = "bench_city"
FULL = {"calls": 10_000_000, "tickets": 3_000_000, "requests": 500_000, "acts": 200_000, "complaints": 100_000}
QUICK = {"calls": 6_000, "tickets": 2_000, "requests": 400, "acts": 200, "complaints": 100}
P95_GOAL_MS, PDF_GOAL_S = 30.0, 10.0
# Seconds a client reads a page before the next one, as bench/load.py's users (--no-think: none).
THINK = [0.2, 1.0]


# --- Under load ---------------------------------------------------------------------------------


def sessions_and_urls(count: int) -> tuple[str, list[str], dict[str, str]]:
    """`count` signed-in sessions of the quality manager (second factor included), and the URLs."""
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from accounts.testing import log_in_verified
    from core.models import Membership, Role

    manager = Membership.objects.get(organisation__slug=SLUG, role=Role.QUALITY_MANAGER).user
    cookies = []
    for _ in range(count):
        client = log_in_verified(Client(), manager)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    urls = {}
    for name, fallback in (
        ("dashboards:home", f"/o/{SLUG}/tableau-de-bord/"),
        ("commitments:overview", f"/o/{SLUG}/"),
        ("telephony:home", f"/o/{SLUG}/telephone/"),
    ):
        try:
            urls[name] = reverse(name, kwargs={"org_slug": SLUG})
        except NoReverseMatch:
            urls[name] = fallback
    return settings.SESSION_COOKIE_NAME, cookies, urls


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def load(base: str, path: str, cookie: str, sessions: list[str], seconds: float) -> tuple[list[float], int, int]:
    """Each session's client opens `path` in a loop for `seconds`: the times (ms) of the 200
    answers, the count of other answers, and the status of the first answer."""
    import requests

    first = requests.get(base + path, cookies={cookie: sessions[0]}, allow_redirects=False, timeout=120)
    if first.status_code != 200:
        return [], 0, first.status_code
    times: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(session: str) -> None:
        http, pause = requests.Session(), random.Random(session)
        http.cookies.set(cookie, session)
        mine, bad = [], 0
        while time.monotonic() < stop:
            if THINK[1]:
                time.sleep(pause.uniform(*THINK))
            began = time.perf_counter()
            response = http.get(base + path, allow_redirects=False, timeout=120)
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code == 200:
                mine.append(elapsed)
            else:
                bad += 1
        with lock:
            times.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=client, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures[0], 200


PDF_PROBE = """
import datetime as dt, django, json, re, sys, time
from pathlib import Path
django.setup()
from improvement.models import AnnualReview, SteeringMeeting


def high_water_mb():
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's across exec.
    return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1]) / 1024


try:
    from reports import steering
    render = getattr(steering, sys.argv[1])
except (ImportError, AttributeError):
    print(json.dumps({"absent": True}))
    raise SystemExit(0)
if sys.argv[1] == "meeting_pack_pdf":
    meetings = SteeringMeeting.objects.filter(organisation__slug=sys.argv[2], held=True)
    kwargs = {"meeting": meetings.order_by("-held_on")[0]}
else:
    reviews = AnnualReview.objects.filter(organisation__slug=sys.argv[2], year=dt.date.today().year - 1)
    kwargs = {"review": reviews.order_by("-number")[0]}
before = high_water_mb()
began = time.perf_counter()
pdf = render(**kwargs)
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "peak_mb": high_water_mb(), "before_mb": before, "bytes": len(pdf)}))
"""


def pdf_figures(env: dict[str, str]) -> None:
    for function, label in (("meeting_pack_pdf", "dossier du comité"), ("annual_review_pdf", "bilan annuel")):
        output = subprocess.run(
            [PYTHON, "-c", PDF_PROBE, function, SLUG], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        result = json.loads(output.stdout.strip().splitlines()[-1])
        if result.get("absent"):
            print(f"PDF {label} : absent (reports.steering.{function} n'existe pas encore)")
            continue
        verdict = "OK" if result["seconds"] < PDF_GOAL_S else "HORS BARRE"
        print(
            f"PDF {label} : {result['seconds']:.2f} s, mémoire résidente de pointe {result['peak_mb']:.0f} Mo "
            f"(dont {result['peak_mb'] - result['before_mb']:.0f} Mo pour le rendu), {result['bytes'] // 1024} Ko "
            f"[objectif < {PDF_GOAL_S:.0f} s : {verdict}]"
        )


def pages_under_load(
    env: dict[str, str], cookie: str, sessions: list[str], urls: dict[str, str], seconds: float
) -> int:
    errors = 0
    with served(env, workers=2, timeout=300, config=True, ready_within=120) as base:
        pause = f"pause de {THINK[0]:g} à {THINK[1]:g} s entre deux pages" if THINK[1] else "sans pause"
        print(
            f"\ngunicorn, 2 workers, {len(sessions)} clients connectés (responsable qualité), {pause}, "
            f"{seconds:g} s par page"
        )
        for name, label, goal in (
            ("dashboards:home", "accueil du responsable qualité", True),
            ("commitments:overview", "vue d'ensemble des engagements", True),
            ("telephony:home", "chiffres du téléphone (référence)", False),
        ):
            times, failures, status = load(base, urls[name], cookie, sessions, seconds)
            if status == 404:
                print(f"{label} ({urls[name]}) : page absente (404)")
                continue
            if status != 200 or not times:
                print(f"{label} ({urls[name]}) : réponse {status}")
                errors += 1
                continue
            p50, p95 = nearest_rank(times, 0.5), nearest_rank(times, 0.95)
            verdict = f" [objectif p95 ≤ {P95_GOAL_MS:.0f} ms : {'OK' if p95 <= P95_GOAL_MS else 'HORS BARRE'}]"
            print(
                f"{label} ({urls[name]}) : {len(times)} pages ({len(times) / seconds:.0f}/s), "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                f"{verdict if goal else ''}" + (f", {failures} réponses en erreur" if failures else "")
            )
            errors += failures
    return errors


# --- Running it ---------------------------------------------------------------------------------


def database(args: argparse.Namespace, work: Path) -> tuple[str, str]:
    if not args.postgres:
        return f"sqlite:///{work / 'ville.sqlite3'}", "SQLite"
    return fresh_database(PG_DATABASE, make_target="bench-city-postgres"), "PostgreSQL"


def database_size(url: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    else:
        path = Path(url.removeprefix("sqlite:///"))
        size = sum(part.stat().st_size for part in path.parent.glob(path.name + "*"))
    return f"{size / 1024**3:.2f} Go" if size > 1024**3 else f"{size / 1024**2:.0f} Mo"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 sites, 1 an, quelques milliers de lignes (CI)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplie les volumes (1 = 10 millions d'appels)")
    parser.add_argument("--seconds", type=float, default=None, help="durée de la charge par page (30 s)")
    parser.add_argument("--clients", type=int, default=8, help="clients simultanés (8)")
    parser.add_argument("--no-think", action="store_true", help="chaque client enchaîne les pages sans pause")
    parser.add_argument("--postgres", action="store_true", help="sur PostgreSQL (DATABASE_URL, voir le Makefile)")
    parser.add_argument("--keep", action="store_true", help="garder la base et le dossier de travail")
    parser.add_argument("--reuse", metavar="DATABASE_URL", help="mesurer une ville gardée (--keep), sans la refaire")
    args = parser.parse_args()
    if args.no_think:
        THINK[:] = [0.0, 0.0]
    sizes = {kind: max(1, round(count * args.scale)) for kind, count in (QUICK if args.quick else FULL).items()}
    sites, years = (2, 1) if args.quick else (10, 5)
    seconds = args.seconds or (3 if args.quick else 30)
    work = Path(tempfile.mkdtemp(prefix="bench-city-"))
    url, label = (args.reuse, args.reuse.split(":")[0]) if args.reuse else database(args, work)
    env = app_environment(work, url)
    os.environ.update(env)
    try:
        volumes = ", ".join(f"{count:,} {kind}".replace(",", " ") for kind, count in sizes.items())
        if args.reuse:
            print(f"Ville gardée sur {label} : {url}")
        else:
            print(f"Grande ville sur {label} : {sites} sites, {years} an(s), {volumes}")
        if args.reuse:
            apply_migrations(env)  # the kept city, brought up to date (a template copy would replace it)
        else:
            migrate(env)
        import django

        django.setup()
        if not args.reuse:
            began = time.perf_counter()
            generate(sizes, sites, years, dt.date.today())
            total = time.perf_counter() - began
            print(f"Génération : {total:.0f} s ({total / 60:.1f} min), base : {database_size(url)}")
            if not args.quick and args.scale >= 1:
                print(f"  rapport au but de 10 min : {total / 600:.2f}")
        cookie, sessions, urls = sessions_and_urls(args.clients)
        from django.db import connections

        connections.close_all()
        errors = pages_under_load(env, cookie, sessions, urls, seconds)
        pdf_figures(env)
        return 1 if errors else 0
    finally:
        if args.keep:
            print(f"Dossier de travail gardé : {work} (DATABASE_URL={url})")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
