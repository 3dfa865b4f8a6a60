"""Writing imported rows: where they go, and fast.

Rows go to the database in chunks, several to a transaction with the run's counters (see
imports.runs): on SQLite through `cursor().executemany` with `INSERT … ON CONFLICT DO
NOTHING`, on PostgreSQL through `COPY` straight into the table inside a savepoint (or, when
a row's key is already there, into a temporary table then `INSERT … SELECT … ON CONFLICT DO
NOTHING`). Rows in the binary form of imports.rows (a target with `binary`) go through a
binary COPY, and SQLite's statement turns their times and days into its texts. The unique
`(organisation, dedupe_key)` constraint makes the same row imported twice, by the same file,
an overlapping file or two imports at once, count once.

This module loads Django only inside its functions: the reading process imports the package."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from imports.rows import DAYS_1970_TO_2000, EPOCH_2000, InsertRow

if TYPE_CHECKING:
    from django.db.models import Field, Model

    from core.models import Organisation

IMPORT_WAL_PAGES = 16_384  # SQLite: checkpoint every 64 MB of log while importing, not every 4 MB
SQLITE_PARAMETERS = 900  # per statement, under SQLite's historical limit of 999
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for a key already there

# A column in the binary form of a row: a time, a day (imports.rows), else the type psycopg
# writes its value as in a binary COPY. The server reads a binary COPY without converting: each
# value must have the exact width of its column, so the types come from the model's fields.
TIME, DAY = "time", "day"
BINARY_TYPES = {
    "DateTimeField": TIME, "DateField": DAY, "BooleanField": "bool",
    "BigAutoField": "int8", "BigIntegerField": "int8", "PositiveBigIntegerField": "int8",
    "AutoField": "int4", "IntegerField": "int4", "PositiveIntegerField": "int4",
    "SmallAutoField": "int2", "SmallIntegerField": "int2", "PositiveSmallIntegerField": "int2",
    "CharField": "text", "TextField": "text", "SlugField": "text",
}  # fmt: skip
COPY_TYPES = {TIME: "int8", DAY: "int4"}  # microseconds and days since 2000-01-01, as the server keeps them


@dataclass(frozen=True)
class InsertTarget:
    """Where rows go: the table, the columns each row tuple fills (in order), the values the
    same for every row of the run, and the unique columns that make a row a duplicate."""

    table: str
    columns: tuple[str, ...]
    constants: tuple[tuple[str, int | str], ...]
    conflict: tuple[str, ...] = ("organisation_id", "dedupe_key")
    # Rows in the binary form of imports.rows: the binary type of each constant then each
    # column (BINARY_TYPES); empty when the rows hold times and days as texts.
    binary: tuple[str, ...] = ()

    def column_types(self) -> dict[str, str]:
        """The binary type of each column of the rows (none without `binary`)."""
        return dict(zip(self.columns, self.binary[len(self.constants) :], strict=True)) if self.binary else {}


def insert_target(
    model: type[Model],
    columns: tuple[str, ...],
    constants: tuple[tuple[str, int | str], ...],
    *,
    binary: bool = False,
) -> InsertTarget:
    """The target of a model's table: the given bound columns and constants, plus the default
    of every other NOT NULL column (a counter added to the model later keeps imports working).
    Nullable columns left out are NULL; a column with a database default (`db_default`) is left
    to the database, which types its value (a boolean is no integer on PostgreSQL). `binary`:
    the rows are in the binary form of imports.rows."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db.models import NOT_PROVIDED

    named = set(columns) | {name for name, _ in constants}
    defaults: list[tuple[str, int | str]] = []
    for model_field in model._meta.concrete_fields:
        column = model_field.column
        left_to_database = model_field.db_default is not NOT_PROVIDED
        if model_field.primary_key or column in named or model_field.null or left_to_database:
            continue
        default = model_field.get_default() if model_field.has_default() else None
        if not isinstance(default, int | str):
            raise ImproperlyConfigured(f"{model.__name__}.{model_field.name}: no value for imported rows")
        defaults.append((column, int(default) if isinstance(default, bool) else default))
    every = (*constants, *defaults)
    if not binary:
        return InsertTarget(model._meta.db_table, columns, every)
    fields = {model_field.column: model_field for model_field in model._meta.concrete_fields}
    types = tuple(_binary_type(fields[name]) for name in [*(name for name, _ in every), *columns])
    return InsertTarget(model._meta.db_table, columns, every, binary=types)


def _binary_type(model_field: Field[Any, Any]) -> str:
    target = model_field.target_field if model_field.is_relation else model_field  # type: ignore[attr-defined]
    return BINARY_TYPES[target.get_internal_type()]


def binary_value_sql(kind: str, postgresql: bool) -> str:
    """The placeholder of a value in the binary form of imports.rows, in a statement: turned
    into the column's own value (a time or a day) by the database."""
    if kind == TIME:
        if postgresql:
            return f"to_timestamp(%s::bigint / 1000000 + {EPOCH_2000})"
        return f"datetime(%s / 1000000 + {EPOCH_2000}, 'unixepoch')"
    if kind == DAY:
        return (
            "date '2000-01-01' + %s::integer"
            if postgresql
            else f"date((%s + {DAYS_1970_TO_2000}) * 86400, 'unixepoch')"
        )
    return "%s"


def binary_column_sql(column: str, kind: str, postgresql: bool) -> str:
    """A stored column read back in the binary form of imports.rows (a fraction of a second
    dropped)."""
    if kind == TIME:
        if postgresql:
            return f"(extract(epoch FROM {column})::bigint - {EPOCH_2000}) * 1000000"
        return f"(unixepoch({column}) - {EPOCH_2000}) * 1000000"
    if kind == DAY:
        return f"({column} - date '2000-01-01')" if postgresql else f"CAST(julianday({column}) - 2451544.5 AS INTEGER)"
    return column


def _literal(value: int | str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    if isinstance(value, int):
        return str(int(value))
    if not re.fullmatch(r"[a-z_]*", value):
        raise ValueError(value)
    return f"'{value}'"


def insert_rows(target: InsertTarget, rows: list[InsertRow]) -> int:
    """Insert rows, skipping those whose unique key exists; returns how many were inserted.
    Runs inside the caller's transaction, which stays usable after a skipped key; any other
    refusal (a check constraint) raises IntegrityError.

    On SQLite each statement inserts a few dozen rows (`VALUES (…), (…), …`): the work SQLite
    does once per statement (the AUTOINCREMENT counter, the conflict clause) then counts once
    per group, which makes the insert about 2.5 times faster than one row per statement."""
    from django.db import connection

    if not rows:
        return 0
    quote = connection.ops.quote_name
    constant_columns = [quote(name) for name, _ in target.constants]
    columns = [quote(name) for name in target.columns]
    conflict = ", ".join(quote(name) for name in target.conflict)
    if connection.vendor == "postgresql":
        return _copy_rows(target, rows, columns, constant_columns, conflict)
    # Constants are integers and fixed lower-case words, written in the statement once.
    literals = [_literal(value) for _, value in target.constants]
    kinds = target.column_types()
    placeholders = [binary_value_sql(kinds[name], False) if kinds else "%s" for name in target.columns]
    one_row = "(" + ", ".join([*literals, *placeholders]) + ")"
    per_statement = max(1, SQLITE_PARAMETERS // len(columns))
    head = f"INSERT INTO {quote(target.table)} ({', '.join(constant_columns + columns)}) VALUES "  # noqa: S608
    tail = f" ON CONFLICT ({conflict}) DO NOTHING"
    full = len(rows) - len(rows) % per_statement
    width = per_statement * len(columns)
    flat = list(chain.from_iterable(rows[:full]))
    inserted = 0
    with connection.cursor() as cursor:
        if full:
            cursor.executemany(
                head + ", ".join([one_row] * per_statement) + tail,
                [flat[start : start + width] for start in range(0, len(flat), width)],
            )
            inserted += max(cursor.rowcount, 0)
        if full < len(rows):
            cursor.execute(
                head + ", ".join([one_row] * (len(rows) - full)) + tail, [v for row in rows[full:] for v in row]
            )
            inserted += max(cursor.rowcount, 0)
    return inserted


def _copy_rows(
    target: InsertTarget, rows: list[InsertRow], columns: list[str], constants: list[str], conflict: str
) -> int:
    """PostgreSQL: `COPY` the rows straight into the table (`_copied`); when a row's key is
    already there (an overlapping file, a file read again), the chunk goes through a staging
    table and `INSERT … ON CONFLICT DO NOTHING`. A new chunk, the usual case, is written once."""
    if _copied(target, rows):
        return len(rows)
    return _copy_through_staging(target, rows, columns, constants, conflict)


def _copied(target: InsertTarget, rows: list[InsertRow]) -> bool:
    """PostgreSQL: `COPY` the rows into the table inside a savepoint; False when the unique
    index refused a row whose key is already there, the savepoint having undone the copy."""
    from django.db import IntegrityError, connection, transaction

    try:
        with transaction.atomic(), connection.wrap_database_errors:
            _copy_into(target, rows)
            return True
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
    return False


def insert_all_or_none(target: InsertTarget, rows: list[InsertRow]) -> bool:
    """Insert every row and return True, or insert none and return False when one of their
    keys is already stored (an importer that merges then joins them into the stored rows).
    On PostgreSQL a refused `COPY` says so at once, without the staging table of `insert_rows`."""
    from django.db import connection, transaction

    if connection.vendor == "postgresql":
        return _copied(target, rows)
    try:
        with transaction.atomic():
            if insert_rows(target, rows) < len(rows):
                raise _SomeStored
    except _SomeStored:
        return False
    return True


class _SomeStored(Exception):
    """Some rows were already stored: their insert is undone to its savepoint."""


def _copy_into(target: InsertTarget, rows: list[InsertRow]) -> None:
    """COPY the rows after the target's constants: as text, or in the binary form, which spares
    the server parsing times and days and this process writing them."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in [*(name for name, _ in target.constants), *target.columns])
    head = tuple(value for _, value in target.constants)
    with connection.cursor() as cursor, _copy(cursor, f"{quote(target.table)} ({columns})", target.binary) as copy:
        write_row = copy.write_row
        for row in rows:
            write_row(head + row)


@contextlib.contextmanager
def _copy(cursor: Any, into: str, kinds: tuple[str, ...]) -> Iterator[Any]:
    """`COPY into FROM STDIN` (`into`: "table (columns)"), as text, or binary with the columns'
    binary types (`kinds`, InsertTarget.binary) when the rows are in the binary form."""
    with cursor.cursor.copy(f"COPY {into} FROM STDIN{' (FORMAT BINARY)' if kinds else ''}") as copy:
        if kinds:
            copy.set_types([COPY_TYPES.get(kind, kind) for kind in kinds])
        yield copy


def _copy_through_staging(
    target: InsertTarget, rows: list[InsertRow], columns: list[str], constants: list[str], conflict: str
) -> int:
    from django.db import connection

    table = connection.ops.quote_name(target.table)
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        staging = connection.ops.quote_name(f"staging_{target.table}")
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        with _copy(cursor, f"{staging} ({column_list})", target.binary[len(target.constants) :]) as copy:
            for row in rows:
                copy.write_row(row)
        values = [value for _, value in target.constants]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(constants + columns)}) "  # noqa: S608
            f"SELECT {', '.join(['%s'] * len(values) + columns)} FROM {staging} "
            f"ON CONFLICT ({conflict}) DO NOTHING",
            values,
        )
        inserted = max(cursor.rowcount, 0)
        cursor.execute(f"TRUNCATE {staging}")
        return inserted


def lock_organisation_writes(organisation: Organisation) -> None:
    """Serialise the writers of one town's imported rows and summaries. SQLite does it by
    itself (IMMEDIATE transactions); PostgreSQL takes a transaction-level advisory lock."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, organisation.pk])


@contextlib.contextmanager
def fewer_checkpoints() -> Iterator[None]:
    """On SQLite, copy the write-ahead log into the database every 64 MB rather than every
    4 MB while importing (each copy waits for the disk twice), then once at the end."""
    from django.db import connection

    if connection.vendor != "sqlite" or connection.in_atomic_block:  # a checkpoint cannot run in a transaction
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_WAL_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(previous)}")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
