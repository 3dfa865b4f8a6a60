"""The demo towns built once for the test modules that read them (demo/tests/test_demo.py and
tests/test_evidence_pack_demo.py ask for `shared_demo` in a module fixture): the build takes a
minute on SQLite, more on PostgreSQL, and both modules used to build the same towns each.

The towns are built inside a transaction that stays open while the tests that follow ask for
them, and is rolled back as soon as the next test does not (pytest_runtest_teardown below, once
pytest has torn down the module fixtures): no other test ever runs inside it, and a test asking
for the towns again later gets them built again. conftest.py deals these tests out first and
together, to one worker. Each module fixture or test works in a savepoint of that transaction,
so each module sees the towns as the build leaves them."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import TestCase

from core import registries
from core.models import Organisation
from demo import generator
from demo.appointments_data import AppointmentCounts, add_appointments
from demo.closing_data import close_last_year
from demo.improvement_data import add_improvement, validate_demo_review

TODAY = dt.date(2026, 11, 28)
FIXTURE = "shared_demo"


@dataclass(frozen=True)
class AppointmentsWritten:
    """What one town's `add_appointments` returned during the build, how long it took, and the
    months it told the indicator engine of, by metric prefix (none expected: `notify=False`)."""

    counts: AppointmentCounts
    seconds: float
    told: dict[str, set[dt.date]]


def _pending_months(town: Organisation) -> dict[str, set[dt.date]]:
    """The months the current transaction will tell the indicator engine of, for `town`."""
    pending = registries._pending_changes(town)
    return {prefix: set(months) for prefix, months in pending.months.items()} if pending else {}


def build_demo_towns() -> tuple[dict[str, Organisation], dict[str, Any], dict[str, AppointmentsWritten]]:
    """The towns as `load_demo` builds them (`demo.generator.build_demo`, with the on-commit
    recomputation of the indicator values run), last year closed by their quality manager; what
    `add_improvement` counted and what each town's `add_appointments` wrote. Inside the caller's
    transaction."""
    appointments: dict[str, AppointmentsWritten] = {}

    def add_appointments_watched(organisation, *, rng, today):
        before = _pending_months(organisation)
        started = time.perf_counter()
        counts = add_appointments(organisation, rng=rng, today=today)
        seconds = time.perf_counter() - started
        after = _pending_months(organisation)
        told = {prefix: months - before.get(prefix, set()) for prefix, months in after.items()}
        appointments[organisation.slug] = AppointmentsWritten(
            counts, seconds, {prefix: months for prefix, months in told.items() if months}
        )
        return counts

    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        mock.patch.object(generator, "add_appointments", add_appointments_watched),
    ):
        built = generator.build_towns(today=TODAY)
    counts = {town.slug: add_improvement(town, today=TODAY) for town in built}
    for town in built:
        validate_demo_review(town, today=TODAY)
        close_last_year(town, today=TODAY)
    # PostgreSQL's deferred foreign keys checked once here: checked at each test's end, they
    # would be checked again after each savepoint's rollback (15 s a test).
    connection.check_constraints()
    return {town.slug: town for town in built}, counts, appointments


class SharedDemo:
    """The open transaction holding the built towns, if any."""

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker
        self.opened: ExitStack | None = None
        self.built: Any = None

    def towns(self) -> tuple[dict[str, Organisation], dict[str, Any], dict[str, AppointmentsWritten]]:
        """The towns, built now unless the transaction holding them is still open. To be asked
        from a module fixture: pytest sets it up before the test's own `db` savepoint."""
        if self.opened is None:
            opened = ExitStack()
            opened.enter_context(self.blocker.unblock())
            opened.enter_context(transaction.atomic())
            try:
                self.built = build_demo_towns()
            except BaseException:
                transaction.set_rollback(True)
                opened.close()
                raise
            self.opened = opened
        return self.built

    def roll_back(self) -> None:
        if self.opened is not None:
            transaction.set_rollback(True)
            opened, self.opened, self.built = self.opened, None, None
            opened.close()


_open: list[SharedDemo] = []


@pytest.fixture(scope="session")
def shared_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[SharedDemo]:
    demo = SharedDemo(django_db_blocker)
    _open.append(demo)
    yield demo
    demo.roll_back()
    _open.remove(demo)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Once the test and the fixtures the next test does not share are torn down: the demo's
    transaction is rolled back unless the next test asks for it or belongs to the same module
    (a test there runs inside it, as it did inside the module's own build)."""
    try:
        return (yield)
    finally:
        module = getattr(item, "module", None)
        keep = nextitem is not None and (
            FIXTURE in getattr(nextitem, "fixturenames", ())
            or (module is not None and getattr(nextitem, "module", None) is module)
        )
        if not keep:
            for demo in _open:
                demo.roll_back()
