"""Runs: THE import of one file for one source (`import_file`), and what it returns.

1. The source's kind gives its `RowImporter` (imports.kinds), which loads what it needs
   once (`prepare`). The file is scanned (imports.files.scan_file). A file whose hash matches
   an earlier complete run of the same source, when that run left no row aside, is not read
   again: nothing would change.
2. The importer converts the records, chunk by chunk (imports.chunks), in this process or,
   with `parallel` (the command line) and an importer whose `worker()` gives a reader of
   plain data, in a second process (imports.reader_process), started before the scan
   (`Reading`).
3. Chunks are written in transactions of about TRANSACTION_ROWS rows with the run's counters
   (imports.writing), so the page polling the run sees its progress. When every row of a
   chunk was new, the importer counts the chunk's rows for its summary rows (`summarise`) and
   writes the counts of the whole transaction before it commits (`flush_summaries`). When some
   rows were already stored, an importer that merges (`RowImporter.merge_stored`, calls
   made of several records) sees its chunk refused whole (`insert_all_or_none`: a COPY on
   PostgreSQL, a savepoint on SQLite) and writes it again, joining those rows into the stored
   ones with their summaries kept exact (after a chunk all stored, the next goes there at
   once); otherwise the stored rows stay and the months of that chunk are rebuilt at the end.
   The months touched are returned, for indicator recomputation.

`replace` (calls) corrects what an earlier rule imported: the file is read once to find its
period (its first and last local day), then, in one transaction, the source's stored rows of
that period are deleted, the file is written again, the summaries of the period's months are
rebuilt and the replacement is recorded in the audit trail (`import_replace`).

"All or nothing" sources are read twice: a first pass converts every row and writes nothing;
if any row is rejected the run fails and nothing is written. Memory stays flat: one chunk of
rows at a time.

A line of a closed year (core.closing, ADR 0025: its local day in a year the town closed) is
refused, counted among the rejected lines with the days and the year named, in the town's
« refuser » mode (so an all-or-nothing source is refused whole); in its « correction » mode it
is written, and the lines of each closed year are kept as one correction of the run, in the
transaction that writes them. `replace` of a period that touches a closed year is refused
before anything is deleted, unless the town corrects.

A bad file or a bad mapping never raises: the run ends FAILED with a French message. Any
other error (a database error, a bug in an importer) ends the run FAILED with a generic
message, is logged, and propagates; a reading process is stopped first."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from documents.tabular import TableError
from imports.chunks import REJECTIONS_KEPT, Chunk, file_chunks
from imports.files import UTF8, FileFacts, scan_file
from imports.importers import RowImporter
from imports.kinds import ImportConfigError, kind_spec
from imports.reader_process import ReadingProcess
from imports.rows import InsertRow
from imports.writing import InsertTarget, fewer_checkpoints, insert_all_or_none, insert_rows, lock_organisation_writes

if TYPE_CHECKING:
    from core.closing import ImportClosing
    from core.models import User
    from imports.models import ImportRun, ImportSource

logger = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"  # the values of core.models.ImportStatus (a test keeps them equal)
# Rows written per transaction: several chunks, each in its savepoint, and their summary
# counts added once. A chunk's counts touch about the same summary rows as the next chunk's
# (the same month), so on PostgreSQL a transaction per chunk spent a quarter of the server's
# time of an import rewriting those rows, and each commit waits for the disk.
TRANSACTION_ROWS = 50_000


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
        """Rows read that were neither imported, duplicates, rejected nor grouped with another
        into one row (lines not followed)."""
        run = self.run
        return max(0, run.rows_read - run.imported - run.duplicates - run.rejected - run.records_grouped)


Progress = Callable[["ImportRun"], None]
RUN_COUNTERS = ["read_bytes", "rows_read", "imported", "duplicates", "rejected", "records_grouped", "rejections"]


def start_run(*, source: ImportSource, filename: str, actor: User | None, total_bytes: int = 0) -> ImportRun:
    from imports.models import ImportRun

    return ImportRun.objects.create(
        organisation=source.organisation,
        source=source,
        filename=Path(filename).name[:255],
        actor=actor,
        total_bytes=total_bytes,
    )


def _count(run: ImportRun, chunk: Chunk, inserted: int, *, offset: int) -> None:
    run.read_bytes = offset + chunk.position
    run.rows_read += chunk.read
    run.imported += inserted
    run.duplicates += len(chunk.rows) - inserted
    run.rejected += chunk.rejected
    run.records_grouped += chunk.grouped
    room = REJECTIONS_KEPT - len(run.rejections)
    if room > 0:
        run.rejections = run.rejections + [{"line": line, "reason": reason} for line, reason in chunk.rejections[:room]]


def _day_index(importer: RowImporter) -> int | None:
    """Where a row holds its local day: the importer's `day_column`, else its `local_date`."""
    if importer.day_column is not None:
        return importer.day_column
    columns = importer.target.columns
    return columns.index("local_date") if "local_date" in columns else None


def _sorted_by_closing(importer: RowImporter, chunk: Chunk, closing: ImportClosing | None) -> Chunk:
    """The chunk with its rows of closed years refused (« refuser »: rejected, one reason per
    year naming its first and last day) or counted as corrections (« correction »)."""
    index = _day_index(importer)
    if closing is None or index is None or not closing.touches(chunk.months):
        return chunk
    late: dict[int, list[str]] = {}
    kept = []
    for row in chunk.rows:
        day = importer.day_text(row[index])
        found = closing.closing_of_day(day)
        if found is None:
            kept.append(row)
        else:
            late.setdefault(found.year, []).append(day)
    if closing.corrects:
        for days in late.values():
            closing.count(days[0], rows=len(days))
        return chunk
    rejected = sum(len(days) for days in late.values())
    # no line number: the rows of a chunk no longer know theirs; 0 shows as « — » (run_state.html)
    reasons = [(0, closing.lines_refusal(days)) for _year, days in sorted(late.items())]
    return replace(chunk, rows=kept, rejected=chunk.rejected + rejected, rejections=[*chunk.rejections, *reasons])


def _months(texts: Iterable[str]) -> set[dt.date]:
    return {dt.date.fromisoformat(text) for text in texts}


class Reading:
    """How the chunks of one file are read: in this process, or with `parallel` (the command
    line) by a reading process when the importer has a worker (imports.reader_process). The
    first reading process may start before the file is scanned (`start`), in UTF-8, the
    encoding of nearly every file: it reads while this process computes the file's hash."""

    def __init__(self, importer: RowImporter, path: Path, filename: str, parallel: bool) -> None:
        self.importer, self.path, self.filename, self.parallel = importer, path, filename, parallel
        self.started: ReadingProcess | None = None

    def start(self) -> None:
        worker = self.importer.worker() if self.parallel else None
        if worker is not None:
            self.started = ReadingProcess(worker, self.path, self.filename, UTF8)

    def stop(self) -> None:
        started, self.started = self.started, None
        if started is not None:
            started.stop()

    @contextlib.contextmanager
    def chunks(self, encoding: str) -> Iterator[Iterator[Chunk]]:
        """The file's chunks, closed on leaving: a failed write stops the reading process at once."""
        started, self.started = self.started, None
        if started is not None and started.encoding != encoding:
            started.stop()
            started = None
        worker = self.importer.worker() if started is None and self.parallel else None
        if worker is not None:
            started = ReadingProcess(worker, self.path, self.filename, encoding)
        if started is None:
            with contextlib.closing(file_chunks(self.importer, self.path, self.filename, encoding)) as chunks:
                yield chunks
            return
        try:
            yield started.chunks()
        finally:
            started.stop()


def _validate(
    reading: Reading,
    run: ImportRun,
    facts: FileFacts,
    progress: Progress | None,
    closing: ImportClosing | None = None,
) -> None:
    """The first pass of an all-or-nothing import: count, write nothing but the run's counters."""
    importer = reading.importer
    with reading.chunks(facts.encoding) as chunks:
        for read in chunks:
            chunk = _sorted_by_closing(importer, read, closing)
            if closing is not None:
                closing.counted = {}  # counted again by the writing pass
            empty = Chunk([], chunk.read, chunk.rejected, chunk.rejections, set(), chunk.position, chunk.grouped)
            _count(run, empty, 0, offset=0)
            run.save(update_fields=RUN_COUNTERS)
            if progress:
                progress(run)


def _write(
    reading: Reading,
    run: ImportRun,
    facts: FileFacts,
    *,
    offset: int,
    progress: Progress | None,
    closing: ImportClosing | None = None,
) -> tuple[set[str], set[str]]:
    """The writing pass: returns the months changed and those whose summaries need a rebuild."""
    changed: set[str] = set()
    stale: set[str] = set()
    importer = reading.importer
    target = importer.target
    with fewer_checkpoints(), reading.chunks(facts.encoding) as read:
        chunks = (_sorted_by_closing(importer, chunk, closing) for chunk in read)
        while _write_transaction(importer, target, run, chunks, offset, changed, stale, progress, closing):
            pass
    return changed, stale


def _write_transaction(
    importer: RowImporter,
    target: InsertTarget,
    run: ImportRun,
    chunks: Iterator[Chunk],
    offset: int,
    changed: set[str],
    stale: set[str],
    progress: Progress | None,
    closing: ImportClosing | None = None,
) -> bool:
    """Write the next chunks in one transaction, until it holds TRANSACTION_ROWS rows; the
    summary counts of its chunks are written once, before it commits, with the corrections of
    the lines of closed years it wrote. False at the file's end."""
    from django.db import transaction

    rows = 0
    committed = {name: getattr(run, name) for name in RUN_COUNTERS}
    try:
        with transaction.atomic():
            lock_organisation_writes(importer.organisation)
            for chunk in chunks:
                _write_chunk(importer, target, run, chunk, offset, changed, stale)
                if progress:
                    progress(run)
                rows += len(chunk.rows)
                if rows >= TRANSACTION_ROWS:
                    break
            else:
                rows = 0  # the file ended
            importer.flush_summaries()
            run.save(update_fields=RUN_COUNTERS)
            if closing is not None and closing.counted:
                closing.record(actor=run.actor, instance=run, label=run.filename)
    except BaseException:
        for name, value in committed.items():  # the failed run counts what was committed
            setattr(run, name, value)
        raise
    return rows > 0


def _write_chunk(
    importer: RowImporter,
    target: InsertTarget,
    run: ImportRun,
    chunk: Chunk,
    offset: int,
    changed: set[str],
    stale: set[str],
) -> None:
    """Write one chunk inside the caller's transaction and count it in the run."""
    if importer.merges:
        inserted, merged = _insert_or_merge(importer, target, chunk.rows)
        if merged:
            changed |= chunk.months
    else:
        inserted = insert_rows(target, chunk.rows)
        if inserted == len(chunk.rows):
            importer.summarise(chunk.rows)
        elif inserted:
            stale |= chunk.months
    if inserted:
        changed |= chunk.months
    _count(run, chunk, inserted, offset=offset)


def _insert_or_merge(importer: RowImporter, target: InsertTarget, rows: list[InsertRow]) -> tuple[int, bool]:
    """Insert a chunk of an importer that merges; when some of its rows are already stored,
    insert none and let the importer join them into the stored ones. Returns how many rows
    were new and whether a stored row changed. After a chunk whose rows were all stored (a
    file read again), the next goes to the join at once: its insert would be refused too."""
    if not importer.all_stored and insert_all_or_none(target, rows):
        importer.summarise(rows)
        return len(rows), False
    inserted, changed = importer.merge_stored(target, rows)
    importer.all_stored = not inserted
    return inserted, changed


def _closing_of(importer: RowImporter) -> ImportClosing:
    """The town's closed years as this import sees them (one query), its corrections named after
    the importer's app (its metrics' prefix: "telephony")."""
    from core.closing import ImportClosing

    closing = ImportClosing.of(importer.organisation)
    closing.metric_prefix = type(importer).__module__.split(".")[0]
    return closing


def _previous_complete_run(run: ImportRun) -> ImportRun | None:
    """An earlier run of the same source and file that imported or skipped every row read."""
    from imports.models import ImportRun

    earlier = ImportRun.objects.filter(
        organisation=run.organisation,
        source=run.source,
        file_sha256=run.file_sha256,
        status=DONE,
        rejected=0,
    ).exclude(pk=run.pk)
    for previous in earlier.order_by("-started_at")[:5]:
        if previous.rows_read == previous.imported + previous.duplicates + previous.records_grouped:
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
    run.rows_read = run.imported = run.duplicates = run.rejected = run.records_grouped = 0
    run.rejections = []


def import_file(
    *,
    source: ImportSource,
    path: Path,
    filename: str | None = None,
    actor: User | None = None,
    run: ImportRun | None = None,
    reread: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    parallel: bool = False,
) -> ImportResult:
    """THE import of one file for one source; returns the finished run and the months changed.
    Never raises for a bad file or a bad mapping: the run says what went wrong. `parallel`
    lets the importer read the file in a second process (the command line does); `replace`
    deletes the source's rows of the file's period first (see the module's docstring)."""
    run = run or start_run(source=source, filename=filename or path.name, actor=actor)
    reading: Reading | None = None
    try:
        importer = kind_spec(source.kind).factory(source)
        importer.prepare()
        reading = Reading(importer, path, run.filename, parallel)
        reading.start()  # reads while the file is scanned
        facts = scan_file(path)
        if replace:
            return _replace(reading, run, facts, progress=progress)
        return _import(reading, run, facts, reread=reread, progress=progress)
    except (ImportConfigError, TableError) as error:
        _finish(run, FAILED, str(error))
    except Exception:
        logger.exception("Import %s failed", run.pk)
        _finish(run, FAILED, "Erreur inattendue pendant l'import : l'administrateur peut consulter le journal.")
        raise
    finally:
        if reading is not None:
            reading.stop()
    return ImportResult(run)


def _file_period(reading: Reading, run: ImportRun, facts: FileFacts) -> tuple[dt.date, dt.date] | None:
    """The first and last local day of the file's rows (None without a row); the run counts
    what this pass read, so a file with rejected rows fails before anything is deleted."""
    importer = reading.importer
    if importer.day_column is None:
        raise ImportConfigError("Ce type de données ne se remplace pas par période.")
    first = last = None
    with reading.chunks(facts.encoding) as chunks:
        for chunk in chunks:
            days = [row[importer.day_column] for row in chunk.rows]  # in the rows' form, ordered as days
            if days:
                low, high = importer.day_text(min(days)), importer.day_text(max(days))
                first = min(first or low, low)
                last = max(last or high, high)
            _count(run, Chunk([], chunk.read, chunk.rejected, chunk.rejections, set(), 0, chunk.grouped), 0, offset=0)
    if first is None or last is None:
        return None
    return dt.date.fromisoformat(str(first)), dt.date.fromisoformat(str(last))


def _replace(reading: Reading, run: ImportRun, facts: FileFacts, *, progress: Progress | None) -> ImportResult:
    from django.db import transaction

    from core.audit import record_event
    from core.periods import add_months

    importer, source = reading.importer, reading.importer.source
    run.file_sha256, run.total_bytes = facts.sha256, 2 * facts.size
    period = _file_period(reading, run, facts)
    if run.rejected or period is None:
        reason = f"{run.rejected} lignes rejetées" if run.rejected else "aucun appel à importer"
        _finish(run, FAILED, f"Remplacement refusé ({reason}) : rien n'a été supprimé ni importé.")
        return ImportResult(run)
    first, last = period
    closing = _closing_of(importer)
    touched = [year for year in range(first.year, last.year + 1) if closing.closing_of_day(dt.date(year, 1, 1))]
    if touched and not closing.corrects:
        refusal = closing.year_refusal(touched[0])
        _finish(run, FAILED, f"Remplacement refusé, rien n'a été supprimé ni importé : {refusal}.")
        return ImportResult(run)
    _reset_counters(run)
    months = set()
    month = first.replace(day=1)
    while month <= last:
        months.add(month)
        month = add_months(month, 1)
    with transaction.atomic():
        lock_organisation_writes(source.organisation)
        deleted = importer.delete_period(first, last)
        _write(reading, run, facts, offset=facts.size, progress=progress, closing=closing)
        importer.refresh(months)
        record_event(
            organisation=source.organisation,
            actor=run.actor,
            instance=run,
            action="import_replace",
            after={"fichier": run.filename, "du": first.isoformat(), "au": last.isoformat(), "supprimés": deleted},
        )
        _finish(run, DONE)
    importer.finished(months)
    return ImportResult(run, months)


def _import(
    reading: Reading, run: ImportRun, facts: FileFacts, *, reread: bool, progress: Progress | None
) -> ImportResult:
    from django.db import transaction

    importer, source = reading.importer, reading.importer.source
    run.file_sha256, run.total_bytes = facts.sha256, facts.size
    if not reread and (previous := _previous_complete_run(run)) is not None:
        run.rows_read = previous.rows_read
        run.duplicates = previous.imported + previous.duplicates
        run.records_grouped = previous.records_grouped
        _finish(run, DONE)
        return ImportResult(run, already_imported=True)
    closing = _closing_of(importer)
    offset = 0
    if source.all_or_nothing:
        run.total_bytes = 2 * facts.size
        _validate(reading, run, facts, progress, closing)
        if run.rejected:
            _finish(
                run,
                FAILED,
                "Fichier refusé en entier (source « tout ou rien ») : aucune ligne enregistrée.",
            )
            return ImportResult(run)
        _reset_counters(run)
        offset = facts.size
    changed, stale = _write(reading, run, facts, offset=offset, progress=progress, closing=closing)
    if stale:
        with transaction.atomic():
            lock_organisation_writes(source.organisation)
            importer.refresh(_months(stale))
    _finish(run, DONE)
    months = _months(changed)
    if months:
        importer.finished(months)
    return ImportResult(run, months)
