"""Reading import files: one scan for size, hash and encoding, then their records, streamed.

`scan_file` reads a file once in blocks: size, SHA-256 and encoding (UTF-8 if every byte
decodes as UTF-8, else cp1252). Records come from `csv_records` (Asterisk, CSV tables) or, for
spreadsheets, `NumberedRecords`; `table_layout` opens a table file and finds the column of
every field its source maps."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from documents.tabular import (
    SEPARATORS,
    TableError,
    detect_separator,
    file_format,
    iter_records,
    refuse_utf16,
    shorten,
)
from imports.kinds import FieldSpec, ImportConfigError

if TYPE_CHECKING:
    from imports.models import ImportSource

SCAN_BLOCK = 1024 * 1024
UTF8 = "utf-8-sig"  # UTF-8, a byte-order mark at the start skipped


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str
    encoding: str


def scan_file(path: Path) -> FileFacts:
    """Size, SHA-256 and encoding of a file, read once in blocks. A file that is not UTF-8 is
    read as Windows-1252; a UTF-16 file, or a UTF-8 file with a byte of another encoding further
    on (two files pasted together), is a TableError naming the line."""
    digest = hashlib.sha256()
    utf8 = Utf8Check()
    size = 0
    with path.open("rb") as binary:
        while block := binary.read(SCAN_BLOCK):
            if not size:
                refuse_utf16(block)
            size += len(block)
            digest.update(block)
            utf8.read(block)
    utf8.read(b"", final=True)
    return FileFacts(size, digest.hexdigest(), UTF8 if utf8.holds else "cp1252")


class Utf8Check:
    """Whether the blocks read so far are UTF-8. A first bad byte after text that only UTF-8
    writes (an accent as two bytes) means mixed encodings: refused, with its line."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder(UTF8)()
        self.holds = True
        self.lines = 0
        self.accented = False

    def read(self, block: bytes, *, final: bool = False) -> None:
        if not self.holds:
            return
        if block.isascii() and not self.decoder.getstate()[0]:
            # nothing pending from the block before: ASCII bytes are UTF-8, no need to decode
            # them (the usual block of an exchange's log: a tenth of the time)
            self.lines += block.count(b"\n")
            return
        try:
            text = self.decoder.decode(block, final=final)
        except UnicodeDecodeError as error:
            before = error.object[: error.start]
            if self.accented or not before.isascii():
                line = self.lines + before.count(b"\n") + 1
                raise TableError(
                    f"octet 0x{error.object[error.start]:02X} illisible en UTF-8 alors que le début du fichier est en "
                    "UTF-8 (deux encodages mélangés) : enregistrez le fichier entier en UTF-8.",
                    line=line,
                ) from None
            self.holds = False
            return
        self.lines += text.count("\n")
        self.accented = self.accented or not text.isascii()


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
    found = ", ".join(f"« {shorten(header)} »" for header in headers if header.strip()) or "aucune"
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
        from django.conf import settings  # here: the reading process (imports.reader_process) loads no Django

        if len(first) > settings.QUALIPILOTE_IMPORT_MAX_COLUMNS:
            raise TableError(
                f"la ligne d'en-têtes a {len(first)} colonnes, plus que le maximum accepté "
                f"({settings.QUALIPILOTE_IMPORT_MAX_COLUMNS}).",
                line=records.line_num,
            )
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
