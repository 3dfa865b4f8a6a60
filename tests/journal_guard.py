"""The test harness's only way around the journal's guard (migrations 0002 and 0013): its
triggers are lifted while the harness empties the tables between tests, and while a tampering
test plays the attacker who dropped them. Never imported by the application."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations

TABLE = "core_auditevent"


@contextmanager
def journal_guard_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Within one transaction: the journal's triggers dropped (SQLite) or disabled
    (PostgreSQL), then put back exactly as they were."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            yield
            return
        saved: list[tuple[str, str]] = []
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            saved = list(cursor.fetchall())
            for name, _ in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
        elif connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        yield
        for _, sql in saved:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


_plain_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_with_guard_lifted(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
    with journal_guard_lifted(self.connection):
        _plain_flush(self, sql_list)


def lift_guard_for_flushes() -> None:
    """Let the test runner's flush (`DELETE FROM` on SQLite, `TRUNCATE` on PostgreSQL) empty the
    journal between transactional tests."""
    BaseDatabaseOperations.execute_sql_flush = _flush_with_guard_lifted  # type: ignore[method-assign]
