"""Writing the pack's ZIP: files added one at a time, each streamed into the archive (a CSV of
a million calls never sits in memory), under a unique path, all with the same date, in the order
the build adds them, so that the same year gives the same archive. What was written is listed
(`PackFile`: path, size, rows) for the index."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import posixpath
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.db.models.fields.files import FieldFile

from documents.exports import export_cell, neutralise

# Already compressed: stored as they are, deflating them again costs time for nothing.
STORED_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".zip"})
COPY_CHUNK = 1024 * 1024
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, fallback: str = "fichier") -> str:
    """A file or folder name every system takes: ASCII letters, digits, dot, dash, underscore."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = UNSAFE.sub("-", ascii_text).strip("-.")
    return name[:80] or fallback


@dataclass
class PackFile:
    """A file of the pack: its path inside the ZIP, its size once unpacked and, for a CSV, its
    rows (the header left out)."""

    path: str
    size: int
    rows: int | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    def link_from(self, folder: str) -> str:
        """Its path relative to `folder` (a folder of the pack, "" for the root): the index links."""
        return posixpath.relpath(self.path, folder) if folder else self.path


class PackArchive:
    """The ZIP being written to `handle` (a file opened for binary writing)."""

    def __init__(self, handle: IO[bytes], moment: dt.datetime) -> None:
        self.zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.date_time = moment.timetuple()[:6]
        self.files: list[PackFile] = []
        self._paths: set[str] = set()

    def unique(self, path: str) -> str:
        """`path`, or `name-2.ext`, `name-3.ext`... when it is taken."""
        candidate, number = path, 1
        pure = PurePosixPath(path)
        while candidate.lower() in self._paths:
            number += 1
            candidate = str(pure.with_name(f"{pure.stem}-{number}{pure.suffix}"))
        self._paths.add(candidate.lower())
        return candidate

    def _info(self, path: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self.date_time)  # type: ignore[arg-type]
        stored = PurePosixPath(path).suffix.lower() in STORED_SUFFIXES
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def _added(self, path: str, size: int, rows: int | None = None, label: str = "") -> PackFile:
        added = PackFile(path, size, rows, label)
        self.files.append(added)
        return added

    def add_bytes(self, path: str, data: bytes, *, label: str = "") -> PackFile:
        path = self.unique(path)
        self.zip.writestr(self._info(path), data)
        return self._added(path, len(data), label=label)

    def add_stored(self, path: str, stored: FieldFile, *, label: str = "") -> PackFile:
        """A file of the town's storage (an evidence file, a scanned grid), copied by chunks."""
        path = self.unique(path)
        with stored.open("rb") as source, self.zip.open(self._info(path), "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
        return self._added(path, self.zip.getinfo(path).file_size, label=label)

    def add_csv(self, path: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, label: str = "") -> PackFile:
        """A CSV as the exports write it (`;`, UTF-8 with BOM, formulas neutralised: documents.
        exports), streamed row by row."""
        path = self.unique(path)
        count = 0
        with self.zip.open(self._info(path), "w", force_zip64=True) as target:
            text = io.TextIOWrapper(target, encoding="utf-8", newline="")
            writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
            text.write("\ufeff")
            writer.writerow([neutralise(header) for header in headers])
            for row in rows:
                writer.writerow([export_cell(value) for value in row])
                count += 1
            text.flush()
            text.detach()
        return self._added(path, self.zip.getinfo(path).file_size, rows=count, label=label)

    def add_csv_if_any(
        self, path: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, label: str = ""
    ) -> PackFile | None:
        """`add_csv`, unless there is no row at all: no file of headers alone."""
        found = iter(rows)
        first = next(found, None)
        if first is None:
            return None
        return self.add_csv(path, headers, itertools.chain([first], found), label=label)

    def close(self) -> None:
        self.zip.close()
