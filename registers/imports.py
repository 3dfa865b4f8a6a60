"""Importing a town's existing registers (written requests, acts, complaints) from its
spreadsheets, through one command (`manage.py import_register`) and each register's web page.

Each register app offers an importer here in its `AppConfig.ready()`:

    IMPORTERS.register("requests", RegisteredImporter("requests", "Courriers et demandes écrites", import_requests))

An importer is called with keyword arguments `organisation`, `binary` (the file, opened in
binary mode), `filename` (its extension says CSV, XLSX or ODS), `actor` and `all_or_nothing`,
and returns an `ImportReport`. `import_rows` does the common work: it streams the rows, skips
the ones whose key is already stored or already seen in the file (so the same file twice adds
nothing), reports rejected rows by line, and writes in batches inside one transaction, rolled
back entirely when `all_or_nothing` and a row was rejected.

A register whose rows carry a `reference` (registers.models.RegisterRecord) writes a
`RegisterRowReader` (its `build(row)` turns a row into an unsaved record, with the cell
helpers below: `cell`, `optional_date`, `required_date`, `choice`, `ServiceLookup`) and gets
its importer from `importer_for(ReaderClass)`: the file's header is checked, rows are keyed by
reference, saved in batches (with an "import" log row each when the register has a
workflow), the register's counters moved past the numbers imported (`numbering`: the next
registration continues the town's paper register), and one audit event records the counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar, Protocol, TypeVar, cast

from django.db import transaction

from core.audit import record_event
from core.closing import ImportClosing
from core.models import Organisation, Service, User
from core.registries import Registry, records_changed
from documents.tabular import Row, TableError, iter_rows, parse_date
from registers.deadlines import future_day_error, months_of
from registers.models import Numbering, RegisterItem, RegisterRecord, Workflow

# Uploads larger than this are refused before a byte is read (web page only).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 500
MAX_REPORTED_REJECTIONS = 200


@dataclass(frozen=True)
class Rejection:
    line: int | None
    message: str


@dataclass
class ImportReport:
    """What an import did. `file_error` is set when the file itself could not be read."""

    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    rejected: int = 0
    all_or_nothing: bool = False
    file_error: str = ""

    @property
    def rolled_back(self) -> bool:
        """Nothing was written: the file was unreadable, or a row was rejected in all-or-nothing mode."""
        return bool(self.file_error) or (self.all_or_nothing and self.rejected > 0)

    def reject(self, line: int | None, message: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REPORTED_REJECTIONS:
            self.rejections.append(Rejection(line, message))

    def summary(self) -> str:
        if self.file_error:
            return f"Fichier refusé : {self.file_error}"
        text = (
            f"{self.rows_read} ligne(s) lue(s), {self.imported} importée(s), "
            f"{self.duplicates} déjà présente(s), {self.rejected} rejetée(s)."
        )
        if self.rolled_back:
            text += " Mode « tout ou rien » : aucune ligne n'a été enregistrée."
        return text


class Importer(Protocol):
    def __call__(
        self, *, organisation: Organisation, binary: IO[bytes], filename: str, actor: User | None, all_or_nothing: bool
    ) -> ImportReport: ...


@dataclass(frozen=True)
class RegisteredImporter:
    name: str
    label: str
    importer: Importer


# The register files apps can import, by name: `IMPORTERS.register(name, RegisteredImporter(...))`
# in AppConfig.ready().
IMPORTERS: Registry[RegisteredImporter] = Registry("register importers")


def get_importer(name: str) -> RegisteredImporter:
    """The importer of register `name`, or a KeyError that names the known ones in French."""
    if name not in IMPORTERS:
        known = ", ".join(IMPORTERS.keys()) or "aucun"
        raise KeyError(f"Registre « {name} » inconnu (registres connus : {known}).")
    return IMPORTERS.get(name)


T = TypeVar("T")


class _Rollback(Exception):
    pass


def own_day(item: Any) -> dt.date | None:
    """The day that decides the year of an imported record (core.closing): its day of receipt
    (written requests, act requests, complaints), else the day its act was issued (act errors)."""
    day = getattr(item, "received_on", None) or getattr(item, "issued_on", None)
    return day if isinstance(day, dt.date) else None


def import_rows(
    *,
    rows: Iterable[Row],
    build: Callable[[Row], T],
    key: Callable[[T], str],
    existing_keys: Callable[[list[str]], set[str]],
    save: Callable[[list[T]], None],
    all_or_nothing: bool,
    batch_size: int = BATCH_SIZE,
    filename: str = "",
    actor: User | None = None,
) -> ImportReport:
    """Build one object per row (`build` raises TableError for a bad row), skip those whose
    `key` is already stored (`existing_keys` answers for a batch of keys) or seen earlier in
    the file, and `save` the rest in batches, all in one transaction.

    A row of a closed year (its `own_day`, core.closing) is rejected by its line in the town's
    « refuser » mode; in « correction » mode it is imported and the new ones are kept as one
    correction per year, naming the file and who imported it (`filename`, `actor`)."""
    report = ImportReport(all_or_nothing=all_or_nothing)
    seen: set[str] = set()
    closing: ImportClosing | None = None
    try:
        with transaction.atomic():
            batch: list[T] = []
            for row in rows:
                report.rows_read += 1
                try:
                    item = build(row)
                except TableError as error:
                    report.reject(row.line, str(error) if error.line else f"ligne {row.line} : {error}")
                    continue
                if closing is None:
                    closing = ImportClosing.of(item.organisation)  # type: ignore[attr-defined]
                    closing.metric_prefix = item._meta.app_label  # type: ignore[attr-defined]
                day = own_day(item)
                if not closing.corrects and closing.closing_of_day(day) is not None:
                    report.reject(row.line, f"ligne {row.line} : {closing.line_refusal(day)}")  # type: ignore[arg-type]
                    continue
                item_key = key(item)
                if item_key in seen:
                    report.duplicates += 1
                    continue
                seen.add(item_key)
                batch.append(item)
                if len(batch) >= batch_size:
                    _flush(batch, key, existing_keys, save, report, closing)
                    batch = []
            _flush(batch, key, existing_keys, save, report, closing)
            if report.rolled_back:
                raise _Rollback
            if closing is not None and closing.counted:
                organisation = closing.organisation
                closing.record(actor=actor, instance=organisation, label=filename or "registre importé")
    except _Rollback:
        report.imported = 0
    except TableError as error:
        report.file_error = str(error)
        report.imported = 0
    return report


def _flush(
    batch: list[T],
    key: Callable[[T], str],
    existing_keys: Callable[[list[str]], set[str]],
    save: Callable[[list[T]], None],
    report: ImportReport,
    closing: ImportClosing | None,
) -> None:
    if not batch:
        return
    stored = existing_keys([key(item) for item in batch])
    fresh = [item for item in batch if key(item) not in stored]
    report.duplicates += len(batch) - len(fresh)
    if fresh:
        save(fresh)
        report.imported += len(fresh)
        if closing is not None and closing.closings:
            for item in fresh:
                closing.count(own_day(item))


def normalise(text: str) -> str:
    """Compare headers and values as a person reads them: without accents, case, curly
    apostrophes or repeated spaces ("Date d’Accusé" matches "Date d'accusé")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.lower().split())


def normalised_rows(binary: IO[bytes], filename: str, *, required: list[str]) -> Iterator[Row]:
    """The rows of a file with a header line, keyed by normalised header; a missing required
    column is a file error (TableError on line 1)."""
    wanted = {normalise(column): column for column in required}
    for index, row in enumerate(iter_rows(binary, filename)):
        values = {normalise(header): value for header, value in row.values.items()}
        if index == 0:
            missing = [column for key, column in wanted.items() if key not in values]
            if missing:
                found = ", ".join(header for header in row.values if header)
                raise TableError(
                    f"colonne(s) manquante(s) : {', '.join(missing)}. Colonnes trouvées : {found}.", line=1
                )
        yield Row(row.line, values)


def cell(row: Row, column: str) -> str:
    """The value of `column` in a row read by `normalised_rows`, stripped ("" when absent)."""
    return row.values.get(normalise(column), "").strip()


class RowKeys:
    """The stable key of each row: its reference when the file has one, else a fingerprint of
    its identifying fields and its rank among identical rows of the file, so that the same
    file twice gives the same keys and identical rows (two letters of one day with no other
    detail) stay distinct."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: Counter[str] = Counter()

    def key(self, reference: str, fields: list[str]) -> str:
        if reference:
            return reference[:64]
        fingerprint = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:24]
        self.seen[fingerprint] += 1
        return f"{self.prefix}-{fingerprint}-{self.seen[fingerprint]}"


def optional_date(row: Row, column: str, *, today: dt.date | None = None) -> dt.date | None:
    """The date of `column`, if any; with `today`, a later day is refused as the forms refuse it."""
    text = cell(row, column)
    day = parse_date(text, line=row.line, column=column) if text else None
    if today is not None and (error := future_day_error(day, today)):
        raise TableError(error, line=row.line, column=column)
    return day


def required_date(row: Row, column: str, message: str = "date manquante.", *, today: dt.date | None = None) -> dt.date:
    day = optional_date(row, column, today=today)
    if day is None:
        raise TableError(message, line=row.line, column=column)
    return day


Value = TypeVar("Value", bound=str)


def names_index(names: Mapping[Value, Sequence[str]]) -> dict[str, Value]:
    """{value: [the words people write for it]} as {normalised word: value}."""
    return {normalise(name): value for value, words in names.items() for name in words}


def choice(row: Row, column: str, names: Mapping[str, str], message: str) -> str:
    """The value whose word (from `names_index`) the cell holds; else `message`, in which
    `{text}` is the cell as written."""
    text = cell(row, column)
    value = names.get(normalise(text))
    if value is None:
        raise TableError(message.format(text=text), line=row.line, column=column)
    return value


class ServiceLookup:
    """The town's services by code or name, as a register file names them."""

    def __init__(self, organisation: Organisation) -> None:
        self.by_name: dict[str, Service] = {}
        for service in Service.objects.filter(organisation=organisation):
            self.by_name[normalise(service.code)] = self.by_name[normalise(service.name)] = service

    def get(self, row: Row, column: str = "Service") -> Service | None:
        text = cell(row, column)
        if not text:
            return None
        service = self.by_name.get(normalise(text))
        if service is None:
            raise TableError(f"service « {text} » inconnu de la ville.", line=row.line, column=column)
        return service


class RegisterRowReader:
    """Turns the rows of a register file into unsaved records of `model`, each keyed by its
    `reference` (the file's, or a `RowKeys` fingerprint). A register subclasses it, gives the
    class attributes below and writes `build(row)`, raising TableError for a bad row."""

    model: ClassVar[type[RegisterRecord]]
    required: ClassVar[list[str]]  # the columns a file must have
    audit_action: ClassVar[str]  # the action of the audit event that records an import
    metric_prefix: ClassVar[str]
    workflow: ClassVar[Workflow | None] = None  # its "import" log row per record, if any
    numbering: ClassVar[Numbering | None] = None  # its counters follow the references imported
    key_prefix: ClassVar[str] = "imp"

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.today = organisation.today()  # dates after it are refused, as the forms refuse them
        self.keys = RowKeys(self.key_prefix)
        self.months: set[dt.date] = set()

    def build(self, row: Row) -> Any:
        raise NotImplementedError

    def existing(self, keys: list[str]) -> set[str]:
        stored = self.model._default_manager.filter(organisation=self.organisation, reference__in=keys)
        return set(stored.values_list("reference", flat=True))

    def save(self, records: list[Any]) -> None:
        created = self.model._default_manager.bulk_create(records)
        if self.workflow is not None:
            self.workflow.log_imported(cast(list[RegisterItem], created))
        for record in created:
            self.months |= months_of(*record.indicator_days())
        if self.numbering is not None:
            self.numbering.follow(self.organisation.pk, [str(record.reference) for record in created])


def import_register(
    reader_class: type[RegisterRowReader],
    *,
    organisation: Organisation,
    binary: IO[bytes],
    filename: str,
    actor: User | None,
    all_or_nothing: bool,
) -> ImportReport:
    """Import a register file with `reader_class` (see `import_rows` for duplicates and the
    all-or-nothing mode); one audit event with the counts when rows were written."""
    with transaction.atomic():
        reader = reader_class(organisation)
        report = import_rows(
            rows=normalised_rows(binary, filename, required=reader.required),
            build=reader.build,
            key=lambda record: str(record.reference),
            existing_keys=reader.existing,
            save=reader.save,
            all_or_nothing=all_or_nothing,
            filename=filename,
            actor=actor,
        )
        if report.imported and not report.rolled_back:
            counts = {"rows_read": report.rows_read, "imported": report.imported, "rejected": report.rejected}
            record_event(
                organisation=organisation, actor=actor, instance=organisation, action=reader.audit_action, after=counts
            )
            records_changed(organisation=organisation, metric_prefix=reader.metric_prefix, months=reader.months)
    return report


def importer_for(reader_class: type[RegisterRowReader]) -> Importer:
    """The importer of a register whose rows `reader_class` reads."""

    def importer(
        *, organisation: Organisation, binary: IO[bytes], filename: str, actor: User | None, all_or_nothing: bool
    ) -> ImportReport:
        return import_register(
            reader_class,
            organisation=organisation,
            binary=binary,
            filename=filename,
            actor=actor,
            all_or_nothing=all_or_nothing,
        )

    return importer
