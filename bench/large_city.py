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
   complaints (`--scale` multiplies the counts). Rows are drawn here as plain tuples and
   written raw, as design.md asks of large writes: `executemany` on SQLite's own connection,
   `COPY` on PostgreSQL. The demo's per-event simulation (queues, agents, tallied weeks:
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
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import fresh_database  # bench/_postgres.py: run as `python bench/x.py`
from _served import PYTHON, ROOT, app_environment, migrate, served

sys.path.insert(0, str(ROOT))
PG_DATABASE = "bench_city"
SLUG = "grande-ville"
SEED = 2026
PARIS = ZoneInfo("Europe/Paris")
FULL = {"calls": 10_000_000, "tickets": 3_000_000, "requests": 500_000, "acts": 200_000, "complaints": 100_000}
QUICK = {"calls": 6_000, "tickets": 2_000, "requests": 400, "acts": 200, "complaints": 100}
P95_GOAL_MS, PDF_GOAL_S = 30.0, 10.0
# Seconds a client reads a page before the next one, as bench/load.py's users (--no-think: none).
THINK = [0.2, 1.0]
SQLITE_CACHE_KB = 512 * 1024
OPEN_SLOTS = ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 17 * 60 + 30))
DAY_SHAPE = (1.25, 1.0, 1.0, 1.05, 0.9, 0.35, 0.15)  # Monday to Sunday


def phase(label: str) -> Callable[[], None]:
    began = time.perf_counter()
    print(f"{label}…", flush=True)

    def done() -> None:
        print(f"  {label} : {time.perf_counter() - began:.1f} s", flush=True)

    return done


# --- The city ---------------------------------------------------------------------------------


def build_city(sites: int, today: dt.date) -> Any:
    """The organisation, its sites and services, people of every role, opening hours, the
    Qualivilles commitments and a year of manual values (as the demo towns have them)."""
    from commitments.frameworks import load_framework
    from core.models import Membership, OpeningHours, Organisation, Role, Service, Site, User
    from demo.generator import DEMO_PASSWORD, enter_manual_values
    from telephony.models import PhoneLine

    city = Organisation.objects.create(slug=SLUG, name="Ville de Grandeville (banc)", brand_color="#234a6b")
    for number in range(sites):
        site = Site.objects.create(
            organisation=city, name=f"Mairie de quartier {number + 1}" if number else "Hôtel de ville"
        )
        suffix = f"-{number + 1}" if number else ""
        for code, name in (("accueil", "Accueil"), ("etat-civil", "État civil")):
            service = Service.objects.create(
                organisation=city, site=site, code=code + suffix, name=f"{name} {site.name}"
            )
            PhoneLine.objects.create(organisation=city, code=code + suffix, name=service.name, service=service)
        OpeningHours.objects.bulk_create(
            OpeningHours(organisation=city, site=site, weekday=weekday, opens_at=dt.time(a // 60, a % 60),
                         closes_at=dt.time(b // 60, b % 60))
            for weekday in range(5) for a, b in OPEN_SLOTS
        )  # fmt: skip
    roles = [("qualite", Role.QUALITY_MANAGER), ("admin", Role.ADMIN), ("direction", Role.READER)]
    roles += [(f"agent{n}", Role.AGENT) for n in range(1, 5)]
    for name, role in roles:
        user = User.objects.create_user(f"{name}@grandeville.example", DEMO_PASSWORD, full_name=name.capitalize())
        Membership.objects.create(organisation=city, user=user, role=role)
    load_framework(organisation=city, code="qualivilles")
    enter_manual_values(city, random.Random(SEED), today)
    return city


class Writer:
    """Raw fast writes of one table: executemany on SQLite's own connection, COPY on PostgreSQL.
    Rows are tuples in `columns` order; datetimes are UTC text."""

    def __init__(self, table: str, columns: tuple[str, ...]) -> None:
        from django.db import connection

        self.connection, self.table, self.columns, self.rows = connection, table, columns, 0
        names = ", ".join(columns)
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        self.copy = f"COPY {table} ({names}) FROM STDIN"

    def write(self, rows: Iterator[tuple[Any, ...]], batch: int = 20_000) -> int:
        self.connection.ensure_connection()
        raw = self.connection.connection
        if self.connection.vendor == "postgresql":
            rows = iter(rows)
            first = next(rows, None)  # the generator's own queries, before COPY holds the connection
            if first is None:
                return self.rows
            with raw.cursor() as cursor, cursor.copy(self.copy) as copy:
                copy.write_row(first)
                self.rows += 1
                for row in rows:
                    copy.write_row(row)
                    self.rows += 1
            return self.rows
        # A page cache for the indexes of a table of millions of rows (SQLite's default is 2 MB).
        raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                raw.executemany(self.sql, chunk)
                self.rows += len(chunk)
                chunk.clear()
        raw.executemany(self.sql, chunk)
        self.rows += len(chunk)
        return self.rows


class Days:
    """The city's days and working days over the span, and due dates (memoised)."""

    def __init__(self, city: Any, first: dt.date, last: dt.date) -> None:
        from core.workdays import calendar_for

        self.calendar = calendar_for(city)
        span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        self.all = span
        self.open = [day for day in span if day.weekday() < 6 and self.calendar.is_working_day(day, business=True)]
        self._due: dict[tuple[dt.date, int], dt.date] = {}

    def add(self, day: dt.date, count: int) -> dt.date:
        key = (day, count)
        if key not in self._due:
            self._due[key] = self.calendar.add_working_days(day, count)
        return self._due[key]


def day_clock(day: dt.date, suffix: str) -> Callable[[float], str]:
    """The UTC text of a local minute of `day`, by integer arithmetic (a datetime per value
    costs three times as much); the city's hours, 07:00 to 19:30, never cross midnight UTC."""
    offset = dt.datetime.combine(day, dt.time(12), PARIS).utcoffset()
    shift, prefix = int(offset.total_seconds()) if offset else 0, f"{day} "

    def at(minute: float) -> str:
        hour, rest = divmod(int(minute * 60) - shift, 3600)
        return f"{prefix}{hour:02d}:{rest // 60:02d}:{rest % 60:02d}{suffix}"

    return at


def _per_day(total: int, days: list[dt.date], channels: int) -> list[tuple[dt.date, int]]:
    """How many events each open day gets (Mondays busier, Saturdays quiet), over `channels`."""
    weights = [DAY_SHAPE[day.weekday()] for day in days]
    scale, drawn, given = total / sum(weights) / channels, 0.0, 0
    shares = []
    for day, weight in zip(days, weights, strict=True):
        drawn += weight * scale
        shares.append((day, round(drawn) - given))
        given = round(drawn)
    return shares


CALL_COLUMNS = ("organisation_id", "line_id", "service_id", "started_at", "answered_at", "ended_at", "outcome",
                "wait_seconds", "talk_seconds", "in_hours", "caller_hash", "local_date", "local_month", "weekday",
                "half_hour", "origin", "source_id", "dedupe_key", "version")  # fmt: skip


def call_rows(city: Any, days: Days, total: int, suffix: str, source_id: int) -> Iterator[tuple[Any, ...]]:
    from telephony.models import PhoneLine

    rng, sequence = random.Random(SEED), 0
    lines = list(PhoneLine.objects.for_org(city).order_by("pk").values_list("pk", "service_id"))
    for day, count in _per_day(total, days.open, len(lines)):
        at, iso, month, weekday = day_clock(day, suffix), day.isoformat(), day.replace(day=1).isoformat(), day.weekday()
        for line_id, service_id in lines:
            for _ in range(count):
                sequence += 1
                a, b = OPEN_SLOTS[0] if rng.random() < 0.6 else OPEN_SLOTS[1]
                minute = rng.uniform(a, b) if rng.random() < 0.95 else rng.uniform(7 * 60, 19 * 60)
                in_hours = weekday < 5 and (510 <= minute < 720 or 810 <= minute < 1050)  # OPEN_SLOTS
                draw = rng.random()
                wait = int(8 * math.exp(rng.gauss(0, 0.6))) if draw < 0.9 and in_hours else None
                talk = 40 + int(rng.random() * 361) if wait is not None else 0  # randint costs three times as much
                ring = wait if wait is not None else 8 + int(rng.random() * 53)
                outcome = "answered" if wait is not None else ("abandoned" if draw < 0.96 else "voicemail")
                yield (
                    city.pk, line_id, service_id, at(minute),
                    None if wait is None else at(minute + wait / 60),
                    at(minute + (ring + talk) / 60), outcome, wait, talk, in_hours, "",
                    iso, month, weekday, int(minute // 30), "import", source_id, f"ville-{sequence:09d}", 0,
                )  # fmt: skip


TICKET_COLUMNS = ("organisation_id", "site_id", "service_id", "number", "status", "issued_at", "called_at",
                  "started_at", "ended_at", "wait_seconds", "recall_count", "local_date", "local_month", "weekday",
                  "half_hour", "dedupe_key")  # fmt: skip


def ticket_rows(city: Any, days: Days, total: int, suffix: str) -> Iterator[tuple[Any, ...]]:
    from core.models import Service

    rng, sequence = random.Random(SEED + 1), 0
    services = list(Service.objects.for_org(city).filter(code__startswith="accueil").values_list("pk", "site_id"))
    for day, count in _per_day(total, days.open, len(services)):
        at, iso, month, weekday = day_clock(day, suffix), day.isoformat(), day.replace(day=1).isoformat(), day.weekday()
        for service_id, site_id in services:
            for number in range(1, count + 1):
                sequence += 1
                a, b = OPEN_SLOTS[number % 2]
                minute = rng.uniform(a, b - 10)
                wait = rng.expovariate(1 / 6.5)
                left = wait > 15 + rng.expovariate(1 / 35)
                duration = 8 * math.exp(rng.gauss(0, 0.5))
                called = None if left else at(minute + wait)
                yield (
                    city.pk, site_id, service_id, f"A{number:03d}", "left" if left else "served",
                    at(minute), called,
                    None if left else at(minute + wait + 0.5),
                    None if left else at(minute + wait + 0.5 + duration),
                    None if left else round(wait * 60), 0, iso, month, weekday, int(minute // 30),
                    f"guichet-{sequence:09d}",
                )  # fmt: skip


REQUEST_COLUMNS = ("organisation_id", "version", "reference", "service_id", "created_at", "received_on",
                   "deadline_days", "business_days", "due_on", "channel", "subject", "requester_name",
                   "requester_contact", "acknowledged_on", "answered_on", "closed_on", "status")  # fmt: skip


def request_rows(city: Any, days: Days, total: int, today: dt.date, suffix: str) -> Iterator[tuple[Any, ...]]:
    from core.models import Service
    from correspondence.actions import WORKFLOW

    rng, numbers = random.Random(SEED + 2), dict[int, int]()
    services = list(Service.objects.for_org(city).filter(code__startswith="accueil").values_list("pk", flat=True))
    channels, subjects = ("letter", "email", "web"), ("Éclairage public", "Urbanisme", "Location de salle")
    for day, count in _per_day(total, days.open, 1):
        for _ in range(count):
            numbers[day.year] = numbers.get(day.year, 0) + 1
            due = days.add(day, 15)
            answered = days.add(day, rng.randint(1, 14) if rng.random() > 0.05 else rng.randint(16, 22))
            answered_on = answered if answered < today else None
            closed_on = answered if answered_on and answered < today - dt.timedelta(days=3) else None
            status = "closed" if closed_on else "answered" if answered_on else "acknowledged"
            yield (
                city.pk, 0, WORKFLOW.numbering.reference(day.year, numbers[day.year]), rng.choice(services),
                f"{day} 09:00:00{suffix}", day, 15, False, due, rng.choice(channels), rng.choice(subjects), "", "",
                day, answered_on, closed_on, status,
            )  # fmt: skip


ACT_COLUMNS = ("organisation_id", "version", "reference", "service_id", "created_at", "received_on",
               "deadline_days", "business_days", "due_on", "act_type", "act_format", "channel", "copies",
               "delivered_on", "status")  # fmt: skip


def act_rows(city: Any, days: Days, total: int, today: dt.date, suffix: str) -> Iterator[tuple[Any, ...]]:
    from civil_registry.actions import WORKFLOW
    from core.models import Service

    rng, numbers = random.Random(SEED + 3), dict[int, int]()
    services = list(Service.objects.for_org(city).filter(code__startswith="etat-civil").values_list("pk", flat=True))
    for day, count in _per_day(total, days.open, 1):
        for _ in range(count):
            numbers[day.year] = numbers.get(day.year, 0) + 1
            delivered = days.add(day, rng.randint(0, 3) if rng.random() > 0.04 else rng.randint(6, 9))
            delivered_on = delivered if delivered < today else None
            yield (
                city.pk, 0, WORKFLOW.numbering.reference(day.year, numbers[day.year]), rng.choice(services),
                f"{day} 09:00:00{suffix}", day, 5, False, days.add(day, 5), rng.choice(("birth", "marriage", "death")),
                "full", rng.choice(("post", "web", "comedec")), 1, delivered_on,
                "delivered" if delivered_on else "pending",
            )  # fmt: skip


COMPLAINT_COLUMNS = ("organisation_id", "version", "tracking_number", "kind", "channel", "received_on",
                     "received_month", "service_id", "commitment_code", "commitment_label", "subject", "description",
                     "citizen_name", "citizen_email", "citizen_phone", "answer", "status", "acknowledge_due_on",
                     "answer_due_on", "acknowledged_on", "answered_on", "closed_on", "justified", "action_note",
                     "import_key", "created_at", "updated_at")  # fmt: skip
TOPICS = (("8", "Attente trop longue à l'accueil", "Deuxième guichet le lundi matin"),
          ("16", "Personne ne décroche", "Renvoi d'appel vers un second poste"),
          ("17", "Courrier resté sans réponse", "Relance des courriers à J+10"),
          ("19", "Acte non reçu", ""))  # fmt: skip


def complaint_rows(city: Any, days: Days, total: int, today: dt.date, suffix: str) -> Iterator[tuple[Any, ...]]:
    from core.models import Service
    from core.registries import commitment_choices

    rng, seen = random.Random(SEED + 4), set[str]()
    labels = dict(commitment_choices(city))
    services = list(Service.objects.for_org(city).values_list("pk", flat=True))
    alphabet = string.ascii_uppercase + string.digits
    for day, count in _per_day(total, days.all, 1):
        for _ in range(count):
            number = f"R{day.year}-" + "".join(rng.choices(alphabet, k=8))
            if number in seen:
                continue
            seen.add(number)
            code, subject, action = rng.choice(TOPICS)
            acknowledged, answered = days.add(day, rng.choice((0, 1, 2, 4))), days.add(day, rng.randint(2, 13))
            answered_on = answered if answered < today else None
            closed_on = answered if answered_on and answered < today - dt.timedelta(days=5) else None
            justified = rng.choice(("yes", "no")) if answered_on else "undetermined"
            status = "closed" if closed_on else "answered" if answered_on else "acknowledged"
            yield (
                city.pk, 0, number, "complaint", rng.choice(("counter", "phone", "email", "web")), day,
                day.replace(day=1), rng.choice(services), code, labels.get(code, ""), subject, "Réclamation du banc.",
                "", "", "", "", status, days.add(day, 2), days.add(day, 10), min(acknowledged, answered), answered_on,
                closed_on, justified, action if justified == "yes" else "", "", f"{day} 09:00:00{suffix}",
                f"{day} 09:00:00{suffix}",
            )  # fmt: skip


def generate(sizes: dict[str, int], sites: int, years: int, today: dt.date) -> Any:
    """The city, its raw records, their summaries and indicator values, its improvement loop."""
    from django.db import connection, transaction

    from civil_registry.actions import WORKFLOW as ACTS
    from core.registries import create_town_defaults, records_changed
    from correspondence.actions import WORKFLOW as REQUESTS
    from demo.improvement_data import add_improvement
    from demo.phone_activity import exchange_source
    from reception.actions import after_tickets_written
    from telephony.actions import refresh_calls

    suffix = "+00" if connection.vendor == "postgresql" else ""
    first = dt.date(today.year - years, today.month, 1)
    done = phase("Ville, engagements et valeurs saisies")
    with transaction.atomic():
        city = build_city(sites, today)
        create_town_defaults(organisation=city, actor=None)
    done()
    days = Days(city, first, today - dt.timedelta(days=1))
    months = sorted({day.replace(day=1) for day in days.all})
    with transaction.atomic():
        source = exchange_source(city)
        written = {}
        for kind, table, columns, rows in (
            ("calls", "telephony_call", CALL_COLUMNS, call_rows(city, days, sizes["calls"], suffix, source.pk)),
            ("tickets", "reception_queueticket", TICKET_COLUMNS, ticket_rows(city, days, sizes["tickets"], suffix)),
            ("requests", "correspondence_writtenrequest", REQUEST_COLUMNS,
             request_rows(city, days, sizes["requests"], today, suffix)),
            ("acts", "civil_registry_actrequest", ACT_COLUMNS, act_rows(city, days, sizes["acts"], today, suffix)),
            ("complaints", "complaints_complaint", COMPLAINT_COLUMNS,
             complaint_rows(city, days, sizes["complaints"], today, suffix)),
        ):  # fmt: skip
            done = phase(f"Écriture brute : {kind}")
            written[kind] = Writer(table, columns).write(rows)
            done()
            print(f"  {written[kind]:,} lignes".replace(",", " "), flush=True)
        for numbering in (REQUESTS.numbering, ACTS.numbering):
            _follow(city, numbering)
        done = phase("Résumés mensuels (appels, tickets)")
        refresh_calls(organisation=city, months=months)
        after_tickets_written(organisation=city, months=months)
        done()
        for prefix in ("correspondence", "civil_registry", "complaints"):
            records_changed(organisation=city, metric_prefix=prefix, months=set(months))
        done = phase("Valeurs des indicateurs (à la validation de la transaction)")
    done()
    done = phase("Comités, actions, bilan (demo.improvement_data)")
    counts = add_improvement(city, today=today)
    done()
    print(f"  {counts}", flush=True)
    return city


def _follow(city: Any, numbering: Any) -> None:
    """The register's counters past the numbers written (the next registration continues)."""
    from django.db import connection

    table = {"requests": "correspondence_writtenrequest", "acts": "civil_registry_actrequest"}[numbering.register]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reference FROM {table} WHERE organisation_id = %s", [city.pk])
        numbering.follow(city.pk, (row[0] for row in cursor.fetchall()))


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
