"""The database refuses to rewrite the journal, on SQLite as on PostgreSQL
(docs/adr/0017-backups-and-a-tamper-evident-journal.md).

SQLite: triggers refuse UPDATE and DELETE (a `DELETE FROM` without WHERE included: SQLite
skips its truncate shortcut when a table has a DELETE trigger). They replace the UPDATE trigger
of migration 0002, which the table rebuilds of migration 0012 dropped.
PostgreSQL: the row trigger of migration 0002 already refuses UPDATE and DELETE; a statement
trigger now refuses TRUNCATE too, and the refusal speaks French.

The test harness empties tables between tests: it lifts these triggers for its flush only
(conftest.py), never the application."""

from django.db import migrations

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : modification refusée'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : suppression refusée'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION USING MESSAGE = 'journal en ajout seul : ' || TG_OP || ' refusé'; END; $$;""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$;""",
]


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("core", "0012_journal_hash_chain")]
    operations = [migrations.RunPython(forward, backward)]
