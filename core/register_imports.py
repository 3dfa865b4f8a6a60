"""Importing a town's existing registers (written requests, acts, complaints) from its
spreadsheets, through one command (`manage.py import_register`) and each register's web page.

Each register app offers an importer here in its `AppConfig.ready()`:

    register_importer("requests", "Courriers et demandes écrites", import_requests)

An importer is called with keyword arguments `organisation`, `binary` (the file, opened in
binary mode), `filename` (its extension says CSV, XLSX or ODS), `actor` and `all_or_nothing`,
and returns an `ImportReport`. `import_rows` does the common work: it streams the rows, skips
the ones whose key is already stored or already seen in the file (so the same file twice adds
nothing), reports rejected rows by line, and writes in batches inside one transaction, rolled
back entirely when `all_or_nothing` and a row was rejected."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Protocol, TypeVar

from django.db import transaction

from core.models import Organisation, User
from core.tabular import Row, TableError, iter_rows

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


_importers: dict[str, RegisteredImporter] = {}


def register_importer(name: str, label: str, importer: Importer) -> None:
    _importers[name] = RegisteredImporter(name, label, importer)


def importers() -> list[RegisteredImporter]:
    return sorted(_importers.values(), key=lambda registered: registered.name)


def get_importer(name: str) -> RegisteredImporter:
    try:
        return _importers[name]
    except KeyError:
        known = ", ".join(registered.name for registered in importers()) or "aucun"
        raise KeyError(f"Registre « {name} » inconnu (registres connus : {known}).") from None


T = TypeVar("T")


class _Rollback(Exception):
    pass


def import_rows(
    *,
    rows: Iterable[Row],
    build: Callable[[Row], T],
    key: Callable[[T], str],
    existing_keys: Callable[[list[str]], set[str]],
    save: Callable[[list[T]], None],
    all_or_nothing: bool,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Build one object per row (`build` raises TableError for a bad row), skip those whose
    `key` is already stored (`existing_keys` answers for a batch of keys) or seen earlier in
    the file, and `save` the rest in batches, all in one transaction."""
    report = ImportReport(all_or_nothing=all_or_nothing)
    seen: set[str] = set()
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
                item_key = key(item)
                if item_key in seen:
                    report.duplicates += 1
                    continue
                seen.add(item_key)
                batch.append(item)
                if len(batch) >= batch_size:
                    _flush(batch, key, existing_keys, save, report)
                    batch = []
            _flush(batch, key, existing_keys, save, report)
            if report.rolled_back:
                raise _Rollback
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
) -> None:
    if not batch:
        return
    stored = existing_keys([key(item) for item in batch])
    fresh = [item for item in batch if key(item) not in stored]
    report.duplicates += len(batch) - len(fresh)
    if fresh:
        save(fresh)
        report.imported += len(fresh)


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
