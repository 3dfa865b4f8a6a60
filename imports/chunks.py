"""Converting a file's records into chunks of rows: the loop every import runs, in this
process (`file_chunks`) or in the reading process (imports.reader_process).

A chunk holds up to CHUNK_ROWS converted rows with what its records gave besides: how many
were read and rejected, the first rejections (line and French reason), the months its rows
fall in and where the file was read up to (for the progress bar)."""

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


@dataclass
class Chunk:
    rows: list[InsertRow]
    read: int
    rejected: int
    rejections: list[tuple[int, str]]
    months: set[str]
    position: int

    def as_message(self) -> tuple[Any, ...]:
        """The fields as a tuple for the pipe (dataclasses.astuple would copy every row)."""
        return (self.rows, self.read, self.rejected, self.rejections, self.months, self.position)


def _rejection_reason(error: Exception) -> str:
    if isinstance(error, TableError):
        return f"colonne « {error.column} » : {error.reason}" if error.column else error.reason
    return "ligne illisible (valeur inattendue)"


def read_chunks(importer: ChunkReader, binary: IO[bytes], filename: str, encoding: str, size: int) -> Iterator[Chunk]:
    """Convert the records of a file, `size` rows at a time."""
    records = importer.records(binary, filename, encoding)
    convert = importer.convert  # records() may choose the converter
    rows: list[InsertRow] = []
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


def file_chunks(importer: ChunkReader, path: Path, filename: str, encoding: str) -> Generator[Chunk, None, None]:
    """The converted chunks of a file, read in this process."""
    with path.open("rb") as binary:
        yield from read_chunks(importer, binary, filename, encoding, CHUNK_ROWS)
