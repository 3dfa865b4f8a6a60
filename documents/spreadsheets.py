"""Reading XLSX and ODS files row by row, within limits, so that a small file cannot hold
the server: a 274 KB XLSX can unzip to a million cells.

Before a cell is read, the archive's declared uncompressed size is checked against
`QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES` (zipfile never returns more than the size it
declares). Rows then come one at a time, from openpyxl's read-only mode (XLSX) or from an
iterparse of `content.xml` through defusedxml (ODS), each row dropped once read; a row past
`QUALIPILOTE_IMPORT_MAX_ROWS` or wider than `QUALIPILOTE_IMPORT_MAX_COLUMNS` stops the file
with a French message. ODS repeats (`number-rows-repeated`, `number-columns-repeated`) are
expanded only up to those limits: LibreOffice writes a million empty trailing cells that way."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

from documents.tabular import TableError, cell_text

ODS_CONTENT = "content.xml"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ROW_TAG = f"{{{TABLE}}}table-row"
CELL_TAGS = (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell")
TABLE_TAG = f"{{{TABLE}}}table"
PARAGRAPH_TAG = f"{{{TEXT}}}p"


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    unzipped_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.QUALIPILOTE_IMPORT_MAX_ROWS,
            columns=settings.QUALIPILOTE_IMPORT_MAX_COLUMNS,
            unzipped_bytes=settings.QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES,
        )

    def check_row(self, line: int) -> None:
        if line > self.rows:
            raise TableError(
                f"le fichier dépasse {self.rows} lignes, le maximum accepté : "
                "découpez-le en plusieurs fichiers ou enregistrez-le en CSV.",
                line=line,
            )

    def check_columns(self, count: int, line: int) -> None:
        if count > self.columns:
            raise TableError(
                f"la ligne a plus de {self.columns} colonnes, le maximum accepté : "
                "supprimez les colonnes inutiles du fichier.",
                line=line,
            )


def spreadsheet_records(binary: IO[bytes], kind: str, limits: Limits | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells as text) of every non-empty row of the first sheet."""
    limits = limits or Limits.from_settings()
    archive = _open_archive(binary, kind, limits)
    reader = _xlsx_rows if kind == "xlsx" else _ods_rows
    for line, cells in reader(archive, binary, limits):
        texts = [cell_text(cell) for cell in cells]
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            yield line, texts


def _open_archive(binary: IO[bytes], kind: str, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(binary)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableError(f"fichier {kind.upper()} illisible : ce n'est pas un classeur valide.") from None
    unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > limits.unzipped_bytes:
        raise TableError(
            f"fichier {kind.upper()} trop volumineux une fois décompressé ({unzipped // (1024 * 1024)} Mio, "
            f"maximum {limits.unzipped_bytes // (1024 * 1024)} Mio) : enregistrez-le en CSV ou découpez-le."
        )
    return archive


def _xlsx_rows(archive: zipfile.ZipFile, binary: IO[bytes], limits: Limits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    from openpyxl import load_workbook

    archive.close()
    binary.seek(0)
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises whatever its XML or zip layer raises
        raise TableError(f"fichier XLSX illisible ({error.__class__.__name__}).") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row
        rows = sheet.iter_rows(values_only=True)
        line = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except TableError:
                raise
            except Exception as error:
                raise TableError(f"fichier XLSX illisible ({error.__class__.__name__}).", line=line + 1) from None
            line += 1
            limits.check_row(line)
            limits.check_columns(_width(values), line)
            yield line, values
    finally:
        workbook.close()


def _width(values: tuple[Any, ...]) -> int:
    width = len(values)
    while width and values[width - 1] in (None, ""):
        width -= 1
    return width


def _ods_rows(archive: zipfile.ZipFile, binary: IO[bytes], limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    from defusedxml.ElementTree import iterparse

    try:
        content = archive.open(ODS_CONTENT)
    except KeyError:
        raise TableError("fichier ODS illisible : il ne contient pas de feuille de calcul.") from None
    line = 0
    parents: list[Any] = []
    try:
        for event, element in iterparse(content, events=("start", "end")):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            if element.tag == ROW_TAG:
                cells = _ods_cells(element, line + 1, limits)
                repeat = int(element.get(f"{{{TABLE}}}number-rows-repeated", "1") or 1)
                if cells:
                    for _ in range(repeat):
                        line += 1
                        limits.check_row(line)
                        yield line, cells
                else:
                    line += repeat  # empty rows, often a million of them at the end: skipped
                if parents:
                    parents[-1].remove(element)  # keep memory flat: the row is read
            elif element.tag == TABLE_TAG:
                return  # the first sheet only
    except TableError:
        raise
    except Exception as error:  # defusedxml refuses entities; a broken XML raises ParseError
        raise TableError(f"fichier ODS illisible ({error.__class__.__name__}).", line=line + 1) from None
    finally:
        archive.close()


def _ods_cells(row: Any, line: int, limits: Limits) -> list[Any]:
    cells: list[Any] = []
    empty = 0  # empty cells not yet placed: kept back, since trailing ones are dropped
    for cell in row:
        if cell.tag not in CELL_TAGS:
            continue
        repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1)
        value = _ods_value(cell)
        if value in (None, ""):
            empty += repeat
            continue
        limits.check_columns(len(cells) + empty + repeat, line)
        cells.extend([""] * empty)
        cells.extend([value] * repeat)
        empty = 0
    return cells


def _ods_value(cell: Any) -> Any:
    kind = cell.get(f"{{{OFFICE}}}value-type")
    if kind in ("float", "percentage", "currency"):
        try:
            return float(cell.get(f"{{{OFFICE}}}value"))
        except (TypeError, ValueError):
            pass
    if kind == "date":
        try:
            return dt.datetime.fromisoformat(cell.get(f"{{{OFFICE}}}date-value", ""))
        except ValueError:
            pass
    paragraphs = ["".join(paragraph.itertext()) for paragraph in cell.iter(PARAGRAPH_TAG)]
    return "\n".join(paragraphs)
