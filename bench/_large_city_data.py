"""The seeded large city of bench/large_city.py, drawn and written: its organisation, sites,
people and commitments (as the demo towns have them), years of calls, counter tickets, written
and act requests and complaints drawn here as plain tuples and written raw (`executemany` on
SQLite, `COPY` on PostgreSQL), then their summaries, indicator values and improvement loop
through the product's own code. Not a benchmark itself: `make bench-quick` runs the bench/*.py
files whose name does not start with "_"."""

from __future__ import annotations

import datetime as dt
import math
import random
import string
import time
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

SLUG = "grande-ville"
SEED = 2026
PARIS = ZoneInfo("Europe/Paris")
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
                     "citizen_name", "citizen_email", "citizen_phone", "citizen_address", "answer", "status",
                     "acknowledge_due_on",
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
                "", "", "", "", "", status, days.add(day, 2), days.add(day, 10), min(acknowledged, answered),
                answered_on, closed_on, justified, action if justified == "yes" else "", "", f"{day} 09:00:00{suffix}",
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
