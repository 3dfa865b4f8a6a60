"""The import engine shared by calls and queue tickets.

A town saves an `ImportSource` once (file format, column mapping, line-to-service mapping);
each file it imports becomes an `ImportRun` that counts rows read, imported, skipped as
already imported and rejected, and keeps the first rejections with their line numbers.

How a file goes in:
1. `scan_file` reads it once in blocks: size, SHA-256 and encoding (UTF-8 if every byte
   decodes as UTF-8, else cp1252). A file whose hash matches an earlier complete run of the
   same source, when that run left no row aside, is not read again: nothing would change.
2. The app's `RowImporter` (registered per kind with `register_kind`) loads what it needs
   once (lines, services, opening hours, calendar) and turns each record into a row tuple,
   or rejects it with a French reason, or leaves it aside (a line the town does not follow).
3. Rows go to the database in chunks, each chunk in its own transaction with the run's
   counters, so the page polling the run sees its progress: on SQLite through
   `cursor().executemany` with `INSERT … ON CONFLICT DO NOTHING`, on PostgreSQL through
   `COPY` into a temporary table then `INSERT … SELECT … ON CONFLICT DO NOTHING`. The unique
   `(organisation, dedupe_key)` constraint makes the same row imported twice, by the same
   file, an overlapping file or two imports at once, count once.
4. When every row of a chunk was new, the importer adds the chunk's counts to its summary
   rows in the same transaction; otherwise the months of that chunk are rebuilt from the
   rows at the end. The months touched are returned, for indicator recomputation.

With `parallel` (the command line), an importer whose `worker()` gives a reader of plain data
has the file read and converted by a second Python process while this one writes.

"All or nothing" sources are read twice: a first pass converts every row and writes nothing;
if any row is rejected the run fails and nothing is written. Otherwise rows are written as
above. Memory stays flat: one chunk of rows at a time."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import logging
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
import time
from abc import ABC, abstractmethod
from argparse import ArgumentParser
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from core.localtime import PARIS
from core.tabular import SEPARATORS, TableError, detect_separator, file_format, iter_records

if TYPE_CHECKING:
    from django.core.management.base import BaseCommand
    from django.db.models import Model

    from core.models import ImportRun, ImportSource, Organisation, User

# This module loads neither Django nor a model when imported: the reading process of an import
# (reader_process_main) uses it in a bare Python. Functions that need Django import it.

logger = logging.getLogger(__name__)

CHUNK_ROWS = 10_000
IMPORT_WAL_PAGES = 16_384  # SQLite: checkpoint every 64 MB of log while importing, not every 4 MB
BUFFERED_CHUNKS = 3  # converted chunks the writing process holds ahead (about 1.5 MB each)
REJECTIONS_KEPT = 50
SCAN_BLOCK = 1024 * 1024
ASTERISK_CDR = "asterisk_cdr"
TABLE = "table"
FILE_FORMATS = {ASTERISK_CDR: "Asterisk (Master.csv)", TABLE: "tableau CSV, XLSX ou ODS"}
IGNORE = ""  # a line_map value that leaves the rows of that line aside
DEFAULT_KEY = "*"  # the line_map key used for every value not listed

Row = tuple[Any, ...]
DONE, FAILED = "done", "failed"  # the values of core.models.ImportStatus (a test keeps them equal)


class ImportConfigError(Exception):
    """The source's configuration cannot read this file (a column that is missing, a mapping
    to a line that does not exist). The message is in French and says what to fix."""


# --- Kinds of data: what an app registers -------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field an importer reads from a table: its name in `ImportSource.columns`."""

    name: str
    label: str
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class KindSpec:
    """What an app offers for one kind of data (calls, tickets)."""

    kind: str
    label: str  # "Appels téléphoniques"
    of_label: str  # "d'appels téléphoniques": "Nouvelle source d'appels téléphoniques"
    formats: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    factory: Callable[[ImportSource], RowImporter]
    targets: Callable[[Organisation], list[tuple[str, str]]]  # (code, label) a line_map may name
    command: str
    outcome_field: str = ""  # the table field whose values `options["values"]` maps to codes
    outcome_choices: tuple[tuple[str, str], ...] = ()
    line_fields: tuple[str, ...] = ()  # Asterisk columns that may name the line


_kinds: dict[str, KindSpec] = {}


def register_kind(spec: KindSpec) -> None:
    _kinds[spec.kind] = spec


def kind_spec(kind: str) -> KindSpec:
    try:
        return _kinds[kind]
    except KeyError:
        raise ImportConfigError(f"Aucun import n'est disponible pour les données « {kind} ».") from None


def kind_specs() -> list[KindSpec]:
    return [_kinds[kind] for kind in sorted(_kinds)]


# --- Reading files --------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str
    encoding: str


def scan_file(path: Path) -> FileFacts:
    """Size, SHA-256 and encoding of a file, read once in blocks."""
    digest = hashlib.sha256()
    decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8-sig")()
    size = 0
    with path.open("rb") as binary:
        while block := binary.read(SCAN_BLOCK):
            size += len(block)
            digest.update(block)
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    decoder = None
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            decoder = None
    return FileFacts(size, digest.hexdigest(), "utf-8-sig" if decoder is not None else "cp1252")


def text_stream(binary: IO[bytes], encoding: str) -> io.TextIOWrapper:
    """Undecodable bytes become U+FFFD rather than stopping the whole file."""
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")


class Records(Protocol):
    """Records of a file, streamed: each a list of cells. `line_num` is the line the last
    record came from (a csv.reader is one), read only to report a rejected record."""

    line_num: int

    def __iter__(self) -> Iterator[Sequence[str]]: ...


def csv_records(binary: IO[bytes], encoding: str, separator: str = ",") -> Records:
    """The records of a CSV file, streamed (empty records come as empty lists)."""
    return csv.reader(text_stream(binary, encoding), delimiter=separator)  # type: ignore[return-value]


class NumberedRecords:
    """Records given with their line numbers (spreadsheets), seen as a `Records`."""

    def __init__(self, numbered: Iterator[tuple[int, list[str]]]) -> None:
        self.numbered = numbered
        self.line_num = 0

    def __iter__(self) -> Iterator[Sequence[str]]:
        for line, cells in self.numbered:
            self.line_num = line
            yield cells


@dataclass(frozen=True)
class TableLayout:
    """Where each field sits in the records of a table file."""

    index: dict[str, int]
    records: Records


def _separator(options: dict[str, Any], binary: IO[bytes], encoding: str) -> str:
    chosen = options.get("separator") or ""
    if chosen in SEPARATORS:
        return str(chosen)
    first_line = binary.readline(SCAN_BLOCK).decode(encoding, errors="replace")
    binary.seek(0)
    return detect_separator(first_line)


def _column_index(field_spec: FieldSpec, column: Any, headers: list[str] | None) -> int:
    if isinstance(column, int) or (isinstance(column, str) and column.isdigit() and headers is None):
        return int(column)
    if headers is None:
        raise ImportConfigError(
            f"Le champ « {field_spec.label} » doit donner un numéro de colonne (0 pour la première) : "
            "le fichier n'a pas de ligne d'en-tête."
        )
    wanted = str(column).strip().casefold()
    for position, header in enumerate(headers):
        if header.strip().casefold() == wanted:
            return position
    found = ", ".join(f"« {header} »" for header in headers if header.strip()) or "aucune"
    raise ImportConfigError(
        f"Colonne « {column} » (champ « {field_spec.label} ») introuvable dans le fichier. Colonnes trouvées : {found}."
    )


def table_layout(
    binary: IO[bytes], filename: str, encoding: str, source: ImportSource, fields: Sequence[FieldSpec]
) -> TableLayout:
    """Open a table file (CSV, XLSX, ODS) and find the column of every mapped field."""
    options = source.options or {}
    has_header = options.get("header", True) is not False
    records: Records
    if file_format(filename) == "csv":
        records = csv_records(binary, options.get("encoding") or encoding, _separator(options, binary, encoding))
    else:
        records = NumberedRecords(iter_records(binary, filename))
    headers: list[str] | None = None
    if has_header:
        first: Sequence[str] = []
        iterator = iter(records)
        try:
            while not first:  # blank lines before the headers
                first = next(iterator)
        except StopIteration:
            raise TableError("le fichier est vide.") from None
        except csv.Error as error:
            raise TableError(f"fichier CSV illisible ({error}).", line=records.line_num) from None
        headers = [header.strip().lstrip("\ufeff") for header in first]
    columns = source.columns or {}
    index = {}
    for spec in fields:
        column = columns.get(spec.name)
        if column in (None, ""):
            if spec.required:
                raise ImportConfigError(f"La source ne dit pas quelle colonne contient « {spec.label} ».")
            continue
        index[spec.name] = _column_index(spec, column, headers)
    return TableLayout(index, records)


# --- Local wall-clock times ----------------------------------------------------------------

LOCAL_DATETIME = re.compile(
    r"^\s*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-](?P<y2>\d{4}|\d{2}))"
    r"(?:[ T]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?)?\s*$"
)
LOCAL_TIME = re.compile(r"^\s*(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?\s*$")
DURATION = re.compile(r"^\s*(?:(?P<H>\d+):)?(?P<M>\d{1,2}):(?P<S>\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Hour:
    """One hour of local wall-clock time ("2026-10-25 02"), as UTC. In the repeated hour of
    October, `utc`/`epoch` are the first occurrence and `utc_later`/`epoch_later` the second;
    in the skipped hour of March the clock reads one hour later, as `aware_local` does."""

    utc: str
    epoch: int
    utc_later: str
    epoch_later: int
    local_date: str
    local_month: str
    weekday: int
    hour: int
    closed: bool

    @property
    def ambiguous(self) -> bool:
        return self.epoch != self.epoch_later


class LocalClock:
    """Reads local (Europe/Paris) wall-clock times fast: one time-zone conversion per hour
    of the file, then string slicing. `closed(day)` says whether the town is shut that day
    (public holiday, closure day), stored on each hour for the importers."""

    def __init__(self, closed: Callable[[dt.date], bool] = lambda day: False) -> None:
        self.hours: dict[str, Hour] = {}  # read directly by hot loops: hours.get(key) or hour(key)
        self._closed = closed

    def hour(self, key: str) -> Hour:
        """`key` is "YYYY-MM-DD HH"; raises ValueError when it is not a date and hour."""
        found = self.hours.get(key)
        if found is None:
            found = self.hours[key] = self._make_hour(key)
        return found

    def _make_hour(self, key: str) -> Hour:
        if len(key) != 13 or key[10] != " ":
            raise ValueError(key)
        naive = dt.datetime.fromisoformat(key + ":00:00")
        first = naive.replace(tzinfo=PARIS).astimezone(dt.UTC)
        if first.astimezone(PARIS).replace(tzinfo=None) != naive:  # the skipped hour of March
            first = (naive + dt.timedelta(hours=1)).replace(tzinfo=PARIS).astimezone(dt.UTC)
        later = naive.replace(tzinfo=PARIS, fold=1).astimezone(dt.UTC)
        if later < first:
            later = first
        local = first.astimezone(PARIS)
        day = local.date()
        return Hour(
            utc=f"{first:%Y-%m-%d %H}",
            epoch=int(first.timestamp()),
            utc_later=f"{later:%Y-%m-%d %H}",
            epoch_later=int(later.timestamp()),
            local_date=day.isoformat(),
            local_month=day.replace(day=1).isoformat(),
            weekday=day.weekday(),
            hour=local.hour,
            closed=self._closed(day),
        )


# "MM:SS" → seconds into the hour: one dictionary lookup per time read (int() costs four times more).
SECONDS_IN_HOUR = {f"{minute:02d}:{second:02d}": minute * 60 + second for minute in range(60) for second in range(60)}


def seconds_in_hour(text: str) -> int:
    """The minutes and seconds of "YYYY-MM-DD HH:MM:SS" as seconds; ValueError otherwise."""
    seconds = SECONDS_IN_HOUR.get(text[14:]) if text[13:14] == ":" else None
    if seconds is None:
        raise ValueError(text)
    return seconds


def normalise_datetime(text: str, *, column: str = "") -> str:
    """A local date and time as "YYYY-MM-DD HH:MM:SS", from DD/MM/YYYY or ISO writing."""
    match = LOCAL_DATETIME.match(text)
    if match is None or match["H"] is None:
        raise TableError(
            f"date et heure « {text} » illisibles : écrivez JJ/MM/AAAA HH:MM:SS ou AAAA-MM-JJ HH:MM:SS.",
            column=column,
        )
    if match["y"]:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    else:
        year, month, day = int(match["y2"]), int(match["m2"]), int(match["d2"])
        year += 2000 if year < 100 else 0
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise TableError(
            f"date et heure « {text} » impossibles (jour, mois ou heure hors limites).", column=column
        ) from None
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"


def normalise_time(text: str, day: str, *, column: str = "") -> str:
    """A time of day ("14:05", "14:05:30") on `day` ("YYYY-MM-DD"), or a full date and time."""
    match = LOCAL_TIME.match(text)
    if match is None:
        return normalise_datetime(text, column=column)
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TableError(f"heure « {text} » impossible.", column=column)
    return f"{day} {hour:02d}:{minute:02d}:{second:02d}"


def parse_seconds(text: str, *, unit: str = "s", column: str = "") -> int:
    """A duration in whole seconds: a number (of seconds, or of minutes when `unit` is "min",
    decimals allowed) or [H:]MM:SS."""
    value = text.strip()
    if value.isdigit():
        return int(value) * (60 if unit == "min" else 1)
    match = DURATION.match(value)
    if match is not None and int(match["M"]) < 60 and int(match["S"]) < 60:
        return int(match["H"] or 0) * 3600 + int(match["M"]) * 60 + int(match["S"])
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = -1
    if number >= 0:
        return round(number * (60 if unit == "min" else 1))
    raise TableError(f"durée « {text} » illisible : écrivez un nombre de secondes ou HH:MM:SS.", column=column)


@dataclass(frozen=True, slots=True)
class Moment:
    """A local wall-clock time read for the database: UTC text, epoch seconds, its hour."""

    utc: str
    epoch: int
    hour: Hour


def read_moment(clock: LocalClock, iso: str, *, after: Moment | None = None, column: str = "") -> Moment:
    """`iso` is "YYYY-MM-DD HH:MM:SS" local. When it reads earlier than `after` and falls in
    the repeated hour of October, the second occurrence is taken, so no wait is negative."""
    try:
        hour = clock.hour(iso[:13])
        offset = seconds_in_hour(iso)
    except ValueError:
        raise TableError(f"date et heure « {iso} » illisibles.", column=column) from None
    epoch = hour.epoch + offset
    if after is not None and epoch < after.epoch and hour.ambiguous:
        return Moment(hour.utc_later + iso[13:], hour.epoch_later + offset, hour)
    return Moment(hour.utc + iso[13:], epoch, hour)


def utc_text(epoch: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


# --- Line mapping ---------------------------------------------------------------------------


class LineMap:
    """Resolves the value of the line field ("0130000001", "from-trunk", "SIP/accueil-00a1")
    to what the importer stores. Keys are exact values, or prefixes ending with "*"; the key
    "*" alone is the default. A value mapped to "" is left aside (a line not followed).
    Plain data once built, so that a reading process can receive it."""

    REJECT = "rejet"  # a string, not an object(): it must stay equal once sent to another process

    def __init__(self, mapping: dict[str, str], resolve: Callable[[str], Any]) -> None:
        self._exact: dict[str, Any] = {}
        self._prefixes: list[tuple[str, Any]] = []
        self._default: Any = self.REJECT
        for key, code in mapping.items():
            target = None if code == IGNORE else resolve(code)
            if key == DEFAULT_KEY:
                self._default = target
            elif key.endswith("*"):
                self._prefixes.append((key[:-1], target))
            else:
                self._exact[key] = target
        self._prefixes.sort(key=lambda item: -len(item[0]))
        self.seen: dict[str, Any] = dict(self._exact)  # every value met, resolved: hot loops read it first

    def get(self, value: str) -> Any:
        """The target, None to leave the row aside, or LineMap.REJECT."""
        found = self.seen.get(value, self)
        if found is self:
            found = self._resolve(value)
            if len(self.seen) < 100_000:
                self.seen[value] = found
        return found

    def _resolve(self, value: str) -> Any:
        stripped = value.strip()
        if stripped in self._exact:
            return self._exact[stripped]
        for prefix, target in self._prefixes:
            if stripped.startswith(prefix):
                return target
        return self._default


# --- Importers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InsertTarget:
    """Where rows go: the table, the columns each row tuple fills (in order), the values the
    same for every row of the run, and the unique columns that make a row a duplicate."""

    table: str
    columns: tuple[str, ...]
    constants: tuple[tuple[str, int | str], ...]
    conflict: tuple[str, ...] = ("organisation_id", "dedupe_key")


def insert_target(
    model: type[Model], columns: tuple[str, ...], constants: tuple[tuple[str, int | str], ...]
) -> InsertTarget:
    """The target of a model's table: the given bound columns and constants, plus the default
    of every other NOT NULL column (a counter added to the model later keeps imports working).
    Nullable columns left out are NULL."""
    from django.core.exceptions import ImproperlyConfigured

    named = set(columns) | {name for name, _ in constants}
    defaults: list[tuple[str, int | str]] = []
    for model_field in model._meta.concrete_fields:
        column = model_field.column
        if model_field.primary_key or column in named or model_field.null:
            continue
        default = model_field.get_default() if model_field.has_default() else None
        if not isinstance(default, int | str):
            raise ImproperlyConfigured(f"{model.__name__}.{model_field.name}: no value for imported rows")
        defaults.append((column, int(default) if isinstance(default, bool) else default))
    return InsertTarget(model._meta.db_table, columns, (*constants, *defaults))


class ChunkReader(Protocol):
    """What `read_chunks` needs: a RowImporter, or the plain-data reader it hands to a second
    process (`RowImporter.worker`)."""

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records: ...

    def convert(self, cells: Sequence[str]) -> Row | None: ...

    def take_months(self) -> set[str]: ...


class RowImporter(ABC):
    """Turns the records of one source's files into rows of one table. Subclasses load what
    they need in `prepare`, convert records in `convert` (raising TableError to reject a
    record, returning None to leave it aside) and may keep summary rows up to date in
    `summarise`."""

    def __init__(self, source: ImportSource) -> None:
        self.source = source
        self.organisation = source.organisation
        self.months: set[str] = set()

    @property
    @abstractmethod
    def target(self) -> InsertTarget: ...

    def prepare(self) -> None:  # noqa: B027 (a hook)
        """Load lookups from the database once per import; raise ImportConfigError."""

    @abstractmethod
    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records: ...

    @abstractmethod
    def convert(self, cells: Sequence[str]) -> Row | None: ...

    def take_months(self) -> set[str]:
        months = set(self.months)
        self.months.clear()  # the same set: converters may hold it
        return months

    def worker(self) -> ChunkReader | None:
        """A reader of plain data (no database, no model) that a second process can run to read
        and convert the file while this one writes, or None to read here."""
        return None

    def summarise(self, rows: list[Row]) -> None:  # noqa: B027 (a hook)
        """Add a chunk's rows to the summary rows, inside the chunk's transaction; called when
        every row of the chunk was new (otherwise `refresh` rebuilds the months at the end).
        It runs in the writing process, which leaves the reading one, the slower, less to do."""

    def refresh(self, months: set[dt.date]) -> None:  # noqa: B027 (a hook)
        """Rebuild the summary rows of these months from the stored rows."""

    def finished(self, months: set[dt.date]) -> None:  # noqa: B027 (a hook)
        """After an import that changed rows of these months (outside any transaction)."""


# --- Writing rows ---------------------------------------------------------------------------


def _literal(value: int | str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    if isinstance(value, int):
        return str(int(value))
    if not re.fullmatch(r"[a-z_]*", value):
        raise ValueError(value)
    return f"'{value}'"


SQLITE_PARAMETERS = 900  # per statement, under SQLite's historical limit of 999


def insert_rows(target: InsertTarget, rows: list[Row]) -> int:
    """Insert rows, skipping those whose unique key exists; returns how many were inserted.
    Runs inside the caller's transaction.

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
    one_row = "(" + ", ".join([*literals, *["%s"] * len(columns)]) + ")"
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


def _copy_rows(target: InsertTarget, rows: list[Row], columns: list[str], constants: list[str], conflict: str) -> int:
    from django.db import connection

    table = connection.ops.quote_name(target.table)
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        staging = connection.ops.quote_name(f"staging_{target.table}")
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
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


# --- Runs ---------------------------------------------------------------------------------


@dataclass
class Chunk:
    rows: list[Row]
    read: int
    rejected: int
    rejections: list[tuple[int, str]]
    months: set[str]
    position: int

    def as_message(self) -> tuple[Any, ...]:
        """The fields as a tuple for the pipe (dataclasses.astuple would copy every row)."""
        return (self.rows, self.read, self.rejected, self.rejections, self.months, self.position)


@dataclass
class ImportResult:
    run: ImportRun
    months: set[dt.date] = field(default_factory=set)
    already_imported: bool = False

    @property
    def ok(self) -> bool:
        return self.run.status == DONE

    @property
    def set_aside(self) -> int:
        """Rows read that were neither imported, duplicates nor rejected (lines not followed)."""
        run = self.run
        return max(0, run.rows_read - run.imported - run.duplicates - run.rejected)


Progress = Callable[["ImportRun"], None]
RUN_COUNTERS = ["read_bytes", "rows_read", "imported", "duplicates", "rejected", "rejections"]


def start_run(*, source: ImportSource, filename: str, actor: User | None, total_bytes: int = 0) -> ImportRun:
    from core.models import ImportRun

    return ImportRun.objects.create(
        organisation=source.organisation,
        source=source,
        filename=Path(filename).name[:255],
        actor=actor,
        total_bytes=total_bytes,
    )


def _rejection_reason(error: Exception) -> str:
    if isinstance(error, TableError):
        return f"colonne « {error.column} » : {error.reason}" if error.column else error.reason
    return "ligne illisible (valeur inattendue)"


def read_chunks(importer: ChunkReader, binary: IO[bytes], filename: str, encoding: str, size: int) -> Iterator[Chunk]:
    """Convert the records of a file, `size` rows at a time."""
    records = importer.records(binary, filename, encoding)
    convert = importer.convert  # records() may choose the converter
    rows: list[Row] = []
    append = rows.append
    read = rejected = 0
    rejections: list[tuple[int, str]] = []
    try:
        for cells in records:
            if not cells:
                continue
            read += 1
            try:
                row = convert(cells)
            except (TableError, ValueError, IndexError, KeyError) as error:
                rejected += 1
                if len(rejections) < REJECTIONS_KEPT:
                    rejections.append((records.line_num, _rejection_reason(error)))
                continue
            if row is not None:
                append(row)
                if len(rows) >= size:
                    yield Chunk(rows, read, rejected, rejections, importer.take_months(), binary.tell())
                    rows, read, rejected, rejections = [], 0, 0, []
                    append = rows.append
    except csv.Error as error:
        raise TableError(f"fichier CSV illisible ({error}).", line=records.line_num) from None
    yield Chunk(rows, read, rejected, rejections, importer.take_months(), binary.tell())


def _count(run: ImportRun, chunk: Chunk, inserted: int, *, offset: int) -> None:
    run.read_bytes = offset + chunk.position
    run.rows_read += chunk.read
    run.imported += inserted
    run.duplicates += len(chunk.rows) - inserted
    run.rejected += chunk.rejected
    room = REJECTIONS_KEPT - len(run.rejections)
    if room > 0:
        run.rejections = run.rejections + [{"line": line, "reason": reason} for line, reason in chunk.rejections[:room]]


def _months(texts: Iterable[str]) -> set[dt.date]:
    return {dt.date.fromisoformat(text) for text in texts}


def file_chunks(importer: RowImporter, path: Path, filename: str, encoding: str) -> Iterator[Chunk]:
    """The converted chunks of a file, read in this process."""
    with path.open("rb") as binary:
        yield from read_chunks(importer, binary, filename, encoding, CHUNK_ROWS)


def _produce(reader: ChunkReader, path: str, filename: str, encoding: str, writer: Connection) -> None:
    """In the reading process: send each converted chunk, then None, or the error that stopped it."""
    gc.disable()  # rows hold no cycles: the collector would only walk them
    try:
        with open(path, "rb") as binary:
            for chunk in read_chunks(reader, binary, filename, encoding, CHUNK_ROWS):
                writer.send(chunk.as_message())
        writer.send(None)
    except (TableError, ImportConfigError) as error:
        writer.send(error)
    except Exception as error:  # reported by the writing process
        writer.send(RuntimeError(f"{error.__class__.__name__}: {error}"))
    finally:
        writer.close()


PROJECT_ROOT = Path(__file__).resolve().parent.parent


def reader_process_main() -> None:
    """Entry point of the reading process: its arguments come pickled on standard input."""
    # The data comes from the parent process, through this process's own standard input.
    reader, path, filename, encoding, descriptor = pickle.load(sys.stdin.buffer)  # noqa: S301
    _produce(reader, path, filename, encoding, Connection(descriptor))


def spawned_chunks(reader: ChunkReader, path: Path, filename: str, encoding: str) -> Iterator[Chunk]:
    """The converted chunks of a file, read and converted by a second process while this one
    writes, so that an import uses two processor cores. The reading process is a fresh Python
    that loads this module and the reader's, never Django's settings nor a model: it stays
    small and touches no database. A thread of this process takes the chunks off the pipe as
    they come, up to BUFFERED_CHUNKS ahead, so that neither process waits for a slower chunk
    of the other; memory stays flat."""
    receiving_end, sending_end = os.pipe()
    code = f"import sys; sys.path.insert(0, {str(PROJECT_ROOT)!r}); import core.imports as m; m.reader_process_main()"
    process = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", code], stdin=subprocess.PIPE, pass_fds=(sending_end,)
    )
    os.close(sending_end)
    receiving = Connection(receiving_end)
    buffered: queue.Queue[bytes | None] = queue.Queue(maxsize=BUFFERED_CHUNKS)
    stop = threading.Event()
    receiver = threading.Thread(target=_receive, args=(receiving, buffered, stop), daemon=True)
    ended = False
    try:
        assert process.stdin is not None
        with process.stdin:
            pickle.dump((reader, str(path), filename, encoding, sending_end), process.stdin)
        receiver.start()
        while (data := buffered.get()) is not None:
            message = pickle.loads(data)  # noqa: S301 (from our own reading process)
            if message is None:
                ended = True
                return
            if isinstance(message, BaseException):
                raise message
            yield Chunk(*message)
        raise RuntimeError("Le processus de lecture du fichier s'est arrêté.")
    finally:
        stop.set()
        if not ended:
            process.kill()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        receiver.join(timeout=10)
        receiving.close()


def _receive(receiving: Connection, buffered: queue.Queue[bytes | None], stop: threading.Event) -> None:
    """In a thread of the writing process: move the reading process's messages from the pipe
    to the queue, then None when the pipe closes."""
    message: bytes | None = b""
    while message is not None and not stop.is_set():
        try:
            message = receiving.recv_bytes()
        except (EOFError, OSError):
            message = None
        while not stop.is_set():
            try:
                buffered.put(message, timeout=0.1)
                break
            except queue.Full:
                continue


def _chunks(importer: RowImporter, path: Path, run: ImportRun, facts: FileFacts, parallel: bool) -> Iterator[Chunk]:
    reader = importer.worker() if parallel else None
    if reader is not None:
        return spawned_chunks(reader, path, run.filename, facts.encoding)
    return file_chunks(importer, path, run.filename, facts.encoding)


def _validate(
    importer: RowImporter, path: Path, run: ImportRun, facts: FileFacts, progress: Progress | None, parallel: bool
) -> None:
    """The first pass of an all-or-nothing import: count, write nothing but the run's counters."""
    for chunk in _chunks(importer, path, run, facts, parallel):
        _count(run, Chunk([], chunk.read, chunk.rejected, chunk.rejections, set(), chunk.position), 0, offset=0)
        run.save(update_fields=RUN_COUNTERS)
        if progress:
            progress(run)


def _write(
    importer: RowImporter,
    path: Path,
    run: ImportRun,
    facts: FileFacts,
    *,
    offset: int,
    progress: Progress | None,
    parallel: bool,
) -> tuple[set[str], set[str]]:
    """The writing pass: returns the months changed and those whose summaries need a rebuild."""
    changed: set[str] = set()
    stale: set[str] = set()
    target = importer.target
    with fewer_checkpoints():
        for chunk in _chunks(importer, path, run, facts, parallel):
            _write_chunk(importer, target, run, chunk, offset, changed, stale)
            if progress:
                progress(run)
    return changed, stale


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


def _write_chunk(
    importer: RowImporter,
    target: InsertTarget,
    run: ImportRun,
    chunk: Chunk,
    offset: int,
    changed: set[str],
    stale: set[str],
) -> None:
    from django.db import transaction

    with transaction.atomic():
        lock_organisation_writes(importer.organisation)
        inserted = insert_rows(target, chunk.rows)
        if inserted == len(chunk.rows):
            importer.summarise(chunk.rows)
        elif inserted:
            stale |= chunk.months
        if inserted:
            changed |= chunk.months
        _count(run, chunk, inserted, offset=offset)
        run.save(update_fields=RUN_COUNTERS)


def _previous_complete_run(run: ImportRun) -> ImportRun | None:
    """An earlier run of the same source and file that imported or skipped every row read."""
    from core.models import ImportRun

    earlier = ImportRun.objects.filter(
        organisation=run.organisation,
        source=run.source,
        file_sha256=run.file_sha256,
        status=DONE,
        rejected=0,
    ).exclude(pk=run.pk)
    for previous in earlier.order_by("-started_at")[:5]:
        if previous.rows_read == previous.imported + previous.duplicates:
            return previous
    return None


def _finish(run: ImportRun, status: str, error: str = "") -> None:
    from django.utils import timezone

    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    if status == DONE:
        run.read_bytes = run.total_bytes
    run.save(update_fields=[*RUN_COUNTERS, "status", "error", "finished_at", "total_bytes", "file_sha256"])


def _reset_counters(run: ImportRun) -> None:
    run.rows_read = run.imported = run.duplicates = run.rejected = 0
    run.rejections = []


def import_file(
    *,
    source: ImportSource,
    path: Path,
    filename: str | None = None,
    actor: User | None = None,
    run: ImportRun | None = None,
    reread: bool = False,
    progress: Progress | None = None,
    parallel: bool = False,
) -> ImportResult:
    """THE import of one file for one source; returns the finished run and the months changed.
    Never raises for a bad file or a bad mapping: the run says what went wrong. `parallel`
    lets the importer read the file in a second process (the command line does)."""
    run = run or start_run(source=source, filename=filename or path.name, actor=actor)
    try:
        return _import(source, path, run, reread=reread, progress=progress, parallel=parallel)
    except (ImportConfigError, TableError) as error:
        _finish(run, FAILED, str(error))
    except Exception:
        logger.exception("Import %s failed", run.pk)
        _finish(run, FAILED, "Erreur inattendue pendant l'import : l'administrateur peut consulter le journal.")
        raise
    return ImportResult(run)


def _import(
    source: ImportSource, path: Path, run: ImportRun, *, reread: bool, progress: Progress | None, parallel: bool
) -> ImportResult:
    from django.db import transaction

    facts = scan_file(path)
    run.file_sha256, run.total_bytes = facts.sha256, facts.size
    if not reread and (previous := _previous_complete_run(run)) is not None:
        run.rows_read = previous.rows_read
        run.duplicates = previous.rows_read
        _finish(run, DONE)
        return ImportResult(run, already_imported=True)
    importer = kind_spec(source.kind).factory(source)
    importer.prepare()
    offset = 0
    if source.all_or_nothing:
        run.total_bytes = 2 * facts.size
        _validate(importer, path, run, facts, progress, parallel)
        if run.rejected:
            _finish(
                run,
                FAILED,
                "Fichier refusé en entier (source « tout ou rien ») : aucune ligne enregistrée.",
            )
            return ImportResult(run)
        _reset_counters(run)
        offset = facts.size
    changed, stale = _write(importer, path, run, facts, offset=offset, progress=progress, parallel=parallel)
    if stale:
        with transaction.atomic():
            lock_organisation_writes(source.organisation)
            importer.refresh(_months(stale))
    _finish(run, DONE)
    months = _months(changed)
    if months:
        importer.finished(months)
    return ImportResult(run, months)


# --- Background imports (web) -----------------------------------------------------------------


def import_in_background(
    *, source: ImportSource, path: Path, run: ImportRun, delete_after: bool = True
) -> threading.Thread:
    """Run `import_file` in a thread of the web process, so the request returns at once and
    the page polls the run for its progress. The thread uses its own database connection."""
    from django.db import close_old_connections, connection

    def work() -> None:
        close_old_connections()
        try:
            with contextlib.suppress(Exception):  # already logged and recorded on the run
                import_file(source=source, path=path, run=run)
        finally:
            if delete_after:
                path.unlink(missing_ok=True)
            connection.close()

    thread = threading.Thread(target=work, name=f"import-{run.pk}", daemon=True)
    thread.start()
    return thread


# --- Command line ---------------------------------------------------------------------------------


class ProgressBar:
    """A text bar on standard error, rewritten in place: [#######.............]  35 %."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, run: ImportRun) -> None:
        percent = run.progress_percent
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {percent:3d} % — {run.rows_read} lignes lues")
        self.stream.flush()

    def close(self) -> None:
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def summary_lines(result: ImportResult, *, seconds: float | None = None) -> list[str]:
    """The French summary a command prints (numbers without separators, for scripts)."""
    run = result.run
    lines = [f"Import de « {run.filename} » (source « {run.source.name} ») : {run.get_status_display()}."]
    if result.already_imported:
        lines.append("Ce fichier a déjà été importé en entier : aucune ligne ajoutée.")
    lines += [
        f"Lignes lues : {run.rows_read}",
        f"Importées : {run.imported}",
        f"Déjà importées (ignorées) : {run.duplicates}",
        f"Rejetées : {run.rejected}",
        f"Hors lignes suivies : {result.set_aside}",
    ]
    if run.rejections:
        lines.append(f"Premières lignes rejetées ({len(run.rejections)} sur {run.rejected}) :")
        lines += [f"  ligne {item['line']} : {item['reason']}" for item in run.rejections]
    if run.error:
        lines.append(f"Erreur : {run.error}")
    if result.months:
        lines.append("Mois concernés : " + ", ".join(f"{month:%Y-%m}" for month in sorted(result.months)))
    if seconds is not None:
        lines.append(f"Durée : {seconds:.1f} s")
    return lines


def import_command(kind: str, help_text: str, *, before: Callable[[], None] | None = None) -> type[BaseCommand]:
    """The class of `manage.py import_calls|import_tickets --org SLUG (--source NAME | --mapping
    FILE.json) FILE`: the summary goes to standard output, the progress bar to standard error.
    Built by a function so that importing this module loads no Django (see above)."""
    from django.core.exceptions import ValidationError
    from django.core.management.base import BaseCommand, CommandError

    class ImportCommand(BaseCommand):
        help = help_text
        requires_system_checks: list[str] = []  # an import must not load every page's modules (charts, PDF)

        def add_arguments(self, parser: ArgumentParser) -> None:
            parser.add_argument("file", metavar="FICHIER", help="le fichier à importer (CSV, XLSX ou ODS)")
            parser.add_argument("--org", required=True, metavar="SLUG", help="identifiant de l'organisation")
            group = parser.add_mutually_exclusive_group(required=True)
            group.add_argument("--source", metavar="NOM", help="nom court d'une source enregistrée")
            group.add_argument("--mapping", metavar="SOURCE.json", help="fichier JSON d'une source (créée si besoin)")
            parser.add_argument("--quiet", action="store_true", help="sans barre de progression")
            parser.add_argument("--reread", action="store_true", help="relire le fichier même s'il a déjà été importé")

        def handle(self, *args: Any, **options: Any) -> None:
            from core.models import Organisation

            if before is not None:
                before()
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"Organisation « {options['org']} » inconnue.")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"Fichier « {path} » introuvable.")
            source = self._source(organisation, options)
            bar = None if options["quiet"] else ProgressBar(self.stderr._out)  # type: ignore[arg-type]
            gc.freeze()  # the collector then skips everything loaded so far: Django is not walked again
            began = time.perf_counter()
            try:
                result = import_file(source=source, path=path, progress=bar, reread=options["reread"], parallel=True)
            finally:
                if bar is not None:
                    bar.close()
            for line in summary_lines(result, seconds=time.perf_counter() - began):
                self.stdout.write(line)
            if not result.ok:
                raise CommandError(result.run.error or "Import échoué.")

        def _source(self, organisation: Organisation, options: dict[str, Any]) -> ImportSource:
            from core.imports_forms import source_from_mapping_file
            from core.models import ImportSource

            if options["source"]:
                source = ImportSource.objects.filter(
                    organisation=organisation, kind=kind, name=options["source"]
                ).first()
                if source is None:
                    names = ImportSource.objects.filter(organisation=organisation, kind=kind).values_list(
                        "name", flat=True
                    )
                    known = ", ".join(names) or "aucune"
                    raise CommandError(f"Source « {options['source']} » inconnue. Sources enregistrées : {known}.")
                return source
            try:
                return source_from_mapping_file(organisation, Path(options["mapping"]), kind=kind)
            except (OSError, ValidationError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                raise CommandError(" ".join(messages)) from None

    return ImportCommand
