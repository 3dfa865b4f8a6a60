"""Reading the spreadsheets towns have: CSV (`;` or `,`, UTF-8 or cp1252), XLSX and ODS.

Rows come one at a time with their line number in the file, so that a bad value can be
reported as "ligne 12, colonne « Date de réception »" and a large CSV never sits in memory.
Values are strings, as a person typed them; the parse_* helpers turn them into dates,
times and durations with a French message when they cannot."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SEPARATORS = (";", ",", "\t")
ENCODINGS = ("utf-8-sig", "cp1252")
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
SAMPLE_BYTES = 64 * 1024
# A text line longer than this is refused before it is decoded or split (a million-column line).
MAX_LINE_BYTES = 256 * 1024
# What a message quotes of a value, and the longest message kept: errors are shown and stored.
EXCERPT_CHARS = 80
MAX_MESSAGE_CHARS = 1000
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
        message = shorten(message, MAX_MESSAGE_CHARS)
        super().__init__(f"{', '.join(where)} : {message}" if where else message)
        self.reason = message


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut: values quoted in messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def refuse_utf16(sample: bytes) -> None:
    """UTF-16 (what Excel's "Unicode text" writes) is refused by name rather than read as garbage."""
    if sample.startswith(UTF16_BOMS) or (len(sample) >= 4 and sample[:200].count(0) * 3 > len(sample[:200])):
        raise TableError(
            "le fichier est encodé en UTF-16 : enregistrez-le en CSV UTF-8 "
            "(LibreOffice : « Enregistrer sous », jeu de caractères Unicode (UTF-8))."
        )


def detect_encoding(sample: bytes) -> str:
    refuse_utf16(sample)
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


def text_lines(binary: IO[bytes], encoding: str, *, errors: str = "strict") -> Iterator[str]:
    """The lines of a text file, each decoded on its own, so that a byte the encoding cannot
    read, or a line longer than MAX_LINE_BYTES, is a TableError naming its line (counted from
    where `binary` stands)."""
    line = 0
    while raw := binary.readline(MAX_LINE_BYTES + 1):
        line += 1
        if len(raw) > MAX_LINE_BYTES:
            raise TableError(
                f"ligne trop longue (plus de {MAX_LINE_BYTES // 1024} Kio) : ce fichier n'est pas un tableau attendu.",
                line=line,
            )
        try:
            yield raw.decode(encoding, errors)
        except UnicodeDecodeError as error:
            raise TableError(undecodable(raw, error, encoding), line=line) from None


def undecodable(raw: bytes, error: UnicodeDecodeError, encoding: str) -> str:
    name = ENCODING_NAMES.get(encoding, encoding)
    return (
        f"octet 0x{raw[error.start]:02X} illisible en {name} (caractère {error.start + 1}) : "
        "enregistrez le fichier en CSV UTF-8."
    )


def csv_records(lines: Iterator[str], separator: str, *, max_columns: int) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty record; a record wider than `max_columns` is a TableError."""
    reader = csv.reader(lines, delimiter=separator)
    try:
        for cells in reader:
            if len(cells) > max_columns:
                raise TableError(
                    f"la ligne a {len(cells)} colonnes, plus que le maximum accepté ({max_columns}).",
                    line=reader.line_num,
                )
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as error:
        raise TableError(csv_error_message(error), line=reader.line_num) from None


def csv_error_message(error: csv.Error) -> str:
    """The csv module's English errors, said in French."""
    text = str(error)
    if "NUL" in text:
        return "le fichier contient un caractère nul : ce n'est pas un fichier texte CSV."
    if "field limit" in text:
        return f"valeur de plus de {csv.field_size_limit() // 1024} Kio : ce fichier n'est pas un tableau attendu."
    return "fichier CSV illisible (guillemet non refermé ?)."


def iter_csv_records(binary: IO[bytes], *, separator: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty record of a CSV file, headers included."""
    from django.conf import settings

    sample = binary.read(SAMPLE_BYTES)
    binary.seek(0)
    encoding = detect_encoding(sample)
    if separator is None:
        first_line = sample.split(b"\n", 1)[0].decode(encoding, errors="replace")
        separator = detect_separator(first_line)
    lines = text_lines(binary, encoding)
    return csv_records(lines, separator, max_columns=settings.QUALIPILOTE_IMPORT_MAX_COLUMNS)


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
    from documents.spreadsheets import spreadsheet_records

    return spreadsheet_records(binary, kind)


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
        padding = [""] * (len(headers) - len(cells))  # spreadsheets drop a row's trailing empty cells
        yield Row(line, dict(zip(headers, [*cells, *padding], strict=False)))


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
