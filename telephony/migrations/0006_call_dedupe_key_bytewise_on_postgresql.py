"""PostgreSQL compares the calls' dedupe keys byte by byte (collation "C").

A dedupe key is an identifier, never shown nor sorted for a reader, but the unique index
`(organisation, dedupe_key)` compares keys at every call imported. Under the database's
language collation (fr_FR.UTF-8, or even C.UTF-8 with PostgreSQL 15) each comparison goes
through the C library's locale-aware `strcoll`; under "C" it is a `memcmp`. Same keys, same
uniqueness (both collations are deterministic). Measured on PostgreSQL 15 under C.UTF-8,
200,000 calls copied: the unique index's share of the server's time fell from 0.62 s to 0.23 s.

SQLite compares text byte by byte already (BINARY) and has no "C" collation, so the model
field keeps Django's default and this migration changes PostgreSQL only, like
core/migrations/0002_audit_append_only.py. A later `AlterField` of `dedupe_key` would bring
the default collation back (PostgreSQL's `ALTER COLUMN … TYPE` without `COLLATE`): the test
`test_postgresql_compares_the_calls_dedupe_keys_byte_by_byte` says so on PostgreSQL."""

from django.db import migrations

FORWARD = 'ALTER TABLE telephony_call ALTER COLUMN dedupe_key TYPE varchar(64) COLLATE "C"'
BACKWARD = "ALTER TABLE telephony_call ALTER COLUMN dedupe_key TYPE varchar(64) COLLATE pg_catalog.\"default\""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("telephony", "0005_call_foreign_keys_without_database_constraints")]
    operations = [migrations.RunPython(forward, backward)]
