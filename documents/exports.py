"""Exporting lists to CSV, XLSX and ODS, with spreadsheet formulas neutralised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def neutralise(value: Any) -> Any:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers stay numbers (a negative number is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    return neutralise(value)


def export_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], file_format: str) -> bytes:
    """The rows as a CSV (`;`, UTF-8 with BOM, for LibreOffice and Excel), XLSX or ODS file."""
    if file_format not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format {file_format!r}.")
    dataset = tablib.Dataset(headers=[neutralise(header) for header in headers])
    for row in rows:
        dataset.append([export_cell(value) for value in row])
    if file_format == "csv":
        return ("\ufeff" + dataset.export("csv", delimiter=";")).encode("utf-8")
    exported = dataset.export(file_format)
    return exported if isinstance(exported, bytes) else exported.encode("utf-8")


def export_response(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], file_format: str, filename: str
) -> HttpResponse:
    response = HttpResponse(export_table(headers, rows, file_format), content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
