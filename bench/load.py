"""Load test: agents and citizens at once, through gunicorn on loopback, driven by locust.

    .venv/bin/python bench/load.py [--quick] [--seconds S] [--agents A] [--citizens C] [--postgres] [--keep]

1. A fresh database (a SQLite file, or with --postgres a fresh database on the server that
   DATABASE_URL names: `make bench-load-postgres` runs it on the throwaway cluster of
   .ci/postgres.sh), migrated, with one town, one account per agent and a paired kiosk tablet.
2. gunicorn started as the deployment guide starts it (docs/deployment.md: 3 workers), in
   production settings, with QUALIPILOTE_TRUSTED_PROXIES=127.0.0.1: the load stands for a
   reverse proxy that names each citizen in X-Forwarded-For, since the public form allows five
   complaints an hour per address.
3. locust (bench-only, requirements-dev.txt), in this process, for S seconds (120; 10 with
   --quick): A agents (6) log in, then open and send the written-request form, and take tickets
   on the ticket screen of a kiosk tablet paired in step 1 (its device cookie); C citizens
   (6) open and send the public complaint form, each time from a new
   address. A send counts as done when it answers with its redirect (302).
4. Prints requests per second, the 50th/95th/99th percentiles of the response times, the errors
   (any other answer, or none), and the rows lost: sends answered 302 whose row is not in the
   database, per kind. Exit status 1 on any error or any row lost (0 and 0 expected)."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import gevent
from _postgres import fresh_database  # bench/_postgres.py: run as `python bench/x.py`
from _served import app_environment, django_json, migrate, served
from locust import HttpUser, between, task
from locust.env import Environment

TOWN = "bench-charge"
PASSWORD = "mot-de-passe-du-banc-2026"  # noqa: S105 -- the bench agents' throwaway accounts
PG_DATABASE = "bench_load"
SETUP = f"""
import django, json
django.setup()
from core.models import Membership, Organisation, Role, Service, Site, User
from core.kiosk import create_device, pair_device
from core.registries import create_town_defaults
from django.utils import timezone
from reception.models import VisitReason
town = Organisation.objects.create(slug="{TOWN}", name="Ville du banc de charge")
site = Site.objects.create(organisation=town, name="Hôtel de ville")
service = Service.objects.create(organisation=town, site=site, code="accueil", name="Accueil")
create_town_defaults(organisation=town, actor=None)
reason = VisitReason.objects.create(organisation=town, label="État civil", service=service)
for number in range(int(__import__("sys").argv[1])):
    agent = User.objects.create_user(f"agent{{number}}@banc.test", "{PASSWORD}")
    Membership.objects.create(organisation=town, user=agent, role=Role.AGENT)
now = timezone.now()
_, code = create_device(organisation=town, actor=None, name="Tablette", site=site, screens=["ticket"], now=now)
device, token = pair_device(organisation=town, code=code, now=now)
print(json.dumps({{"site": site.pk, "reason": reason.pk, "kiosk": f"{{town.pk}}:{{token}}"}}))
"""
COUNT = f"""
import django, json
django.setup()
from complaints.models import Complaint
from correspondence.models import WrittenRequest
from reception.models import QueueTicket
mine = {{"organisation__slug": "{TOWN}"}}
print(json.dumps({{
    "requests": WrittenRequest.objects.filter(**mine).count(),
    "tickets": QueueTicket.objects.filter(**mine).count(),
    "complaints": Complaint.objects.filter(**mine).count(),
}}))
"""
KINDS = {"requests": "courriers enregistrés", "tickets": "tickets de la borne", "complaints": "réclamations"}

done: Counter[str] = Counter()
ids: dict[str, Any] = {}
agent_numbers = itertools.count()
citizen_addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def _sent(user: HttpUser, kind: str, path: str, data: dict[str, Any], **headers: str) -> None:
    """POST a form (with the CSRF cookie's token); done when it answers with its redirect."""
    data = {**data, "csrfmiddlewaretoken": user.client.cookies.get("csrftoken", "")}
    with user.client.post(path, data, headers=headers, allow_redirects=False, catch_response=True) as response:
        if response.status_code == 302:
            done[kind] += 1
            response.success()
        else:
            response.failure(f"réponse {response.status_code}")


class Agent(HttpUser):
    wait_time = between(0.2, 1.0)
    fixed_count = 6

    def on_start(self) -> None:
        self.client.get("/connexion/", name="connexion")
        email = f"agent{next(agent_numbers)}@banc.test"
        token = self.client.cookies.get("csrftoken", "")
        data = {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        self.client.post("/connexion/", data, name="connexion", allow_redirects=False)
        self.client.cookies.set("qualipilote_borne", ids["kiosk"], path="/borne/")  # the tablet's, beside

    @task
    def register_request(self) -> None:
        path = f"/o/{TOWN}/courriers/nouvelle/"
        self.client.get(path, name="courrier (formulaire)")
        data = {"channel": "letter", "received_on": dt.date.today().isoformat(), "subject": "Demande d'acte"}
        _sent(self, "requests", path, data)

    @task
    def issue_ticket(self) -> None:
        path = f"/borne/{TOWN}/ticket/"
        self.client.get(path, name="borne (page)")
        _sent(self, "tickets", path, {"reason": ids["reason"]})


class Citizen(HttpUser):
    wait_time = between(0.2, 1.0)
    fixed_count = 6

    @task
    def complain(self) -> None:
        path = f"/p/{TOWN}/reclamation/"
        address = next(citizen_addresses)
        self.client.get(path, headers={"X-Forwarded-For": address}, name="réclamation (formulaire)")
        data = {
            "kind": "reclamation",
            "subject": "Attente au guichet",
            "description": "J'ai attendu longtemps au guichet de l'état civil.",
            "citizen_name": "Usager du banc",
            "consent": "on",
            "website": "",
        }
        _sent(self, "complaints", path, data, **{"X-Forwarded-For": address})


def run_load(host: str, seconds: int) -> Environment:
    environment = Environment(user_classes=[Agent, Citizen], host=host)
    runner = environment.create_local_runner()
    users = Agent.fixed_count + Citizen.fixed_count
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.quit()
    return environment


def _database(args: argparse.Namespace, work: Path) -> tuple[str, str]:
    """The URL of the fresh database, and a label for the report."""
    if not args.postgres:
        return f"sqlite:///{work / 'charge.sqlite3'}", "SQLite"
    return fresh_database(PG_DATABASE, make_target="bench-load-postgres"), "PostgreSQL"


def report(environment: Environment, seconds: int, stored: dict[str, int], label: str) -> int:
    total = environment.stats.total
    rps = total.num_requests / seconds
    print(f"\nCharge sur {label} : {Agent.fixed_count} agents et {Citizen.fixed_count} citoyens pendant {seconds} s")
    print(f"requêtes : {total.num_requests}, soit {rps:.1f} par seconde")
    percentiles = [total.get_response_time_percentile(share) for share in (0.5, 0.95, 0.99)]
    print("temps de réponse : p50 {:.0f} ms, p95 {:.0f} ms, p99 {:.0f} ms".format(*percentiles))
    print(f"erreurs : {total.num_failures}")
    for error in environment.stats.errors.values():
        print(f"  {error.occurrences} × {error.method} {error.name} : {error.error}")
    lost = 0
    for kind, name in KINDS.items():
        missing = done[kind] - stored[kind]
        lost += max(missing, 0)
        print(f"{name} : {done[kind]} envoyés avec succès, {stored[kind]} en base, {max(missing, 0)} perdus")
    print(f"lignes perdues : {lost}")
    return 1 if total.num_failures or lost or total.num_requests == 0 else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 secondes, pour la CI")
    parser.add_argument("--seconds", type=int, default=None, help="durée de la charge (120 s)")
    parser.add_argument("--agents", type=int, default=6, help="agents connectés (6)")
    parser.add_argument("--citizens", type=int, default=6, help="citoyens sur le formulaire public (6)")
    parser.add_argument("--postgres", action="store_true", help="sur PostgreSQL (DATABASE_URL, voir le Makefile)")
    parser.add_argument("--keep", action="store_true", help="garder le dossier de travail")
    args = parser.parse_args()
    seconds = args.seconds or (10 if args.quick else 120)
    Agent.fixed_count, Citizen.fixed_count = args.agents, args.citizens
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    url, label = _database(args, work)
    env = app_environment(work, url, QUALIPILOTE_TRUSTED_PROXIES="127.0.0.1")
    try:
        migrate(env)
        ids.update(django_json(SETUP, env, str(args.agents)))
        with served(env, workers=3) as host:
            began = time.perf_counter()
            environment = run_load(host, seconds)
            elapsed = round(time.perf_counter() - began)
        return report(environment, elapsed, django_json(COUNT, env), label)
    finally:
        if args.keep:
            print(f"Dossier de travail gardé : {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
