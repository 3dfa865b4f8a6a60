"""The default grids a town starts with, shipped as TOML files in `audits/grids/` (one grid a
file, read in file-name order, like commitments/frameworks/*.toml): the monthly
self-assessment of the premises and signage, the monthly check of the information point, and
the quarterly mystery visit, call and letter. Pure reading, no Django model: the data migration
that gives existing towns the grids reads the same files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GRIDS_DIR = Path(__file__).resolve().parent / "grids"
KINDS = ("self", "visit", "call", "letter")  # models.GridKind's values
FREQUENCIES = ("month", "quarter", "year", "on_demand")  # models.Frequency's values


class GridFileError(ValueError):
    """A grid file that cannot be read, said in French with the file's name."""


@dataclass(frozen=True)
class CriterionSpec:
    commitment: str
    question: str
    expected: str
    weight: int


@dataclass(frozen=True)
class GridSpec:
    name: str
    title: str
    kind: str
    frequency: str
    instructions: str
    criteria: tuple[CriterionSpec, ...]


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise GridFileError(f"{where} : « {key} » doit être un texte non vide.")
    return value.strip()


def _criterion(data: dict[str, Any], where: str) -> CriterionSpec:
    weight = data.get("weight", 1)
    if not isinstance(weight, int) or not 1 <= weight <= 10:
        raise GridFileError(f"{where} : le poids doit être un nombre entier de 1 à 10.")
    return CriterionSpec(
        commitment=_text(data, "commitment", where),
        question=_text(data, "question", where),
        expected=_text(data, "expected", where, required=False),
        weight=weight,
    )


def read_grid_file(path: Path) -> GridSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise GridFileError(f"Grille {path.name} illisible : {error}") from error
    where = f"Grille {path.name}"
    kind, frequency = _text(data, "kind", where), _text(data, "frequency", where)
    if kind not in KINDS:
        raise GridFileError(f"{where} : type de contrôle « {kind} » inconnu.")
    if frequency not in FREQUENCIES:
        raise GridFileError(f"{where} : fréquence « {frequency} » inconnue.")
    rows = data.get("criteria")
    if not isinstance(rows, list) or not rows:
        raise GridFileError(f"{where} : la grille n'a aucun critère.")
    return GridSpec(
        name=path.stem,
        title=_text(data, "title", where),
        kind=kind,
        frequency=frequency,
        instructions=_text(data, "instructions", where, required=False),
        criteria=tuple(_criterion(row, f"{where}, critère {number}") for number, row in enumerate(rows, start=1)),
    )


def default_grids() -> list[GridSpec]:
    return [read_grid_file(path) for path in sorted(GRIDS_DIR.glob("*.toml"))]
