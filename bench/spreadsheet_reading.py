"""Benchmark: reading a small spreadsheet that holds a million cells (issue 10, item 7).

    .venv/bin/python bench/spreadsheet_reading.py [--quick]

1. Writes an XLSX of 1,000 rows x 1,000 columns (a million short numbers, about 270 KB
   zipped) and an ODS of 200 x 500 cells (100,000; odfpy is too slow for more); --quick
   divides both by ten.
2. Before: the whole sheet loaded as the import did until issue 10 (tablib's `Dataset.load`,
   openpyxl's normal mode or odfpy). After: `documents.tabular.iter_records`, the import's
   reader, with the default limits (the first row is refused: more than 200 columns), then
   with the limits raised so that every cell is read, row by row.
3. Each reading runs in its own Python process: CPU seconds and the growth of the peak
   resident memory (ru_maxrss after the reading minus before it, Django already loaded).

Bars: the refusal under half the CPU of the whole load and under 10 MiB; streaming every
cell under 40 MiB; before and after read the same number of cells. An XLSX without a
`<dimension>` element (openpyxl's write-only mode, or a crafted file; Excel and LibreOffice
write it) costs openpyxl's read-only mode one scan of the sheet before the first row, at
constant memory: that scan is bounded by QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES.
The bars are printed, OK or HORS BARRE; the exit status is 1 only when the readers disagree
on the cells."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import io, json, os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipilote.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
import django
django.setup()
import tablib, openpyxl, odf.opendocument, defusedxml.ElementTree  # imported before measuring
from django.test import override_settings
from documents.tabular import TableError, iter_records
path, mode, kind = sys.argv[1], sys.argv[2], sys.argv[3]
before = resource.getrusage(resource.RUSAGE_SELF)
cells, refused = 0, ""
with open(path, "rb") as binary:
    if mode == "before":
        dataset = tablib.Dataset().load(binary.read(), format=kind, headers=False)
        cells = sum(1 for row in dataset for cell in row if cell not in (None, ""))
    else:
        limits = {{}} if mode == "after" else dict(
            QUALIPILOTE_IMPORT_MAX_ROWS=10**7, QUALIPILOTE_IMPORT_MAX_COLUMNS=10**5,
            QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES=10**10)
        with override_settings(**limits):
            try:
                cells = sum(len(cells) for _, cells in iter_records(binary, "f." + kind))
            except TableError as error:
                refused = str(error)
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
print(json.dumps({{"cpu": cpu, "mib": (after.ru_maxrss - before.ru_maxrss) / 1024, "cells": cells,
                  "refused": refused}}))
"""


def write_xlsx(path: Path, rows: int, columns: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in range(rows):
        sheet.append([(row + column) % 10 for column in range(columns)])
    workbook.save(path)


def write_ods(path: Path, rows: int, columns: int) -> None:
    import tablib

    dataset = tablib.Dataset()
    for row in range(rows):
        dataset.append([(row + column) % 10 for column in range(columns)])
    path.write_bytes(dataset.export("ods"))


def measure(path: Path, mode: str, kind: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path), mode, kind],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bar(ok: bool) -> str:
    return "OK" if ok else "HORS BARRE"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="dix fois moins de cellules")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    sizes = {"xlsx": (1000 // scale, 1000), "ods": (200 // scale, 500)}
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for kind, (rows, columns) in sizes.items():
            path = Path(folder) / f"cells.{kind}"
            (write_xlsx if kind == "xlsx" else write_ods)(path, rows, columns)
            print(f"{kind.upper()} : {rows} lignes x {columns} colonnes, {path.stat().st_size / 1024:.0f} Ko")
            before = measure(path, "before", kind)
            refused = measure(path, "after", kind)
            streamed = measure(path, "streamed", kind)
            for label, figures in (
                ("avant (feuille chargée entière)", before),
                ("après, limites par défaut", refused),
                ("après, limites levées (tout lu)", streamed),
            ):
                print(
                    f"  {label:<34} {figures['cpu']:6.2f} s CPU  +{figures['mib']:6.1f} Mio  "
                    f"{figures['cells']:>8} cellules  {str(figures['refused'])[:70]}"
                )
            print(f"  rapport CPU avant / refus : {before['cpu'] / max(float(refused['cpu']), 0.001):.0f} x")
            quick_refusal = float(refused["cpu"]) < float(before["cpu"]) / 2 and float(refused["mib"]) < 10
            print(f"  barre refus < moitié du CPU d'avant et < 10 Mio : {bar(quick_refusal)}")
            print(f"  barre lecture en flux < 40 Mio : {bar(float(streamed['mib']) < 40)}")
            same = before["cells"] == streamed["cells"] == rows * columns
            print(f"  mêmes cellules lues avant et après : {'oui' if same else 'NON'}")
            failed |= not same or not refused["refused"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
