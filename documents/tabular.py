"""Reading the spreadsheets towns have: CSV (`;` or `,`, UTF-8 or cp1252), XLSX and ODS.

Rows come one at a time with their line number in the file, so that a bad value can be
reported as "ligne 12, colonne « Date de réception »" and a large CSV never sits in memory.
Values are strings, as a person typed them; the parse_* helpers turn them into dates,
times and durations with a French message when they cannot."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SEPARATORS = (";", ",", "\t")
ENCODINGS = ("utf-8-sig", "cp1252")
SAMPLE_BYTES = 64 * 1024


class TableError(ValueError):
    """A file or a value that cannot be read; the message is in French and says where."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        self.line = line
        self.column = column
        where = []
        if line is not None:
            where.append(f"ligne {line}")
        if column:
            where.append(f"colonne « {column} »")
        super().__init__(f"{', '.join(where)} : {message}" if where else message)
        self.reason = message


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def file_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix in ("csv", "txt"):
        return "csv"
    if suffix in ("xlsx", "ods"):
        return suffix
    raise TableError(f"format de fichier « .{suffix} » non pris en charge : utilisez CSV, XLSX ou ODS.")


def detect_encoding(sample: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return "cp1252"


def detect_separator(first_line: str) -> str:
    counts = {separator: first_line.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def open_text(binary: IO[bytes], encoding: str | None = None) -> io.TextIOWrapper:
    """Wrap a binary file as text in its detected encoding (UTF-8 with or without BOM, else cp1252)."""
    sample = binary.read(SAMPLE_BYTES)
    binary.seek(0)
    return io.TextIOWrapper(binary, encoding=encoding or detect_encoding(sample), newline="")


def csv_reader(text: io.TextIOWrapper, separator: str | None = None) -> Any:
    if separator is None:
        first_line = text.readline()
        text.seek(0)
        separator = detect_separator(first_line)
    return csv.reader(text, delimiter=separator)


def iter_csv_records(binary: IO[bytes], *, separator: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty record of a CSV file, headers included."""
    reader = csv_reader(open_text(binary), separator)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as error:
        raise TableError(f"fichier CSV illisible ({error}).", line=reader.line_num) from None


def _spreadsheet_records(binary: IO[bytes], kind: str) -> Iterator[tuple[int, list[str]]]:
    import tablib

    try:
        dataset = tablib.Dataset().load(binary.read(), format=kind, headers=False)
    except Exception as error:  # tablib raises whatever its backend raises
        raise TableError(f"fichier {kind.upper()} illisible ({error.__class__.__name__}).") from None
    for index, record in enumerate(dataset, start=1):
        cells = [cell_text(cell) for cell in record]
        if any(cells):
            yield index, cells


def cell_text(cell: Any) -> str:
    """A spreadsheet cell as the text a person reads (dates as DD/MM/YYYY)."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y %H:%M:%S") if cell.time() != dt.time() else cell.strftime("%d/%m/%Y")
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def iter_records(binary: IO[bytes], filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty record, headers included, whatever the format."""
    kind = file_format(filename)
    if kind == "csv":
        return iter_csv_records(binary)
    return _spreadsheet_records(binary, kind)


def iter_rows(binary: IO[bytes], filename: str, *, required: list[str] | None = None) -> Iterator[Row]:
    """The rows of a file whose first record holds the column headers."""
    records = iter_records(binary, filename)
    try:
        _, headers = next(records)
    except StopIteration:
        raise TableError("le fichier est vide.") from None
    headers = [header.strip() for header in headers]
    missing = [column for column in (required or []) if column not in headers]
    if missing:
        raise TableError(
            f"colonne(s) manquante(s) : {', '.join(missing)}. Colonnes trouvées : {', '.join(headers)}.", line=1
        )
    for line, cells in records:
        yield Row(line, dict(zip(headers, cells, strict=False)))


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")
DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")


def parse_date(text: str, *, line: int | None = None, column: str | None = None) -> dt.date:
    value = text.strip()
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise TableError(f"date « {text} » illisible : écrivez JJ/MM/AAAA ou AAAA-MM-JJ.", line=line, column=column)


def parse_datetime(text: str, *, line: int | None = None, column: str | None = None) -> dt.datetime:
    """A local date and time, written DD/MM/YYYY HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS] (or with a T)."""
    value = text.strip().replace("T", " ")
    for date_format in DATE_FORMATS:
        for time_format in TIME_FORMATS:
            try:
                return dt.datetime.strptime(value, f"{date_format} {time_format}")
            except ValueError:
                continue
    raise TableError(
        f"date et heure « {text} » illisibles : écrivez JJ/MM/AAAA HH:MM:SS ou AAAA-MM-JJ HH:MM:SS.",
        line=line,
        column=column,
    )


def parse_duration(text: str, *, line: int | None = None, column: str | None = None) -> int:
    """A duration in whole seconds, written as seconds (`75`) or as [H:]MM:SS (`1:15`, `0:01:15`)."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    match = DURATION.match(value)
    if match:
        hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
        if minutes < 60 and seconds < 60:
            return hours * 3600 + minutes * 60 + seconds
    raise TableError(
        f"durée « {text} » illisible : écrivez un nombre de secondes ou HH:MM:SS.", line=line, column=column
    )
