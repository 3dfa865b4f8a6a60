"""What an app writes to import one kind of data: a `RowImporter`, or for table files (CSV,
XLSX, ODS read through the source's column mapping) a `TableImporter`.

An importer loads what it needs once (`prepare`: lines, services, opening hours, calendar),
turns each record into a row tuple, rejects it with a French reason (TableError) or leaves it
aside (None: a line the town does not follow), and may keep summary rows up to date."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from documents.tabular import TableError
from imports.clock import (
    LocalClock,
    Moment,
    normalise_datetime,
    normalise_time,
    parse_seconds,
    read_moment,
    utc_text,
)
from imports.files import Records, table_layout
from imports.kinds import FieldSpec, ImportConfigError
from imports.line_map import DEFAULT_KEY, LineMap
from imports.rows import InsertRow
from imports.writing import InsertTarget, insert_target

if TYPE_CHECKING:
    from django.db.models import Model

    from imports.models import ImportSource


class ChunkReader(Protocol):
    """What `read_chunks` needs: a RowImporter, or the plain-data reader it hands to a second
    process (`RowImporter.worker`)."""

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records: ...

    def convert(self, cells: Sequence[str]) -> InsertRow | None: ...

    def closed_rows(self, final: bool) -> tuple[list[InsertRow], int]: ...

    def take_months(self) -> set[str]: ...


class RowImporter(ABC):
    """Turns the records of one source's files into rows of one table. Subclasses load what
    they need in `prepare`, convert records in `convert` (raising TableError to reject a
    record, returning None to leave it aside) and may keep summary rows up to date in
    `summarise`."""

    # Rows already stored are joined with the new ones (`merge_stored`) rather than kept as
    # they are: a call whose records straddle two files.
    merges = False
    # With `merges`: whether every row of the last chunk written was stored already (a file
    # read again): imports.runs then gives the next chunk to `merge_stored` at once.
    all_stored = False
    # Where a row holds its local day: a file's period, for `delete_period`.
    day_column: int | None = None

    def __init__(self, source: ImportSource) -> None:
        self.source = source
        self.organisation = source.organisation
        self.months: set[str] = set()

    @property
    @abstractmethod
    def target(self) -> InsertTarget: ...

    def source_target(
        self, model: type[Model], columns: tuple[str, ...], *constants: tuple[str, int | str], binary: bool = False
    ) -> InsertTarget:
        """The target of `model`'s table for this source's rows: `columns` from each row tuple,
        then the organisation, the source and `constants`, the same for every row; `binary`:
        rows in the binary form of imports.rows."""
        own = (("organisation_id", self.organisation.pk), ("source_id", self.source.pk))
        return insert_target(model, columns, (*own, *constants), binary=binary)

    def prepare(self) -> None:  # noqa: B027 (a hook)
        """Load lookups from the database once per import; raise ImportConfigError."""

    @abstractmethod
    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records: ...

    @abstractmethod
    def convert(self, cells: Sequence[str]) -> InsertRow | None: ...

    def take_months(self) -> set[str]:
        months = set(self.months)
        self.months.clear()  # the same set: converters may hold it
        return months

    def closed_rows(self, final: bool) -> tuple[list[InsertRow], int]:
        """Rows made of several records, complete since the last call (all of them when
        `final`), and how many records joined another's row: none here, one record one row."""
        return [], 0

    def day_text(self, value: Any) -> str:
        """A row's local day as "YYYY-MM-DD" (rows in the binary form hold a number)."""
        return str(value)

    def merge_stored(self, target: InsertTarget, rows: list[InsertRow]) -> tuple[int, bool]:
        """With `merges`: write rows of which some are already stored, joining each into the
        stored one and keeping the summary rows exact; returns how many rows were new and
        whether a stored row changed."""
        raise NotImplementedError

    def delete_period(self, first: dt.date, last: dt.date) -> int:
        """Delete this source's stored rows from `first` to `last` (local days) before a
        replacing import; returns how many went. Summaries are rebuilt after (`refresh`)."""
        raise ImportConfigError("Ce type de données ne se remplace pas par période.")

    def worker(self) -> ChunkReader | None:
        """A reader of plain data (no database, no model) that a second process can run to read
        and convert the file while this one writes, or None to read here."""
        return None

    def summarise(self, rows: list[InsertRow]) -> None:  # noqa: B027 (a hook)
        """Count a chunk's rows for the summary rows, inside its transaction; called
        when every row of the chunk was new (otherwise `refresh` rebuilds the months at the end).
        The counts may wait for `flush_summaries`, so that a transaction of several chunks
        writes each summary row once. It runs in the writing process, which leaves the reading
        one, the slower, less to do."""

    def flush_summaries(self) -> None:  # noqa: B027 (a hook)
        """Write the counts `summarise` kept to the summary rows: the engine calls it in each
        transaction, before it commits."""

    def refresh(self, months: set[dt.date]) -> None:  # noqa: B027 (a hook)
        """Rebuild the summary rows of these months from the stored rows."""

    def finished(self, months: set[dt.date]) -> None:  # noqa: B027 (a hook)
        """After an import that changed rows of these months (outside any transaction)."""


class TableImporter(RowImporter):
    """A RowImporter of table files: it finds the columns of its `fields` (`table_records`),
    reads cells by field name, the row's first local time and the later ones, and the words
    of its outcome or status column. Its subclass sets, in `prepare`, the `line_map` (values of
    the "line" field → what it stores), the `words` and, for a clock that knows the days the
    town is closed, the `clock`."""

    fields: tuple[FieldSpec, ...] = ()  # the fields a source of this kind may map to columns
    map_name = "correspondance des lignes"  # how rejections name the line map, in French
    line_map: LineMap
    words: dict[str, str]  # a word of the outcome or status column, case-folded → its code

    def __init__(self, source: ImportSource) -> None:
        super().__init__(source)
        self.index: dict[str, int] = {}
        self.unit = str((source.options or {}).get("duration_unit") or "s")
        self.clock = LocalClock(lambda day: False, self.organisation.time_zone)

    def source_words(self, words: dict[str, tuple[str, ...]]) -> dict[str, str]:
        """The usual words of each code, then the source's own (`options["values"]`)."""
        known = {word: code for code, all_words in words.items() for word in all_words}
        own = (self.source.options or {}).get("values") or {}
        return known | {str(raw).strip().casefold(): str(code) for raw, code in own.items()}

    def table_records(self, binary: IO[bytes], filename: str, encoding: str, *, no_line: str) -> Records:
        """The records of a table file, its columns found; ImportConfigError `no_line` when
        neither a column nor the line map's "*" gives the line of a row."""
        layout = table_layout(binary, filename, encoding, self.source, self.fields)
        self.index = layout.index
        if "line" not in self.index and DEFAULT_KEY not in (self.source.line_map or {}):
            raise ImportConfigError(no_line)
        return layout.records

    def _cell(self, cells: Sequence[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return str(cells[position]).strip()

    def _target(self, value: str, column: str) -> Any:
        """What the line map gives the row's line value: None to leave the row aside."""
        target = self.line_map.get(value)
        if target == LineMap.REJECT:
            raise TableError(f"valeur « {value} » absente de la {self.map_name}.", column=column)
        return target

    def _first_moment(self, cells: Sequence[str], name: str, column: str, *, empty: str) -> tuple[str, Moment]:
        """The row's first local time, as "YYYY-MM-DD HH:MM:SS" and read: a date and time, or
        a time of day when the source maps a "date" column; `empty` rejects a row without."""
        text = self._cell(cells, name)
        if not text:
            raise TableError(empty, column=column)
        date_text = self._cell(cells, "date")
        if date_text:
            day = normalise_datetime(date_text.split()[0] + " 00:00", column="date")[:10]
            iso = normalise_time(text, day, column=column)
        else:
            iso = normalise_datetime(text, column=column)
        return iso, read_moment(self.clock, iso, column=column)

    def _later(
        self,
        cells: Sequence[str],
        name: str,
        day: str,
        after: Moment,
        column: str,
        *,
        too_early: str,
        next_day: bool = False,
    ) -> Moment | None:
        """A later local time of the row, None when empty; a time of day alone is read on
        `day`. Reading earlier than `after`, it is taken in the second occurrence of the
        repeated October hour, or (with `next_day`, a time of day alone) on the next day;
        still earlier, it rejects the row with `too_early` ("… « {} » …", the text read)."""
        text = self._cell(cells, name)
        if not text:
            return None
        moment = read_moment(self.clock, normalise_time(text, day, column=column), after=after, column=column)
        if next_day and moment.epoch < after.epoch and ":" in text and "/" not in text and "-" not in text:
            moment = read_moment(self.clock, normalise_time(text, _next_day(day), column=column), column=column)
        if moment.epoch < after.epoch:
            raise TableError(too_early.format(text), column=column)
        return moment

    def _waited(
        self, cells: Sequence[str], name: str, day: str, after: Moment, column: str, *, too_early: str
    ) -> tuple[str | None, int | None]:
        """When the row's `name` came (UTC text) and the wait since `after` in seconds: from
        its column (a later time, see `_later`), else from the "wait" column; None, None when
        the row gives neither."""
        moment = self._later(cells, name, day, after, column, too_early=too_early)
        if moment is not None:
            return moment.utc, moment.epoch - after.epoch
        wait_text = self._cell(cells, "wait")
        if wait_text:
            wait = parse_seconds(wait_text, unit=self.unit, column="attente")
            return utc_text(after.epoch + wait), wait
        return None, None

    def _coded(
        self, cells: Sequence[str], name: str, codes: Collection[str], column: str, *, unknown: str
    ) -> str | None:
        """The code the `words` give the row's cell `name`, None when it is empty; a word
        unknown rejects the row with `unknown` ("… « {} » …")."""
        text = self._cell(cells, name)
        if not text:
            return None
        code = self.words.get(text.casefold())
        if code is None or code not in codes:
            raise TableError(unknown.format(text), column=column)
        return code


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
