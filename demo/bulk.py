"""Writing many demo rows fast, without model instances: `executemany` on Django's cursor on
SQLite, `COPY` on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

BATCH = 4000

Row = dict[str, Any]


class TableWriter:
    """Writes rows of one model with `executemany` on Django's cursor on SQLite and `COPY` on
    PostgreSQL (where executemany sends one statement per row: 50 s of the demo's build):
    a bulk insert without building model instances, several times faster than bulk_create for
    the quarter of a million demo rows (design.md, "Performance"). Rows are dicts keyed by
    attribute name (`line_id`); a column left out takes its field's default."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        self.columns = [(field.attname, field.get_default(), self._adapter(field)) for field in fields]

    @staticmethod
    def _adapter(field: models.Field[Any, Any]) -> Any:
        """How a Python value becomes a database value, None for values the driver takes as they are."""
        if isinstance(field, models.DateTimeField):
            if connection.vendor == "sqlite":  # what Django's adapter does, without its per-value checks
                return lambda moment: moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(field, models.CharField | models.IntegerField | models.BooleanField | models.ForeignKey):
            return None
        return lambda value: field.get_db_prep_save(value, connection)

    def write(self, rows: list[Row]) -> None:
        values = [
            [
                value if adapt is None or value is None else adapt(value)
                for name, default, adapt in self.columns
                for value in (row.get(name, default),)
            ]
            for row in rows
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy) as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, values)


@dataclass
class Batches:
    """Rows waiting to be written, flushed every BATCH rows of a model."""

    pending: dict[type[models.Model], list[Row]] = field(default_factory=lambda: defaultdict(list))
    writers: dict[type[models.Model], TableWriter] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, model: type[models.Model], row: Row, kind: str) -> None:
        rows = self.pending[model]
        rows.append(row)
        self.written[kind] += 1
        if len(rows) >= BATCH:
            self.flush(model)

    def flush(self, model: type[models.Model] | None = None) -> None:
        for kind in [model] if model else list(self.pending):
            rows = self.pending[kind]
            if rows:
                if kind not in self.writers:
                    self.writers[kind] = TableWriter(kind)
                self.writers[kind].write(rows)
                rows.clear()
