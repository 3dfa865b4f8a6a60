"""Fixtures shared by every app's tests: two towns, created with the defaults every app gives a
new town (core.registries.create_town_defaults), and a member of each role."""

import datetime as dt
import functools
import inspect
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.plugin import validate_django_db

from accounts.testing import log_in_verified
from core import registries
from core.audit import record_event
from core.models import ROLES_WITH_END_DATE, Membership, Organisation, Role, Service, Site, User
from core.registries import create_town_defaults
from tests.journal_guard import lift_guard_for_flushes

PASSWORD = "motdepasse-de-test-2026"

# The demo towns, built once for the modules that read them (the `shared_demo` fixture).
pytest_plugins = ["tests.shared_demo"]
SHARED_DEMO = "shared_demo"

# The journal refuses DELETE and TRUNCATE (core migration 0013): the harness alone lifts that
# guard, for the flush that empties the tables between transactional tests.
lift_guard_for_flushes()

# What a test asks of the database, pytest-django's way: its marker or these fixtures; a fixture
# of ours that opens the database itself (django_db_blocker, as a module's demo build) counts too.
DATABASE_FIXTURES = {"db", "django_db_reset_sequences", "django_db_serialized_rollback"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def _our_fixtures(item: pytest.Item) -> list[Any]:
    """The fixtures of the test's closure defined in this project (not by pytest or a plugin)."""
    root = item.config.rootpath
    ours = []
    for definitions in item._fixtureinfo.name2fixturedefs.values():  # type: ignore[attr-defined]
        for definition in definitions:
            path = Path(inspect.getfile(definition.func)).resolve()
            if path.is_relative_to(root) and not path.is_relative_to(root / ".venv"):
                ours.append(definition)
    return ours


def database_use(item: pytest.Item) -> str:
    """How the test reaches the database: "transactional" (it commits: browser, live server,
    processes), "db" (inside a transaction rolled back at its end) or "none"."""
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return "transactional"
    if fixtures & TRANSACTIONAL_FIXTURES:
        return "transactional"
    if marker is not None or fixtures & DATABASE_FIXTURES:
        return "db"
    if any({"django_db_blocker", "django_db_setup"} & set(fixture.argnames) for fixture in _our_fixtures(item)):
        return "db"
    return "none"


def shares_a_wider_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture of ours built once for its module (test_demo's demo)."""
    return any(fixture.scope in ("class", "module", "package") for fixture in _our_fixtures(item))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (`make test-postgres`), the tests that never reach the database are left
    out: they run exactly as in the SQLite run."""
    if connection.vendor != "postgresql":
        return
    left_out = [item for item in items if database_use(item) == "none"]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if database_use(item) != "none"]


class HeaviestFirst:
    """The order in which `--dist worksteal` deals the tests out (`make test`): it gives each
    worker half of them in this order, then moves the last ones left of the busier worker to the
    idle one, so the quick tests go last for both workers to end together. First the tests of
    the demo's towns (test_demo and the evidence pack's, one after the other: they share one
    build, tests/shared_demo.py), then the other modules sharing a fixture built once for them
    (begun at once, never split between workers), then the transactional tests (browser, live
    server, processes: seconds each), then the database tests, then the others; each kind in
    pytest-django's order. A run on one process keeps pytest-django's order."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not hasattr(config, "workerinput"):
            return
        rank = {"transactional": 2, "db": 3, "none": 4}

        def order(item: pytest.Item) -> int:
            if SHARED_DEMO in getattr(item, "fixturenames", ()):
                return 0
            return 1 if shares_a_wider_fixture(item) else rank[database_use(item)]

        items.sort(key=order)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(HeaviestFirst(), "qualipilote-heaviest-first")


@functools.cache
def migrated_template() -> Path | None:
    """A SQLite file migrated beforehand (QUALIPILOTE_TEST_TEMPLATE: `make pytest` makes one,
    beside the checks under `make test`), when the suite runs on SQLite and the file holds
    exactly the migrations of this tree: each worker copies it instead of running them again (a
    quarter of a minute of CPU each, Django's migration states)."""
    path = Path(os.environ.get("QUALIPILOTE_TEST_TEMPLATE", "/nonexistent"))
    if connection.vendor != "sqlite" or not path.is_file():
        return None
    from django.db.migrations.loader import MigrationLoader

    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as template:
        applied = set(template.execute("SELECT app, name FROM django_migrations"))
    return path if applied == set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations) else None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> None:
    """With a migrated template, the test database is first made from the models (seconds),
    then replaced whole by the template (django_db_setup below)."""
    if migrated_template() is not None:
        connection.settings_dict["TEST"]["MIGRATE"] = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    template = migrated_template()
    if template is None:
        return
    from django.contrib.contenttypes.models import ContentType

    with django_db_blocker.unblock(), closing(sqlite3.connect(template)) as source:
        connection.ensure_connection()
        source.backup(connection.connection)
    ContentType.objects.clear_cache()  # the ids the tables made from the models gave them


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Each test starts with empty caches: a page cached under a mark of one test's town
    (commitments.queries.values_marker) must not answer in the next, whose ids start over."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def org(db: None) -> Organisation:
    town = Organisation.objects.create(slug="ville-test", name="Ville de Test")
    site = Site.objects.create(organisation=town, name="Hôtel de ville")
    Service.objects.create(organisation=town, site=site, code="accueil", name="Accueil")
    Service.objects.create(organisation=town, site=site, code="etat-civil", name="État civil")
    create_town_defaults(organisation=town, actor=None)
    return town


@pytest.fixture
def other_org(db: None) -> Organisation:
    town = Organisation.objects.create(slug="autre-ville", name="Autre Ville", holiday_zone="57")
    site = Site.objects.create(organisation=town, name="Mairie annexe")
    Service.objects.create(organisation=town, site=site, code="accueil", name="Accueil")
    create_town_defaults(organisation=town, actor=None)
    return town


@pytest.fixture
def make_member(db: None) -> Callable[..., User]:
    def make(organisation: Organisation, role: str, email: str | None = None) -> User:
        email = email or f"{role}@{organisation.slug}.test"
        user = User.objects.create_user(email, PASSWORD, full_name=f"{role} {organisation.name}")
        ends_on = dt.date(2099, 12, 31) if role in ROLES_WITH_END_DATE else None
        Membership.objects.create(organisation=organisation, user=user, role=role, ends_on=ends_on)
        return user

    return make


@pytest.fixture
def client_as(make_member: Callable[..., User]) -> Callable[[Organisation, str], Client]:
    """A logged-in test client for a new member of `organisation` with `role`."""

    def make(organisation: Organisation, role: str) -> Client:
        return log_in_verified(Client(), make_member(organisation, role))

    return make


@pytest.fixture
def manager_client(org: Organisation, client_as: Callable[[Organisation, str], Client]) -> Client:
    return client_as(org, Role.QUALITY_MANAGER)


@pytest.fixture
def admin_client_org(org: Organisation, client_as: Callable[[Organisation, str], Client]) -> Client:
    return client_as(org, Role.ADMIN)


@pytest.fixture
def outsider_client(other_org: Organisation, client_as: Callable[[Organisation, str], Client]) -> Client:
    """An administrator of another town: must see nothing of `org`."""
    return client_as(other_org, Role.ADMIN)


@pytest.fixture
def recomputations() -> Iterator[list[tuple[str, str, list[dt.date]]]]:
    """What the indicator engine is asked to recompute, heard through core.registries:
    (town slug, metric prefix, months), in the order heard."""
    heard: list[tuple[str, str, list[dt.date]]] = []

    def listener(organisation: Organisation, changes: dict[str, set[dt.date]]) -> None:
        heard.extend((organisation.slug, prefix, sorted(months)) for prefix, months in changes.items())

    registries.CHANGES_LISTENERS.register("test", listener)
    yield heard
    registries.CHANGES_LISTENERS.unregister("test")


@pytest.fixture
def add_history(make_member: Callable[..., User]) -> Callable[..., None]:
    """Give `record` `count` more log rows (made by `log(actor)`) and audit events, each by
    another member of its town: a page showing a history must read them in a fixed number of
    queries, however many people took part."""

    def add(record: Any, log: Callable[[User], Any], count: int = 8) -> None:
        for number in range(count):
            email = f"historique{number}@{record.organisation.slug}.test"
            actor = make_member(record.organisation, Role.AGENT, email=email)
            actor.full_name = f"Personne n° {number}"
            actor.save(update_fields=["full_name"])
            log(actor).save()
            record_event(organisation=record.organisation, actor=actor, instance=record, action="update", after={})

    return add


@pytest.fixture
def page_queries() -> Callable[..., int]:
    """How many queries a GET of a page runs (the page must answer 200). A list page's test
    calls it on a small and a large data set and asserts the two counts are equal."""

    def count(client: Client, address: str, params: dict[str, Any] | None = None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address, params or {})
        assert response.status_code == 200, (address, response.status_code)
        return len(captured.captured_queries)

    return count


@pytest.fixture
def kiosk_client(db: None) -> Callable[..., Client]:
    """A test client of a tablet paired with `organisation` through the product's own actions
    (a code asked for, then typed): kiosk_client(org, screens=("ticket",)); every screen by default. Its `device`
    attribute is the KioskDevice; nobody is logged in."""
    from django.utils import timezone

    from core import kiosk

    def make(
        organisation: Organisation,
        screens: tuple[str, ...] = ("ticket", "enquete", "salle-attente", "rendez-vous"),
        site: Site | None = None,
    ) -> Client:
        site = site or Site.objects.filter(organisation=organisation).first()
        assert site is not None
        now = timezone.now()
        device, code = kiosk.create_device(
            organisation=organisation, actor=None, name="Tablette du hall", site=site, screens=screens, now=now
        )
        device, token = kiosk.pair_device(organisation=organisation, code=code, now=now)
        client = Client()
        client.cookies[kiosk.COOKIE_NAME] = f"{organisation.pk}:{token}"
        client.device = device  # type: ignore[attr-defined]
        return client

    return make
