"""Converting a file's records into chunks of rows: the loop every import runs, in this
process (`file_chunks`) or in the reading process (imports.reader_process).

A chunk holds up to CHUNK_ROWS converted rows with what its records gave besides: how many
were read and rejected, the first rejections (line and French reason), the months its rows
fall in, where the file was read up to (for the progress bar) and how many records joined
a row of another (the records of one call, telephony.call_groups).

An importer that joins several records into one row gives its rows when they are complete
(`closed_rows`): read_chunks asks for them every SWEEP_RECORDS records and at the end."""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from documents.tabular import TableError
from imports.importers import ChunkReader
from imports.rows import InsertRow

CHUNK_ROWS = 10_000
REJECTIONS_KEPT = 50
SWEEP_RECORDS = 1024


@dataclass
class Chunk:
    rows: list[InsertRow]
    read: int
    rejected: int
    rejections: list[tuple[int, str]]
    months: set[str]
    position: int
    grouped: int = 0

    def as_message(self) -> tuple[Any, ...]:
        """The fields as a tuple for the pipe (dataclasses.astuple would copy every row)."""
        return (self.rows, self.read, self.rejected, self.rejections, self.months, self.position, self.grouped)


def _rejection_reason(error: Exception) -> str:
    if isinstance(error, TableError):
        return f"colonne « {error.column} » : {error.reason}" if error.column else error.reason
    return "ligne illisible (valeur inattendue)"


def read_chunks(importer: ChunkReader, binary: IO[bytes], filename: str, encoding: str, size: int) -> Iterator[Chunk]:
    """Convert the records of a file, `size` rows at a time."""
    records = importer.records(binary, filename, encoding)
    convert = importer.convert  # records() may choose the converter
    closed_rows = importer.closed_rows
    rows: list[InsertRow] = []
    append = rows.append
    read = rejected = grouped = 0
    rejections: list[tuple[int, str]] = []
    sweep = SWEEP_RECORDS
    try:
        for cells in records:
            if not cells:
                continue
            read += 1
            sweep -= 1
            if not sweep:
                sweep = SWEEP_RECORDS
                closed, joined = closed_rows(False)
                rows += closed
                grouped += joined
                if len(rows) >= size:
                    yield Chunk(rows, read, rejected, rejections, importer.take_months(), binary.tell(), grouped)
                    rows, read, rejected, grouped, rejections = [], 0, 0, 0, []
                    append = rows.append
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
                    yield Chunk(rows, read, rejected, rejections, importer.take_months(), binary.tell(), grouped)
                    rows, read, rejected, grouped, rejections = [], 0, 0, 0, []
                    append = rows.append
    except csv.Error as error:
        raise TableError(f"fichier CSV illisible ({error}).", line=records.line_num) from None
    closed, joined = closed_rows(True)
    rows += closed
    yield Chunk(rows, read, rejected, rejections, importer.take_months(), binary.tell(), grouped + joined)


def file_chunks(importer: ChunkReader, path: Path, filename: str, encoding: str) -> Generator[Chunk, None, None]:
    """The converted chunks of a file, read in this process."""
    with path.open("rb") as binary:
        yield from read_chunks(importer, binary, filename, encoding, CHUNK_ROWS)
